"""The peak memory of a worker storing one 40-megapixel JPEG as a lead image and as a logo.

    .venv/bin/python bench/decode_memory.py [--before REVISION]

Writes a photo-like 7300 × 5470 JPEG (under the 10 MB upload limit), then, in a fresh Python
process each, checks and stores it as a lead image (validate_lead_image, then every
rendition) and as a partner logo, and prints the process's peak resident memory (VmHWM)
next to that of the same process that only imported Django and the project. With --before,
the same is measured for the project as it was at REVISION (a git archive of it), for
comparison. Everything is written to a temporary folder, removed afterwards.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZE = (7300, 5470)

CHILD = """
import json, sys
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from pages.images import make_renditions, validate_lead_image
from partners.logos import process_logo, validate_logo

def peak():
    # VmHWM: this process's own high-water mark (ru_maxrss keeps the parent's across exec).
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024

what, path = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
start = peak()
upload = SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")
if what == "lead":
    validate_lead_image(upload)
    make_renditions(upload, "bench")
elif what == "logo":
    upload.size = 0  # the 2 MB limit of logos is not what is measured
    validate_logo(upload)
    process_logo(upload, "bench")
print(json.dumps({"start_mb": start, "peak_mb": peak()}))
"""


def write_photo(path, orientation=1):
    """A photo-like JPEG; orientation 6 is how a phone held upright says "turn me"."""
    from PIL import Image

    across = Image.linear_gradient("L").rotate(90).resize(SIZE)
    down = Image.linear_gradient("L").resize(SIZE)
    image = Image.merge("RGB", (across, down, across.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    grain = Image.effect_noise(SIZE, 30).convert("RGB")
    image = Image.blend(image, grain, 0.08)
    del across, down, grain
    exif = Image.Exif()
    exif[0x0112] = orientation
    image.save(path, format="JPEG", quality=85, exif=exif)


def measure(source, what, photo):
    env = {
        **os.environ,
        "PYTHONPATH": str(source),
        "DJANGO_SETTINGS_MODULE": "genmig.settings",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "insecure-key-for-bench-only"),
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "EMAIL_URL": "memorymail://",
    }
    result = subprocess.run(  # noqa: S603 (this file's own code)
        [sys.executable, "-c", CHILD, what, str(photo)],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def archive(revision, folder):
    git = subprocess.Popen(["git", "archive", revision], cwd=ROOT, stdout=subprocess.PIPE)  # noqa: S603, S607
    subprocess.run(["tar", "-x", "-C", str(folder)], stdin=git.stdout, check=True)  # noqa: S603, S607
    if git.wait():
        raise SystemExit(f"git archive {revision} failed")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", metavar="REVISION", help="also measure the project at REVISION")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        photos = {}
        for orientation, label in ((1, "upright"), (6, "turned")):
            photos[label] = Path(folder) / f"{label}.jpg"
            write_photo(photos[label], orientation)
        size = photos["upright"].stat().st_size / 1e6
        print(f"{SIZE[0]} × {SIZE[1]} JPEG, {size:.1f} MB; turned: EXIF orientation 6")
        sources = [("now", ROOT)]
        if args.before:
            before = Path(folder) / "before"
            before.mkdir()
            archive(args.before, before)
            sources.insert(0, (args.before, before))
        for label, source in sources:
            for what in ("lead", "logo"):
                for shape, photo in photos.items():
                    figures = measure(source, what, photo)
                    print(
                        f"{label:>12} {what} {shape:>7}: peak {figures['peak_mb']:4d} MB "
                        f"(after imports {figures['start_mb']} MB)"
                    )


if __name__ == "__main__":
    main()
