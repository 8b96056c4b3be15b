"""Partner logos: only real raster images, scaled down and stored as WebP."""

import hashlib
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image

from pages.files import read_image
from pages.pictures import open_picture

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuses "decompression bombs" long before they fill memory
ACCEPTED_FORMATS = {"PNG", "JPEG", "WEBP"}
STORED_BOX = (
    480,
    240,
)  # a logo is shown at most 240 x 120 CSS pixels; twice that for sharp screens


FORMAT_MESSAGE = _(
    "Upload the logo as a PNG, JPEG or WebP image. SVG and other formats are not "
    "accepted; export the logo as PNG first."
)


def validate_logo(file):
    """Refuse anything but a PNG, JPEG or WebP image of at most 2 MB, with a clear message.

    The whole image is decoded, as storing it will: a file cut short or damaged past its
    header is refused here with a message, not discovered on saving. A logo already stored
    (the library's, chosen in the form) was checked when it was uploaded.
    """
    if getattr(file, "_committed", False):
        return
    if file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The logo is %(size).1f MB; the largest accepted is 2 MB."),
            code="too_large",
            params={"size": file.size / 1024 / 1024},
        )
    image_format, width, height = read_image(file, ACCEPTED_FORMATS, MAX_PIXELS, STORED_BOX)
    # Whatever the site cannot read, a decompression bomb included, gets the same message.
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(FORMAT_MESSAGE, code="invalid_format")
    if width * height > MAX_PIXELS:
        raise ValidationError(
            _("The image is %(width)d × %(height)d pixels, too large to process."),
            code="too_many_pixels",
            params={"width": width, "height": height},
        )


def process_logo(file, stem):
    """Scale the upload down to fit STORED_BOX and return it as a WebP file.

    The name carries a hash of the content, so a replaced logo gets a new address and
    can be cached by browsers for a long time.
    """
    # Upright (a photo taken sideways says so in its EXIF data), in sRGB, RGB or RGBA.
    image = open_picture(file, STORED_BOX)
    image.thumbnail(STORED_BOX, Image.Resampling.LANCZOS)
    output = BytesIO()
    image.save(output, format="WEBP", quality=85, method=6)
    data = output.getvalue()
    digest = hashlib.sha256(data).hexdigest()[:12]
    return ContentFile(data, name=f"{stem}-{digest}.webp")
