"""Every picture an editor has, as a lead image or as a logo: stored, or refused with a message.

Pictures as cameras, phones and editing apps write them: EXIF blocks that do not follow the
standard, a second picture inside a JPEG (MPF, "MPO"), colour profiles other than sRGB,
16-bit greys, very long shapes; and the memory one 40-megapixel photo takes to store.
"""

import io
import struct
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageCms

from pages.images import SHARE_SIZE
from pages.models import Update
from partners.models import Partner
from tests.servers import ROOT
from tests.test_partners import admin_form as partner_form
from tests.test_updates import admin_form as update_form
from tests.test_updates import rendition_files

pytestmark = pytest.mark.django_db


def encoded(image, image_format="JPEG", **options):
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **options)
    return buffer.getvalue()


def add(staff_client, target, data, name="photo.jpg"):
    """Post the picture through the admin, as a new update's lead image or a new partner's logo."""
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    if target == "lead":
        form = update_form(image=upload, image_alt_en="A picture")
        return staff_client.post("/admin/pages/update/add/", form)
    return staff_client.post("/admin/partners/partner/add/", partner_form(logo=upload))


def stored_pictures(target, media_root):
    """Every file stored from the picture, opened; the largest first."""
    if target == "lead":
        paths = rendition_files(Update.objects.get(), media_root)
    else:
        paths = [media_root / Partner.objects.get(slug="gender-lab").logo.name]
    pictures = [Image.open(path) for path in paths]
    return sorted(pictures, key=lambda picture: -picture.width)


TARGETS = ["lead", "logo"]


# EXIF blocks that do not follow the standard


