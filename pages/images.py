"""Lead images: checked on upload, and every size and format visitors get made once, on save.

A visitor's request never decodes or encodes an image: the names of the renditions are kept
on the row, and templates only write them into <picture> and the sharing tags.
"""

import hashlib
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, features

from .files import read_image
from .pictures import open_picture

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuses "decompression bombs" long before they fill memory
ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP"}
# The largest a lead image is shown is about 46rem (736 CSS pixels); 1472 serves screens of
# twice that density, the smaller ones phones and the cards on the home page.
WIDTHS = (480, 960, 1472)
SHARE_SIZE = (1200, 630)  # what Facebook, LinkedIn and X show for a large card
# The upright size the largest rendition and the sharing crop need: a JPEG is decoded at the
# smallest scale that still covers it.
DECODED_FIT = (WIDTHS[-1], SHARE_SIZE[1])
# WebP's limit on either side; a very tall picture's renditions are narrowed to stay within.
MAX_SIDE = 16383
# Best first: the browser takes the first <source> it can show; JPEG is the fallback <img>.
FORMATS = (
    # Speed 8 encodes about five times faster than the default 6, for files a third larger:
    # still a third smaller than WebP, and an editor's save waits seconds, not tens of them.
    ("avif", "image/avif", "AVIF", {"quality": 50, "speed": 8}),
    ("webp", "image/webp", "WEBP", {"quality": 78, "method": 4}),
    ("jpg", "image/jpeg", "JPEG", {"quality": 80, "optimize": True, "progressive": True}),
)

FORMAT_MESSAGE = _(
    "Upload the image as a JPEG, PNG or WebP file (a photograph is best as JPEG). "
    "This file is not one of those, or it is damaged or incomplete."
)


def validate_lead_image(file):
    """Refuse anything but a whole JPEG, PNG or WebP image of at most 10 MB and 40 megapixels."""
    if file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The image is %(size).1f MB; the largest accepted is 10 MB."),
            code="too_large",
            params={"size": file.size / 1024 / 1024},
        )
    image_format, width, height = read_image(file, ACCEPTED_FORMATS, MAX_PIXELS, DECODED_FIT)
    if width is None or width * height > MAX_PIXELS:
        raise ValidationError(
            _(
                "The image has too many pixels to process (the most accepted is "
                "40 megapixels, for example 7300 × 5470); scale it down first."
            ),
            code="too_many_pixels",
        )
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(FORMAT_MESSAGE, code="invalid_format")


def available_formats():
    """The formats this Pillow can write; AVIF needs Pillow 11.3 or newer (or libavif)."""
    return [f for f in FORMATS if f[2] != "AVIF" or features.check("avif")]


def _hashed(data, stem, suffix):
    digest = hashlib.sha256(data).hexdigest()[:12]
    return ContentFile(data, name=f"{stem}-{suffix}-{digest}" if suffix else f"{stem}-{digest}")


def _encode(image, pillow_format, options):
    output = BytesIO()
    image.save(output, format=pillow_format, **options)
    return output.getvalue()


def flatten(image):
    """A picture with transparency on white: JPEG has none, and the page behind is white."""
    if image.mode != "RGBA":
        return image
    flat = Image.new("RGB", image.size, "white")
    flat.paste(image, mask=image.getchannel("A"))
    return flat


def make_renditions(file, stem):
    """Every file visitors get from one upload: [(ContentFile, role)] and what to keep on the row.

    The names carry a hash of the content, so a replaced image gets new addresses and each file
    can be cached for a year. Only metadata-free pixels are written: no camera data or location.
    """
    image = flatten(open_picture(file, DECODED_FIT))
    width, height = image.size
    files = []
    sources = {}
    narrowest = max(1, width * MAX_SIDE // height)
    widths = sorted({min(w, width, narrowest) for w in WIDTHS})  # never enlarged
    for target in widths:
        scaled = image
        if target < width:
            scaled = image.resize(
                (target, max(1, round(height * target / width))), Image.Resampling.LANCZOS
            )
        for extension, mime, pillow_format, options in available_formats():
            data = _encode(scaled, pillow_format, options)
            content = _hashed(data, stem, f"{target}w")
            content.name += f".{extension}"
            files.append(content)
            sources.setdefault(mime, []).append([target, content.name, len(data)])
    share_image = ImageOps.fit(image, SHARE_SIZE, Image.Resampling.LANCZOS)
    share = _hashed(_encode(share_image, "JPEG", FORMATS[-1][3]), stem, "share")
    share.name += ".jpg"
    files.append(share)
    largest = widths[-1]
    info = {
        "width": largest,
        "height": max(1, round(height * largest / width)),
        "sources": sources,
        "share": share.name,
    }
    return files, info


def rendition_names(info):
    """Every stored file that a row's rendition record refers to."""
    if not info:
        return set()
    names = {name for entries in info.get("sources", {}).values() for _w, name, _s in entries}
    if info.get("share"):
        names.add(info["share"])
    return names


def renamed_renditions(info, names):
    """The rendition record with its files renamed ({old name: new name})."""
    renamed = {
        **info,
        "sources": {
            mime: [[width, names.get(name, name), size] for width, name, size in entries]
            for mime, entries in info.get("sources", {}).items()
        },
    }
    if info.get("share"):
        renamed["share"] = names.get(info["share"], info["share"])
    return renamed
