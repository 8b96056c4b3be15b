"""Decoding an uploaded picture, the one way that checking it and storing it both use.

What an editor uploads comes from every kind of camera, phone and editing app: EXIF blocks
that do not follow the standard, a second picture inside a JPEG (MPF, which Pillow calls
"MPO"), colour profiles other than sRGB, 16-bit or palette pixels. Whatever is decoded here
when the upload is checked is decoded the same way when it is stored, so a file that passed
the check is stored without error.
"""

import functools
import logging
from io import BytesIO

from PIL import ExifTags, Image, ImageCms

logger = logging.getLogger(__name__)

# A JPEG with a second picture (a depth map, a preview) is still a JPEG; its first frame is the
# photo, and it is what Pillow decodes.
SAME_AS = {"MPO": "JPEG"}

TURNS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

SIDEWAYS = {TURNS[5], TURNS[6], TURNS[7], TURNS[8]}


@functools.cache
def srgb_profile():
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def picture_format(image):
    """The format a picture counts as: an MPO is the JPEG its first frame is."""
    return SAME_AS.get(image.format, image.format)


def orientation(image):
    """How the camera was held (EXIF Orientation, 1 to 8); 1 when the EXIF cannot say.

    Pillow's own `ImageOps.exif_transpose` rewrites the whole EXIF block and fails on a block
    that does not follow the standard (a tag of the wrong type); only this one tag matters.
    """
    try:
        value = image.getexif().get(ExifTags.Base.Orientation, 1)
    except Exception:  # noqa: BLE001 (any damage in the EXIF block: the pixels are still there)
        return 1
    return value if isinstance(value, int) and value in TURNS else 1


def to_srgb(image):
    """The picture as RGB, or RGBA where it has transparency, its colours turned into sRGB.

    The renditions carry no profile, and browsers read a picture without one as sRGB: a
    photo from a phone in Display P3 or a camera in Adobe RGB would otherwise look washed out
    in one format and not another.
    """
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    target = "RGBA" if has_alpha else "RGB"
    icc = image.info.get("icc_profile")
    if icc:
        source = image if image.mode in ("RGB", "RGBA", "CMYK", "L") else image.convert(target)
        try:
            profile = ImageCms.ImageCmsProfile(BytesIO(icc))
            output_mode = target if source.mode != "CMYK" or not has_alpha else "RGB"
            converted = ImageCms.profileToProfile(
                source, profile, srgb_profile(), outputMode=output_mode
            )
            if converted.mode != target:
                converted = converted.convert(target)
            converted.info.pop("icc_profile", None)
            return converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            # A profile that is damaged or does not fit the pixels: the colours as they are.
            logger.warning("Could not apply the colour profile of an upload; kept as sRGB")
            image = source
    if image.mode.startswith("I;16") or image.mode == "I":
        # 16-bit greys: scaled to 8 bits, not cut at 255 (which would turn them white).
        image = image.convert("I").point(lambda value: value / 256).convert("L")
    converted = image.convert(target)
    converted.info.pop("icc_profile", None)
    return converted


def open_picture(file, fit):
    """The uploaded picture decoded upright, in sRGB, as RGB or RGBA.

    `fit` is the (width, height) the largest use of the picture needs, upright: a JPEG is
    decoded at a half, a quarter or an eighth of its size where that still covers it
    (`Image.draft`), which takes a 40-megapixel photo from hundreds of megabytes of memory
    to a few tens.
    """
    file.seek(0)
    with Image.open(file) as source:
        turn = TURNS.get(orientation(source))
        if picture_format(source) == "JPEG":
            width, height = fit[::-1] if turn in SIDEWAYS else fit
            source.draft(None, (min(width, source.width), min(height, source.height)))
        source.load()  # every pixel: a file cut short or damaged fails here
        image = to_srgb(source)
    if turn is not None:
        image = image.transpose(turn)
    return image
