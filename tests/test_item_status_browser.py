"""What an editor sees, in a real browser: the status line at the top of a change form and its
preview link, no "hours behind server time" note under the date fields (times are Geneva
time, said once), and a start page whose content list stays above the fold at 1280 px.

gunicorn serves the production settings (DEBUG off, the Content-Security-Policy).
"""

import datetime
import zoneinfo

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser import signed_in_tab
from tests.nu_checker import nu_errors
from tests.servers import Gunicorn, give_second_factor, manage, production_env
from tests.test_admin_browser import RECORD_VIOLATIONS
from tests.test_browser import axe_report

PASSWORD = "a-long-test-password-for-the-editor"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Something to do in every section an editor sees: the start page at its longest.
CONTENT = f"""
import datetime
from django.contrib.auth.models import Group, User
from django.utils import timezone
from pages.models import LinkCheck, Page, Resource, Update
user = User.objects.create_user("writer", "writer@iom.int", "{PASSWORD}", is_staff=True)
user.groups.add(Group.objects.get(name="Content editors"))
now = timezone.now()
days = lambda count: now + datetime.timedelta(days=count)
Update.objects.create(title="Launch", slug="launch", summary="s", published=True,
                      publish_at=days(3))
Update.objects.create(title="Closing call", slug="closing", summary="s", published=True,
                      unpublish_at=days(5))
Update.objects.create(title="Draft news", slug="draft-news", summary="s", published=False)
Resource.objects.create(title="Report", year=2024, url="https://publications.iom.int/x",
                        summary="s", published=False)
Page.objects.filter(slug="background").update(updated=days(-400))
LinkCheck.objects.create(url="https://gone.example.org/", broken=True, status=404,
                         checked_at=now, places=[])
print(*Update.objects.order_by("slug").values_list("slug", "pk"))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("item-status-browser")
    # Plain HTTP from the browser: no TLS proxy in front, so no redirect to HTTPS.
    env = production_env(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        DJANGO_PROXY_SSL_HEADER="",
        DJANGO_SECURE_SSL_REDIRECT="0",
    )
    manage(env, "migrate", "--noinput")
    manage(env, "shell", "-c", CONTENT)
    give_second_factor(env, "writer")
    instance = Gunicorn(env, folder / "gunicorn.log").start()
    yield instance
    instance.stop()


@pytest.fixture(scope="module")
def signed_in(browser, server):
    """One sign-in for the module: each sign-in spends a recovery code."""
    base = f"http://127.0.0.1:{server.port}"
    context, tab = signed_in_tab(browser, base, "writer", PASSWORD)
    yield context.storage_state(), base
    context.close()


@pytest.fixture
def editor(browser, signed_in):
    """A tab of the signed-in editor, whose browser clock is in New York, not Geneva."""
    state, base = signed_in
    context = browser.new_context(
        storage_state=state,
        timezone_id="America/New_York",
        viewport={"width": 1280, "height": 800},
    )
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_VIOLATIONS)
    tab = context.new_page()
    yield tab, base
    context.close()


def assert_no_policy_violation(tab):
    assert tab.evaluate("window.__violations") == []


def change_form(tab, base, title):
    tab.goto(base + "/admin/pages/update/")
    tab.get_by_role("link", name=title, exact=True).click()
    tab.wait_for_selector(".item-status")


def test_the_status_line_tops_the_form_and_opens_the_staff_preview(editor):
    tab, base = editor
    change_form(tab, base, "Launch")
    status = tab.locator(".item-status")
    assert status.inner_text().startswith("Scheduled for ")
    assert "(Geneva time) Visitors do not see it yet." in status.inner_text()
    # Above the texts, the schedule and the buttons: the first thing the form says.
    below = tab.locator(".language-switch").bounding_box()
    assert status.bounding_box()["y"] + status.bounding_box()["height"] <= below["y"]
    status.get_by_role("link", name="Preview it on the site (only signed-in staff see it)").click()
    tab.wait_for_url(base + "/updates/launch/")
    assert tab.locator("h1").inner_text() == "Launch"
    assert_no_policy_violation(tab)


def test_times_are_geneva_time_without_a_note_under_each_field(editor):
    tab, base = editor
    change_form(tab, base, "Closing call")
    tab.wait_for_selector("#id_unpublish_at_1 ~ .datetimeshortcuts")
    # The browser's clock really is hours away from Geneva's...
    assert tab.evaluate("DateTimeShortcuts.timezoneOffset") != 0
    # ...and still no field says so: the form says it once, beside the schedule.
    assert tab.locator(".timezonewarning").count() == 0
    assert "hours" not in tab.locator("#content").inner_text()
    schedule = tab.locator("fieldset.schedule")
    assert "Times are entered and shown in Geneva time (Europe/Zurich)." in schedule.inner_text()
    assert tab.get_by_text("Times are entered and shown in").count() == 1
    # "Now" gives the time in Geneva, as the field takes it.
    tab.fill("#id_publish_at_1", "")
    tab.locator("#id_publish_at_1 ~ .datetimeshortcuts a", has_text="Now").click()
    given = datetime.datetime.strptime(tab.input_value("#id_publish_at_1"), "%H:%M:%S")
    geneva = datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Zurich"))
    minutes = abs((given.hour * 60 + given.minute) - (geneva.hour * 60 + geneva.minute))
    assert min(minutes, 24 * 60 - minutes) <= 1
    assert_no_policy_violation(tab)


def test_the_content_list_stays_above_the_fold_with_every_section_busy(editor):
    tab, base = editor
    tab.goto(base + "/admin/")
    titles = tab.locator(".attention h3").all_inner_texts()
    assert titles == [
        "Broken links",
        "Going live in the next 14 days",
        "Expiring in the next 14 days",
        "French text missing",
        "Spanish text missing",
        "Drafts (not published)",
        "Not updated for a year",
    ]
    assert tab.locator(".attention .count", has_text="0").count() == 0
    for app in ("pages", "partners"):
        box = tab.locator(f".start-content .app-{app}").bounding_box()
        assert box["y"] + box["height"] <= 800, app
    recent = tab.locator("#recent-actions-module").bounding_box()
    assert recent["y"] < 800
    tab.set_viewport_size({"width": 390, "height": 800})
    assert tab.evaluate("document.documentElement.scrollWidth") <= 390
    assert_no_policy_violation(tab)


CHECKED = ["/admin/", "/admin/pages/page/", "/admin/pages/update/", "/admin/pages/resource/"]
# Django's own: the hidden initial value of a field whose default is computed (an update's
# date) repeats the field's aria-describedby.
DJANGO_HIDDEN_INITIAL = 'name="initial-'


def test_the_changed_screens_pass_axe_and_the_nu_html_checker(editor, browser_tools, tmp_path):
    tab, base = editor
    reports = []
    pages = {}
    for path in CHECKED:
        tab.goto(base + path)
        if path != "/admin/":
            # The change form of the first item listed: its status line.
            tab.locator("#result_list tbody th a").first.click()
            tab.wait_for_selector(".item-status")
        pages[path] = tab.url
        for width in (390, 1280):
            tab.set_viewport_size({"width": width, "height": 800})
            results = Axe().run(
                tab,
                options={
                    "runOnly": {"type": "tag", "values": AXE_TAGS},
                    "resultTypes": ["violations"],
                },
            )
            assert results.response["passes"], f"axe checked nothing on {tab.url}"
            if results.response["violations"]:
                report = axe_report(results.response["violations"])
                reports.append(f"{tab.url} at {width} px:\n{report}")
        name = path.strip("/").replace("/", "-") or "start"
        html = tab.context.request.get(tab.url).text()  # as sent, before any script ran
        (tmp_path / f"{name}.html").write_text(html, encoding="utf-8")
    assert not reports, "\n".join(reports)
    errors = nu_errors(browser_tools["java"], tmp_path, {}, ignore=[DJANGO_HIDDEN_INITIAL])
    assert not errors, "Nu Html Checker:\n" + errors