def sideways_with_damaged_exif(wrong_tag):
    """A landscape JPEG whose camera says "turn 90° clockwise", with one EXIF tag damaged.

    The camera maker's tag (0x010F, text) is written as another tag that must be a number:
    Pillow reads the block, and `ImageOps.exif_transpose` then fails on writing it again.
    """
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x010F] = "Camera maker"
    landscape = Image.new("RGB", (400, 200), (0, 51, 160))
    landscape.paste((255, 255, 255), (0, 0, 200, 200))  # the left half white
    data = encoded(landscape, exif=exif)
    maker = b"\x01\x0f\x00\x02"  # tag 0x010F, type 2 (text), in the block's big-endian order
    assert data.count(maker) == 1
    return data.replace(maker, struct.pack(">H", wrong_tag) + b"\x00\x02")


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize(
    "wrong_tag",
    [0x011A, 0x0100],  # XResolution (TypeError in Pillow), ImageWidth (struct.error)
    ids=["resolution-as-text", "width-as-text"],
)
def test_a_photo_with_a_damaged_exif_block_is_stored_upright(
    staff_client, media_root, target, wrong_tag
):
    response = add(staff_client, target, sideways_with_damaged_exif(wrong_tag))
    assert response.status_code == 302, response.content.decode()[:2000]
    for stored in stored_pictures(target, media_root):
        if stored.size == SHARE_SIZE:
            continue  # the sharing crop is landscape whatever the picture
        assert stored.height > stored.width  # upright, as the camera was held
        rgb = stored.convert("RGB")
        top = rgb.getpixel((stored.width // 2, stored.height // 4))
        bottom = rgb.getpixel((stored.width // 2, stored.height * 3 // 4))
        assert min(top) > 200 and bottom[2] > 120 and bottom[0] < 60


# A JPEG with a second picture inside (MPF)


@pytest.mark.parametrize("target", TARGETS)
def test_a_jpeg_with_a_second_picture_inside_is_stored_as_its_first(
    staff_client, media_root, target
):
    first = Image.new("RGB", (800, 600), (200, 30, 30))
    depth_map = Image.new("RGB", (800, 600), (0, 0, 0))
    data = encoded(first, "MPO", save_all=True, append_images=[depth_map])
    with Image.open(io.BytesIO(data)) as check:
        assert check.format == "MPO" and check.n_frames == 2
    response = add(staff_client, target, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    for stored in stored_pictures(target, media_root):
        red, green, blue = stored.convert("RGB").getpixel((stored.width // 2, stored.height // 2))
        assert red > 170 and green < 70 and blue < 70


# Colour profiles


def rgb_profile(description, red, green, blue, gamma):
    """An ICC (version 2) profile of an RGB screen: its primaries (XYZ, D50) and its gamma."""

    def fixed(value):
        return struct.pack(">i", round(value * 65536))

    def xyz(x, y, z):
        return b"XYZ \0\0\0\0" + fixed(x) + fixed(y) + fixed(z)

    curve = b"curv\0\0\0\0" + struct.pack(">IH", 1, round(gamma * 256))
    text = description.encode() + b"\0"
    tags = [
        (b"desc", b"desc\0\0\0\0" + struct.pack(">I", len(text)) + text + bytes(78)),
        (b"cprt", b"text\0\0\0\0No copyright\0"),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(*red)),
        (b"gXYZ", xyz(*green)),
        (b"bXYZ", xyz(*blue)),
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    start = 128 + 4 + 12 * len(tags)
    table, body = b"", b""
    for signature, content in tags:
        content += bytes(-len(content) % 4)
        table += signature + struct.pack(">II", start + len(body), len(content))
        body += content
    header = (
        struct.pack(">I", start + len(body))
        + b"lcms"
        + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ "
        + struct.pack(">6H", 2026, 1, 1, 0, 0, 0)
        + b"acsp"
        + bytes(28)
        + fixed(0.9642)
        + fixed(1.0)
        + fixed(0.8249)
        + b"lcms"
        + bytes(44)
    )
    return header + struct.pack(">I", len(tags)) + table + body


# The primaries of Display P3, the colours of recent phones' photos, adapted to D50.
DISPLAY_P3 = rgb_profile(
    "Display P3-like",
    (0.5151, 0.2412, -0.0011),
    (0.2920, 0.6922, 0.0419),
    (0.1571, 0.0666, 0.7841),
    2.2,
)
P3_BLUE = (60, 140, 200)  # a sky blue, as the file holds it


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("image_format", ["JPEG", "PNG"])
def test_a_photo_with_a_colour_profile_is_stored_in_srgb_in_every_format(
    staff_client, media_root, target, image_format
):
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    p3 = ImageCms.ImageCmsProfile(io.BytesIO(DISPLAY_P3))
    sample = Image.new("RGB", (1, 1), P3_BLUE)
    expected = ImageCms.profileToProfile(sample, p3, srgb).getpixel((0, 0))
    # Shown as sRGB without the conversion, the sky would be visibly another blue.
    assert abs(expected[0] - P3_BLUE[0]) > 40
    data = encoded(Image.new("RGB", (800, 600), P3_BLUE), image_format, icc_profile=DISPLAY_P3)
    response = add(staff_client, target, data, name=f"photo.{image_format.lower()}")
    assert response.status_code == 302, response.content.decode()[:2000]
    pictures = stored_pictures(target, media_root)
    assert {picture.format for picture in pictures} == (
        {"AVIF", "WEBP", "JPEG"} if target == "lead" else {"WEBP"}
    )
    for stored in pictures:
        # No profile: browsers read the pixels as sRGB, and they are.
        assert not stored.info.get("icc_profile")
        pixel = stored.convert("RGB").getpixel((stored.width // 2, stored.height // 2))
        assert all(abs(a - b) <= 6 for a, b in zip(pixel, expected, strict=True)), (
            stored.format,
            pixel,
            expected,
        )


# Anything that passes the check is stored


@pytest.mark.parametrize(
    ("picture", "name"),
    [
        (Image.new("RGB", (40_000, 1), (0, 51, 160)), "line.png"),
        (Image.new("RGB", (1000, 30_000), (0, 51, 160)), "column.png"),
    ],
    ids=["very-wide", "very-tall"],
)
def test_a_lead_image_of_a_very_long_shape_is_stored(staff_client, media_root, picture, name):
    response = add(staff_client, "lead", encoded(picture, "PNG"), name=name)
    assert response.status_code == 302, response.content.decode()[:2000]
    for stored in stored_pictures("lead", media_root):
        assert max(stored.size) <= 16383 and min(stored.size) >= 1
        assert stored.convert("RGB").getpixel((0, 0))[2] > 120


@pytest.mark.parametrize("target", TARGETS)
def test_a_16_bit_grey_picture_keeps_its_grey(staff_client, media_root, target):
    grey = Image.new("I;16", (800, 600), 40_000)  # 61% of white
    response = add(staff_client, target, encoded(grey, "PNG"), name="scan.png")
    assert response.status_code == 302, response.content.decode()[:2000]
    for stored in stored_pictures(target, media_root):
        pixel = stored.convert("RGB").getpixel((stored.width // 2, stored.height // 2))
        assert all(abs(channel - 156) <= 4 for channel in pixel), pixel


# Memory


def decode_memory_bench():
    """bench/decode_memory.py, which makes the 40-megapixel photo and measures its decoding."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import decode_memory
    finally:
        sys.path.remove(str(ROOT / "bench"))
    return decode_memory


def test_a_40_megapixel_photo_is_decoded_at_a_reduced_scale(tmp_path):
    decode_memory = decode_memory_bench()
    path = tmp_path / "photo.jpg"
    decode_memory.write_photo(path)
    assert path.stat().st_size < 10 * 1024 * 1024  # within the lead images' limit
    figures = decode_memory.measure(ROOT, "lead", path)
    # Decoded whole, its pixels alone are 120 MB, and each copy as many again.
    assert figures["peak_mb"] - figures["start_mb"] < 120, figures
    figures = decode_memory.measure(ROOT, "logo", path)
    assert figures["peak_mb"] - figures["start_mb"] < 60, figures
