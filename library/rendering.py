"""What templates need to show a picture of the library, from its row alone."""


def picture_context(storage, file, info, alt):
    """The <picture> of a rendition record: sources, fallback, size and sharing crop."""
    if not file or not info:
        return None
    fallback = info["sources"]["image/jpeg"]
    return {
        "alt": alt,
        "width": info["width"],
        "height": info["height"],
        "src": storage.url(fallback[-1][1]),
        "thumbnail": storage.url(fallback[0][1]),
        "sources": [
            {
                "type": mime,
                "srcset": ", ".join(f"{storage.url(name)} {w}w" for w, name, _s in entries),
            }
            for mime, entries in info["sources"].items()
            if mime != "image/jpeg"
        ],
        "srcset": ", ".join(f"{storage.url(name)} {w}w" for w, name, _s in fallback),
        "share_url": storage.url(info["share"]),
    }
