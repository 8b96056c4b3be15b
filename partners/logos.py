"""Partner logos: only real raster images, scaled down and stored as WebP."""

import hashlib
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from pages.files import read_image

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
    header is refused here with a message, not discovered on saving.
    """
    if file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The logo is %(size).1f MB; the largest accepted is 2 MB."),
            code="too_large",
            params={"size": file.size / 1024 / 1024},
        )
    image_format, width, height = read_image(file, ACCEPTED_FORMATS, MAX_PIXELS)
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
    file.seek(0)
    with Image.open(file) as original:
        original.load()
        # A photo taken sideways says so in its EXIF data: store it the right way up.
        image = ImageOps.exif_transpose(original)
        has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
        image = image.convert("RGBA" if has_alpha else "RGB")
        image.thumbnail(STORED_BOX, Image.Resampling.LANCZOS)
        output = BytesIO()
        image.save(output, format="WEBP", quality=85, method=6)
    data = output.getvalue()
    digest = hashlib.sha256(data).hexdigest()[:12]
    return ContentFile(data, name=f"{stem}-{digest}.webp")
