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


def logo_context(file, width, height, alt):
    """A logo is one file, shown as it is: the same keys, without sources or a sharing crop."""
    if not file:
        return None
    url = file.url
    return {
        "alt": alt,
        "width": width,
        "height": height,
        "src": url,
        "thumbnail": url,
        "sources": [],
        "srcset": "",
        "share_url": url,
    }
