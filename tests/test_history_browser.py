"""A member of "Content editors" in a real browser: history, restore, recover, the start page.

gunicorn serves the site with DEBUG off, two workers and its page cache, as in production, so
"visitors see the restored text at once" is what a second, anonymous browser sees.
"""

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser import signed_in_tab
from tests.nu_checker import nu_errors
from tests.servers import Gunicorn, give_second_factor, manage, production_env, require_redis
from tests.test_browser import AXE_TAGS, axe_report

PASSWORD = "a-long-test-password-for-the-browser"
# Looked at by a person after a change: var/screenshots/ unless SCREENSHOTS names a folder.
SHOTS = Path(os.environ.get("SCREENSHOTS") or Path(__file__).parent.parent / "var" / "screenshots")
SECONDS = re.compile(r"\d{1,2}:\d{2}:\d{2}")

SETUP = f"""
from django.contrib.auth.models import Group, User
from pages.models import Page
from partners.models import Partner
user = User.objects.create_user("writer", password="{PASSWORD}", is_staff=True)
user.groups.add(Group.objects.get(name="Content editors"))
Partner.objects.create(name="Browser Recovery Institute", slug="browser-recovery",
                       type="research", published=True)
Page.objects.create(title="A draft", slug="a-draft", summary="Not yet.", published=False)
print("KEYS", Page.objects.get(slug="background").pk,
      Partner.objects.get(slug="browser-recovery").pk, Page.objects.get(slug="privacy").pk)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("history-browser")
    # Two workers share the page cache through Redis, as every multi-worker deployment does.
    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    require_redis(redis_url).flushdb()
    env = production_env(
        REDIS_URL=redis_url,
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
    page_pk, partner_pk, privacy_pk = keys.split()[1:]
    instance = Gunicorn(env, folder / "gunicorn.log").start()
    instance.page_pk, instance.partner_pk, instance.privacy_pk = page_pk, partner_pk, privacy_pk
    yield instance
    instance.stop()


@pytest.fixture
def editor(browser, server):
    base = f"http://127.0.0.1:{server.port}"
    context, tab = signed_in_tab(browser, base, "writer", PASSWORD)
    yield tab
    context.close()


@pytest.fixture
def visitor(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def axe_violations(tab):
    results = Axe().run(
        tab,
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
    )
    assert results.response["passes"], f"axe checked nothing on {tab.url}"
    return axe_report(results.response["violations"])


def public_text(visitor, url):
    response = visitor.goto(url)
    assert response.status == 200
    return visitor.text_content("main")


def test_edit_twice_compare_restore_and_visitors_see_it(server, editor, visitor, tmp_path):
    base = f"http://127.0.0.1:{server.port}"
    change = f"{base}/admin/pages/page/{server.page_pk}/change/"
    for wording in ("First wording from the browser.", "Second wording from the browser."):
        editor.goto(change)
        editor.fill("#id_body_en", wording)
        editor.click("input[name=_continue]")
        editor.wait_for_selector(".messagelist .success")
    assert "Second wording" in public_text(visitor, base + "/background/")

    editor.goto(f"{base}/admin/pages/page/{server.page_pk}/history/")
    rows = editor.locator("#change-history tbody tr")
    assert rows.count() == 3  # the two edits, and the version the page had from the start
    assert "writer" in rows.nth(0).text_content()
    assert axe_violations(editor) == ""
    rows.nth(1).locator("a").click()  # the older version: latest first
    editor.wait_for_selector(".version-differences")
    assert editor.text_content(".version-differences del") == "First"
    assert editor.text_content(".version-differences ins") == "Second"
    editor.screenshot(path=tmp_path / "compare.png", full_page=True)
    assert axe_violations(editor) == ""
    editor.click("input[type=submit][value='Restore this version']")
    editor.wait_for_selector(".messagelist .success")
    assert "visitors see it now" in editor.text_content(".messagelist")
    assert editor.input_value("#id_body_en") == "First wording from the browser."
    assert "First wording" in public_text(visitor, base + "/background/")

    editor.goto(f"{base}/admin/pages/page/{server.page_pk}/history/")
    assert editor.locator("#change-history tbody tr").count() == 4


def test_delete_a_partner_and_recover_it(server, editor, visitor):
    base = f"http://127.0.0.1:{server.port}"
    directory = base + "/partners/?type=research"
    assert "Browser Recovery Institute" in public_text(visitor, directory)
    editor.goto(f"{base}/admin/partners/partner/{server.partner_pk}/delete/")
    editor.click("input[type=submit]")
    editor.wait_for_selector(".messagelist .success")
    assert "Browser Recovery Institute" not in public_text(visitor, directory)

    editor.click("a.recoverlink")
    assert axe_violations(editor) == ""
    editor.get_by_role("row", name="Browser Recovery Institute").locator("a").click()
    assert axe_violations(editor) == ""
    editor.click("input[type=submit][value='Restore this item']")
    editor.wait_for_selector(".messagelist .success")
    assert editor.input_value("#id_name_en") == "Browser Recovery Institute"
    assert "Browser Recovery Institute" in public_text(visitor, directory)


def test_the_start_page_shows_the_counts_and_passes_axe(server, editor, tmp_path):
    base = f"http://127.0.0.1:{server.port}"
    reports = []
    for width in (360, 1280):
        editor.set_viewport_size({"width": width, "height": 900})
        editor.goto(base + "/admin/")
        drafts = editor.locator(".attention section", has_text="Drafts")
        assert drafts.count() == 1
        assert drafts.locator(".count").first.text_content().strip().isdigit()
        editor.screenshot(path=tmp_path / f"start-{width}.png", full_page=True)
        if report := axe_violations(editor):
            reports.append(f"{width} px:\n{report}")
    assert not reports, "\n".join(reports)
    # A count leads to the list it counts.
    editor.locator(".attention a[href*='published__exact=0']").first.click()
    editor.wait_for_url("**/admin/pages/page/?published__exact=0")
    editor.wait_for_selector("#result_list")
    assert editor.locator("#result_list tbody tr").count() == 1
    assert "A draft" in editor.text_content("#result_list")


def shots(tab, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        tab.set_viewport_size({"width": width, "height": 900})
        tab.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)
    tab.set_viewport_size({"width": 1280, "height": 900})


def test_a_typo_in_text_from_the_start_is_fixed_then_undone(
    server, editor, visitor, browser_tools, tmp_path
):
    """The officer's task: fix a typo in a page nobody edited before, then undo it."""
    base = f"http://127.0.0.1:{server.port}"
    change = f"{base}/admin/pages/page/{server.privacy_pk}/change/"
    editor.goto(change)
    original = editor.input_value("#id_body_en")
    editor.fill("#id_body_en", original.replace("the", "teh", 1))
    editor.click("input[name=_continue]")
    editor.wait_for_selector(".messagelist .success")
    assert "teh" in public_text(visitor, base + "/privacy/")

    pages = {}
    editor.goto(f"{base}/admin/pages/page/{server.privacy_pk}/history/")
    intro = editor.text_content("#content-main > p")
    assert "restore" in intro and "revert" not in intro
    rows = editor.locator("#change-history tbody tr")
    assert rows.count() == 2
    latest, initial = rows.nth(0).text_content(), rows.nth(1).text_content()
    assert SECONDS.search(latest) and SECONDS.search(initial)
    # Only the English text changed: the other languages' texts are not named.
    assert "(English)" in latest and "(French)" not in latest and "(Spanish)" not in latest
    assert "Initial version" in initial
    assert axe_violations(editor) == ""
    pages["history"] = editor.content()
    shots(editor, "history-list")

    rows.nth(1).locator("a").click()
    editor.wait_for_selector(".version-differences")
    assert SECONDS.search(editor.text_content(".version-saved"))
    assert editor.text_content(".version-differences del") == "the"
    assert editor.text_content(".version-differences ins") == "teh"
    assert editor.locator(".version-differences tbody tr").count() == 1
    assert axe_violations(editor) == ""
    pages["compare"] = editor.content()
    shots(editor, "history-compare")
    editor.click("input[type=submit][value='Restore this version']")
    editor.wait_for_selector(".messagelist .success")
    assert SECONDS.search(editor.text_content(".messagelist"))
    assert editor.input_value("#id_body_en").replace("\r\n", "\n") == original.replace("\r\n", "\n")
    assert "teh" not in public_text(visitor, base + "/privacy/")

    editor.goto(f"{base}/admin/pages/page/")
    assert editor.get_by_role("link", name="Restore a deleted item").count() == 1
    editor.goto(f"{base}/admin/pages/page/recover/")
    assert "There is no deleted item to restore." in editor.text_content("#content-main")
    assert axe_violations(editor) == ""
    pages["deleted"] = editor.content()
    shots(editor, "history-deleted")
    assert nu_errors(browser_tools["java"], tmp_path / "nu", pages) == ""
