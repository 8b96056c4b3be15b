"""The admin as a new communications officer meets it, in a real browser: lists readable at
1280 px, the admin in French from the header's switch or the browser's language, a question
before leaving unsaved changes, the Markdown preview styled as the page, the enquiry inbox.

gunicorn serves the site with DEBUG off and the production Content-Security-Policy. Each
screen is checked by axe at 1280 and 390 px and saved for a look under /tmp/shots/admin/.
"""

from pathlib import Path

import pytest

from tests.browser import signed_in_tab
from tests.servers import Gunicorn, give_second_factor, manage, production_env
from tests.test_history_browser import axe_violations

PASSWORD = "a-long-test-password-for-the-browser"
SHOTS = Path("/tmp/shots/admin")  # noqa: S108 (screenshots to look at after a run)
WIDTHS = [1280, 390]

SETUP = f"""
import datetime
from django.contrib.auth.models import Group, User
from django.utils import timezone
from pages.models import Page, Update
from partners.models import Enquiry, Partner
writer = User.objects.create_user("writer", password="{PASSWORD}", is_staff=True)
writer.groups.add(Group.objects.get(name="Content editors"))
handler = User.objects.create_user("handler", password="{PASSWORD}", is_staff=True)
handler.groups.add(Group.objects.get(name="Enquiry handlers"))
Page.objects.filter(slug="background").update(nav_title="Background")
Update.objects.create(
    kind="webinar", title="Care work across borders: a webinar with four researchers",
    slug="care-work", summary="Four researchers.", date=datetime.date(2027, 1, 20),
    start_time=datetime.time(14, 5), time_zone="Europe/Zurich", published=True,
    publish_at=timezone.now() + datetime.timedelta(days=3),
)
Partner.objects.create(
    name="Institute for Migration and Gender Studies of the University of Somewhere",
    slug="imgs", type="research", country="Senegal", published=True,
    publish_at=timezone.now() + datetime.timedelta(days=2),
)
enquiry = Enquiry.objects.create(
    topic="research", name="Amina Diallo", email="amina+genmig@example.org",
    organisation_type="research", organisation="Institute for Migration Studies",
    message="We would like to discuss a research partnership on remittances.\\nBest, Amina",
    last_delivery_error="ConnectionRefusedError: [Errno 111] Connection refused",
    delivery_attempts=2, next_delivery_at=timezone.now() + datetime.timedelta(minutes=4),
)
print("KEYS", Page.objects.get(slug="background").pk, enquiry.pk)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("admin-everyday")
    env = production_env(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        DJANGO_PROXY_SSL_HEADER="",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        MEDIA_ROOT=str(folder / "media"),
    )
    manage(env, "migrate", "--noinput")
    output = manage(env, "shell", "-c", SETUP).stdout
    give_second_factor(env, "writer", "handler")
    keys = next(line for line in output.splitlines() if line.startswith("KEYS "))
    instance = Gunicorn(env, folder / "gunicorn.log").start()
    instance.page_pk, instance.enquiry_pk = keys.split()[1:]
    instance.base = f"http://127.0.0.1:{instance.port}"
    yield instance
    instance.stop()


@pytest.fixture(scope="module")
def pages_seen(tmp_path_factory):
    """The HTML of every screen looked at, for one run of the Nu Html Checker at the end."""
    return tmp_path_factory.mktemp("admin-everyday-html")


@pytest.fixture
def writer(browser, server):
    context, tab = signed_in_tab(browser, server.base, "writer", PASSWORD)
    yield tab
    context.close()


@pytest.fixture
def handler(browser, server):
    context, tab = signed_in_tab(browser, server.base, "handler", PASSWORD)
    yield tab
    context.close()


def look_at(tab, name, pages_seen):
    """Screenshots at 1280 and 390 px, axe at both; the HTML kept for the Nu checker."""
    reports = []
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        tab.set_viewport_size({"width": width, "height": 900})
        tab.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)
        if report := axe_violations(tab):
            reports.append(f"{name} at {width} px:\n{report}")
    tab.set_viewport_size({"width": 1280, "height": 900})
    (pages_seen / f"{name}.html").write_text(tab.content(), encoding="utf-8")
    return reports


def overflows(tab, selector):
    """Cells of the list whose text is cut off or runs out of the cell."""
    return tab.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector))
            .filter((cell) => cell.scrollWidth > cell.clientWidth + 1)
            .map((cell) => cell.className + ': ' + cell.textContent.trim())""",
        selector,
    )


LISTS = {
    "pages-list": "/admin/pages/page/",
    "updates-list": "/admin/pages/update/",
    "partners-list": "/admin/partners/partner/",
}


def test_lists_fit_1280_px_with_dates_in_one_format(server, writer, pages_seen):
    reports = []
    for name, path in LISTS.items():
        writer.goto(server.base + path)
        writer.wait_for_selector("#result_list")
        reports += look_at(writer, name, pages_seen)
        # Nothing runs past the window, and no column's text is cut off.
        assert writer.evaluate("document.documentElement.scrollWidth") <= 1280, name
        assert overflows(writer, "#result_list td, #result_list th, .results") == [], name
    assert not reports, "\n".join(reports)
