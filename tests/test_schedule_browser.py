"""An editor in a real browser: the admin wears the site's colours and passes axe-core, the
change form shows one language at a time and a preview, and an update scheduled a few
seconds ahead appears on the public pages at its time, with no command run.

gunicorn serves the production settings (DEBUG off, the Content-Security-Policy), with two
workers sharing Redis.
"""

import datetime
import os
import secrets
import time
import zoneinfo

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser import signed_in_tab
from tests.servers import Gunicorn, give_second_factor, manage, production_env, require_redis
from tests.test_admin_browser import RECORD_VIOLATIONS
from tests.test_browser import axe_report

PASSWORD = "a-long-test-password-for-the-editor"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LEAD_SECONDS = 20  # time for the editor to fill in and save the form
EDITOR = f"""
from django.contrib.auth.models import Group, User
user = User.objects.create_user("writer", "writer@iom.int", "{PASSWORD}", is_staff=True)
user.groups.add(Group.objects.get(name="Content editors"))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    require_redis(redis_url)
    folder = tmp_path_factory.mktemp("schedule-browser")
    # Plain HTTP from the browser: no TLS proxy in front, so no redirect to HTTPS.
    env = production_env(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=f"genmig-test-{secrets.token_hex(4)}",
        DJANGO_PROXY_SSL_HEADER="",
        DJANGO_SECURE_SSL_REDIRECT="0",
    )
    manage(env, "migrate", "--noinput")
    manage(env, "shell", "-c", EDITOR)
    give_second_factor(env, "writer")
    instance = Gunicorn(env, folder / "gunicorn.log").start()
    yield instance
    instance.stop()


@pytest.fixture
def editor(browser, server):
    """A tab signed in as a member of “Content editors”."""
    base = f"http://127.0.0.1:{server.port}"
    context, tab = signed_in_tab(browser, base, "writer", PASSWORD)
    yield tab, base
    context.close()


@pytest.fixture
def visitor(browser):
    context = browser.new_context()
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_the_admin_passes_axe_core_in_the_site_colours(editor):
    tab, base = editor
    reports = []
    for path in ("/admin/", "/admin/pages/update/", "/admin/pages/page/2/change/"):
        for width in (360, 1280):
            tab.set_viewport_size({"width": width, "height": 900})
            assert tab.goto(base + path).status == 200, path
            results = Axe().run(
                tab,
                options={
                    "runOnly": {"type": "tag", "values": AXE_TAGS},
                    "resultTypes": ["violations"],
                },
            )
            assert results.response["passes"], f"axe checked nothing on {path}"
            if results.response["violations"]:
                report = axe_report(results.response["violations"])
                reports.append(f"{path} at {width} px:\n{report}")
    assert not reports, "\n".join(reports)
    # IOM blue in the header.
    header = tab.evaluate("getComputedStyle(document.getElementById('header')).backgroundColor")
    assert header == "rgb(0, 51, 160)"


def test_an_editor_schedules_an_update_that_appears_at_its_time(editor, visitor):
    tab, base = editor
    zurich = zoneinfo.ZoneInfo("Europe/Zurich")
    publish_at = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=LEAD_SECONDS)
    publish_at = publish_at.replace(microsecond=0)
    local = publish_at.astimezone(zurich)

    tab.goto(base + "/admin/pages/update/add/")
    tab.fill("#id_title_en", "Report launch on Monday")
    tab.fill("#id_summary_en", "The new report on women in migration.")
    tab.fill("#id_body_en", "Join us for the **launch**.")
    tab.check("#id_published")
    tab.fill("#id_publish_at_0", f"{local:%Y-%m-%d}")
    tab.fill("#id_publish_at_1", f"{local:%H:%M:%S}")
    tab.click("input[name=_continue]")
    tab.wait_for_selector(".messagelist")

    # One language at a time: English first; the switch shows French instead.
    assert tab.is_visible("fieldset.language-en")
    assert tab.is_hidden("fieldset.language-fr") and tab.is_hidden("fieldset.language-es")
    assert tab.inner_html("fieldset.language-en .markdown-preview") == (
        "<p>Join us for the <strong>launch</strong>.</p>"
    )
    tab.click(".language-switch a >> nth=1")
    assert tab.is_visible("fieldset.language-fr")
    assert tab.is_hidden("fieldset.language-en")
    # The list says when it goes live.
    tab.goto(base + "/admin/pages/update/")
    assert f"Scheduled for {local.day} {local:%B %Y, %H:%M}" in tab.inner_text("#result_list")

    places = ["/updates/", "/", "/updates/feed/"]
    for path in places:
        visitor.goto(base + path)
        assert "Report launch on Monday" not in visitor.content(), path
    assert time.time() < publish_at.timestamp(), "the form took longer than the lead time"

    time.sleep(publish_at.timestamp() - time.time() + 0.3)
    for path in places:
        visitor.goto(base + path)
        assert "Report launch on Monday" in visitor.content(), path


def test_the_preview_follows_the_text_as_it_is_typed_under_the_policy(editor):
    tab, base = editor
    tab.goto(base + "/admin/pages/page/2/change/")
    tab.evaluate(RECORD_VIOLATIONS)
    tab.click(".language-switch a >> nth=2")
    assert tab.is_visible("fieldset.language-es") and tab.is_hidden("fieldset.language-en")
    tab.fill("#id_body_es", "La brecha de **género**, [datos](https://example.org).")
    # Locators, not wait_for_function: the policy forbids the eval() that it uses.
    strong = tab.locator("fieldset.language-es .markdown-preview strong")
    strong.wait_for()
    assert strong.text_content() == "género"
    link = tab.locator("fieldset.language-es .markdown-preview a")
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert tab.evaluate("window.__violations") == []
