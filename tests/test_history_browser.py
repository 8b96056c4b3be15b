"""A member of "Content editors" in a real browser: history, restore, recover, the start page.

gunicorn serves the site with DEBUG off, two workers and its page cache, as in production, so
"visitors see the restored text at once" is what a second, anonymous browser sees.
"""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser import signed_in_tab
from tests.servers import Gunicorn, give_second_factor, manage, production_env, require_redis
from tests.test_browser import AXE_TAGS, axe_report

PASSWORD = "a-long-test-password-for-the-browser"

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
      Partner.objects.get(slug="browser-recovery").pk)
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
    page_pk, partner_pk = keys.split()[1:]
    instance = Gunicorn(env, folder / "gunicorn.log").start()
    instance.page_pk, instance.partner_pk = page_pk, partner_pk
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
    assert rows.count() == 2
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
    assert editor.locator("#change-history tbody tr").count() == 3


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
    editor.click("input[type=submit][value='Recover this item']")
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
