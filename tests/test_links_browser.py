"""The link check on the admin's start page, in a real browser, against gunicorn with DEBUG off
and a local web server that answers 404 (and one address that never answers)."""

import os
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.browser import signed_in_tab
from tests.nu_checker import nu_errors
from tests.servers import Gunicorn, give_second_factor, manage, production_env, require_redis
from tests.test_history_browser import axe_violations

PASSWORD = "a-long-test-password-for-the-browser"
# Looked at by a person after a change: var/screenshots/ unless SCREENSHOTS names a folder.
SHOTS = Path(os.environ.get("SCREENSHOTS") or Path(__file__).parent.parent / "var" / "screenshots")
SECONDS = re.compile(r"\d{1,2}:\d{2}:\d{2}")
HANG_SECONDS = 4  # LINK_CHECK_TIMEOUT of the instance: what the address that never answers costs


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/hang":
            self.server.release.wait(30)
            return
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def web():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.release = threading.Event()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def server(tmp_path_factory, web):
    folder = tmp_path_factory.mktemp("links-browser")
    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    require_redis(redis_url).flushdb()
    env = production_env(
        REDIS_URL=redis_url,
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        DJANGO_PROXY_SSL_HEADER="",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        MEDIA_ROOT=str(folder / "media"),
        LINK_CHECK_ALLOW_PRIVATE="1",
        LINK_CHECK_TIMEOUT=str(HANG_SECONDS),
        LINK_CHECK_RUN_TIMEOUT="60",
    )
    manage(env, "migrate", "--noinput")
    setup = f"""
from django.contrib.auth.models import Group, User
from pages.models import Page, Resource, SiteSettings, Update
from partners.models import Partner
for model in (Page, Update, Resource, Partner, SiteSettings):
    model.objects.all().delete()
user = User.objects.create_user("writer", password="{PASSWORD}", is_staff=True)
user.groups.add(Group.objects.get(name="Content editors"))
page = Page.objects.create(title_en="Our work", slug="our-work", summary_en="s",
                           body_en="See [the report]({web}/gone-report).",
                           body_fr="Voir <{web}/hang>.")
print("PAGE", page.pk)
"""
    output = manage(env, "shell", "-c", setup).stdout
    give_second_factor(env, "writer")
    instance = Gunicorn(env, folder / "gunicorn.log").start()
    instance.page_pk = next(line for line in output.splitlines() if line.startswith("PAGE "))[5:]
    yield instance
    instance.stop()


@pytest.fixture
def editor(browser, server):
    context, tab = signed_in_tab(browser, f"http://127.0.0.1:{server.port}", "writer", PASSWORD)
    yield tab
    context.close()


def links_panel(tab):
    return tab.locator(".attention section", has_text="Broken links")


def shots(tab, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        tab.set_viewport_size({"width": width, "height": 900})
        tab.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)
    tab.set_viewport_size({"width": 1280, "height": 900})


def test_check_links_now_from_the_start_page(server, editor, web, browser_tools, tmp_path):
    base = f"http://127.0.0.1:{server.port}"
    pages = {}
    editor.goto(base + "/admin/")
    panel = links_panel(editor)
    assert "Links have never been checked." in panel.text_content()
    assert panel.locator(".count").count() == 0  # no "Broken links 0" before any check
    assert axe_violations(editor) == ""
    pages["never"] = editor.content()
    shots(editor, "links-never-checked")

    started = time.monotonic()
    panel.get_by_role("button", name="Check links now").click()
    editor.wait_for_selector(".messagelist .success")
    # The request does not wait for the run, which waits for the address that never answers.
    assert time.monotonic() - started < HANG_SECONDS - 1
    assert "The links are being checked" in editor.text_content(".messagelist")
    assert "Checking links now" in links_panel(editor).text_content()
    assert links_panel(editor).get_by_role("button", name="Check links now").count() == 0
    assert axe_violations(editor) == ""
    pages["running"] = editor.content()
    shots(editor, "links-running")

    deadline = time.monotonic() + 30
    while "Links last checked on" not in links_panel(editor).text_content():
        assert time.monotonic() < deadline, links_panel(editor).text_content()
        time.sleep(0.5)
        editor.goto(base + "/admin/")
    panel = links_panel(editor)
    text = panel.text_content()
    assert SECONDS.search(text), text
    assert panel.locator(".count").first.text_content().strip() == "2"
    assert f"{web}/gone-report" in text and "(404)" in text
    edit = panel.get_by_role("link", name="Edit: Page “Our work”, text (English)")
    assert edit.count() == 1
    assert panel.get_by_role("link", name="Edit: Page “Our work”, text (Français)").count() == 1
    assert axe_violations(editor) == ""
    pages["checked"] = editor.content()
    shots(editor, "links-checked")
    assert nu_errors(browser_tools["java"], tmp_path / "nu", pages) == ""

    edit.click()
    editor.wait_for_url(f"**/admin/pages/page/{server.page_pk}/change/")
    assert "the report" in editor.input_value("#id_body_en")
