"""Pictures uploaded to a production gunicorn worker: stored, never a 500, in bounded memory."""

import re
import secrets
from pathlib import Path

import pytest
from PIL import Image

from tests.servers import (
    Browser,
    Gunicorn,
    create_editor,
    form_fields,
    manage,
    production_env,
)
from tests.test_front import multipart
from tests.test_pictures import decode_memory_bench, encoded, sideways_with_damaged_exif

PASSWORD = secrets.token_urlsafe(16)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pictures")
    env = production_env(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        MEDIA_ROOT=str(folder / "media"),
        WEB_CONCURRENCY="1",  # one worker: the one whose memory is read
    )
    manage(env, "migrate", "--noinput")
    create_editor(env, PASSWORD)
    instance = Gunicorn(env, folder / "gunicorn.log").start()
    editor = Browser()
    response = editor.submit(
        instance, "/admin/login/?next=/admin/", {"username": "editor", "password": PASSWORD}
    )
    assert response.status == 302, response
    editor.second_factor(instance)
    yield instance, editor
    instance.stop()


def worker_memory(instance):
    """(resident, peak resident) MB of the instance's one worker process."""
    master = instance.process.pid
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    (worker,) = children
    status = Path(f"/proc/{worker}/status").read_text()
    resident = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) // 1024
    peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) // 1024
    return resident, peak


def add_update(instance, editor, title, filename, data):
    path = "/admin/pages/update/add/"
    page = editor.get(instance, path)
    assert page.status == 200
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    changes = {
        "kind": "news",
        "title_en": title,
        "slug": slug,
        "date": "2026-12-02",
        "summary_en": "What happened.",
        "image_alt_en": "A picture",
        "published": "on",
    }
    fields = [(k, v) for k, v in form_fields(page.text) if k not in changes and k != "image"]
    content_type, body = multipart(
        [*fields, *changes.items()], {"image": (filename, "image/jpeg", data)}
    )
    headers = editor._headers(
        instance,
        {
            "Content-Type": content_type,
            "Origin": instance.origin,
            "Referer": instance.origin + path,
        },
    )
    saved = instance.request("POST", path, headers=headers, body=body)
    assert saved.status == 302, (
        saved.status,
        re.findall(r'<ul class="errorlist[^>]*>.*?</ul>', saved.text, re.S),
    )
    return instance.get(f"/updates/{slug}/")


def test_a_phone_photo_with_a_damaged_exif_block_or_a_second_picture_is_stored(site):
    instance, editor = site
    mpo = encoded(
        Image.new("RGB", (800, 600), (200, 30, 30)),
        "MPO",
        save_all=True,
        append_images=[Image.new("RGB", (800, 600))],
    )
    for title, data in [
        ("Damaged EXIF", sideways_with_damaged_exif(0x011A)),
        ("Second picture", mpo),
    ]:
        page = add_update(instance, editor, title, "photo.jpg", data)
        assert page.status == 200 and 'class="lead-image"' in page.text
    assert " 500 " not in instance.log_text()


def test_a_40_megapixel_photo_is_stored_in_bounded_worker_memory(site, tmp_path):
    instance, editor = site
    decode_memory = decode_memory_bench()
    path = tmp_path / "photo.jpg"
    decode_memory.write_photo(path)
    # Warm up: the worker has served the admin's add form and stored a small picture.
    small = encoded(Image.new("RGB", (1600, 1200), (0, 51, 160)))
    add_update(instance, editor, "Warm up", "small.jpg", small)
    resident, _peak = worker_memory(instance)
    page = add_update(instance, editor, "Forty megapixels", "photo.jpg", path.read_bytes())
    assert page.status == 200 and 'class="lead-image"' in page.text
    _resident, peak = worker_memory(instance)
    print(f"storing a 40-megapixel photo: worker peak {peak} MB, {resident} MB before")
    # Decoded whole, its pixels alone are 120 MB, and each copy as many again.
    assert peak - resident < 150
