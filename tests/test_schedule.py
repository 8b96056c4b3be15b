"""Publishing on a schedule: what visitors see follows publish_at and unpublish_at, and no
cached page outlives the next moment the clock changes it (an item appearing or going, an
event starting), without any command being run."""

import datetime
import time
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pages.models import Page, Resource, Update
from pages.schedule import next_change
from partners.models import Partner, PartnerType
from tests.helpers import learn_the_clock

pytestmark = pytest.mark.django_db

ZURICH = zoneinfo.ZoneInfo("Europe/Zurich")


def ago(seconds):
    return timezone.now() - datetime.timedelta(seconds=seconds)


def ahead(seconds):
    return timezone.now() + datetime.timedelta(seconds=seconds)


def make_update(title, **fields):
    fields.setdefault("slug", title.lower().replace(" ", "-"))
    fields.setdefault("summary", "What happened.")
    fields.setdefault("published", True)
    return Update.objects.create(title=title, **fields)


def make_items(suffix, **times):
    """One published item of each kind that can be scheduled, with the given times."""
    return [
        Page.objects.create(
            title=f"Page {suffix}", slug=f"page-{suffix}", summary="s", published=True, **times
        ),
        make_update(f"Update {suffix}", **times),
        Resource.objects.create(
            title=f"Resource {suffix}",
            year=2024,
            url="https://publications.iom.int/x",
            summary="s",
            published=True,
            **times,
        ),
        Partner.objects.create(
            name=f"Partner {suffix}",
            slug=f"partner-{suffix}",
            type=PartnerType.NGO,
            published=True,
            **times,
        ),
    ]


# The one rule: published()


def test_published_honours_publishing_and_end_times_on_every_kind():
    make_items("now")
    make_items("later", publish_at=ahead(3600))
    make_items("started", publish_at=ago(60))
    make_items("ended", unpublish_at=ago(60))
    make_items("ending", publish_at=ago(60), unpublish_at=ahead(3600))
    for model, field in (
        (Page, "title"),
        (Update, "title"),
        (Resource, "title"),
        (Partner, "name"),
    ):
        visible = {getattr(item, field).split()[-1] for item in model.objects.published()}
        assert {"now", "started", "ending"} <= visible, model
        assert not {"later", "ended"} & visible, model


def test_an_end_time_before_the_publishing_time_is_refused_with_a_message(staff_client):
    response = staff_client.post(
        "/admin/pages/update/add/",
        {
            "kind": "news",
            "title_en": "Backwards",
            "slug": "backwards",
            "date": "2027-01-15",
            "summary_en": "s",
            "time_zone": "Europe/Zurich",
            "published": "on",
            "publish_at_0": "2027-01-15",
            "publish_at_1": "09:00:00",
            "unpublish_at_0": "2027-01-14",
            "unpublish_at_1": "09:00:00",
        },
    )
    assert response.status_code == 200
    assert "The end time must come after the publishing time." in response.content.decode()
    assert not Update.objects.filter(slug="backwards").exists()


def test_every_public_place_follows_the_schedule(client):
    make_update("Visible news")
    make_update("Future news", publish_at=ahead(3600))
    make_update("Expired news", unpublish_at=ago(60))
    Page.objects.create(
        title="Future page", slug="future-page", summary="s", nav_title="Future menu",
        published=True, publish_at=ahead(3600),
    )  # fmt: skip
    Resource.objects.create(
        title="Future resource", year=2024, url="https://publications.iom.int/x", summary="s",
        published=True, publish_at=ahead(3600),
    )  # fmt: skip
    Partner.objects.create(
        name="Former partner", slug="former", type=PartnerType.NGO, published=True,
        unpublish_at=ago(60),
    )  # fmt: skip
    places = ["/", "/updates/", "/updates/feed/", "/sitemap.xml", "/resources/", "/partners/"]
    seen = "".join(client.get(path).content.decode() for path in places)
    assert "Visible news" in seen
    for hidden in ("Future news", "Expired news", "Future menu", "future-page",
                   "Future resource", "Former partner"):  # fmt: skip
        assert hidden not in seen, hidden
    assert client.get("/updates/future-news/").status_code == 404
    assert client.get("/future-page/").status_code == 404


def test_staff_preview_a_scheduled_item_marked_not_public_yet_and_private(client, staff_client):
    update = make_update(
        "Monday launch", publish_at=datetime.datetime(2030, 1, 14, 8, tzinfo=datetime.UTC)
    )
    preview = staff_client.get(update.get_absolute_url())
    assert preview.status_code == 200
    html = preview.content.decode()
    # Shown in headquarters' time: 08:00 UTC in January is 09:00 in Zurich.
    assert "Preview: not public yet. Visitors will see it from 14 January 2030, 09:00" in html
    assert "(Geneva time)" in html and "Europe/Zurich" not in html
    assert preview["Cache-Control"] == "private, no-cache"
    # Never stored for visitors: they still get a 404, before and after the preview.
    assert client.get(update.get_absolute_url()).status_code == 404
    page = Page.objects.create(
        title="Ended page", slug="ended-page", summary="s", published=True, unpublish_at=ago(60)
    )
    expired = staff_client.get(page.get_absolute_url())
    assert "Preview: no longer public since" in expired.content.decode()
    assert expired["Cache-Control"] == "private, no-cache"


# When the clock next changes a page


def test_next_change_is_the_earliest_future_time_of_any_kind_in_one_query(
    django_assert_num_queries,
):
    with django_assert_num_queries(1):
        assert next_change() is None
    soonest = ahead(600)
    make_items("a", publish_at=ahead(3600))
    make_items("b", publish_at=ago(60), unpublish_at=ahead(1800))
    Partner.objects.create(
        name="Soon", slug="soon", type=PartnerType.NGO, published=True, publish_at=soonest
    )
    Update.objects.create(
        title="Draft later", slug="draft-later", summary="s", published=False, publish_at=ahead(5)
    )  # a draft changes nothing by the clock
    with django_assert_num_queries(1):
        assert next_change() == soonest
    start = ahead(300).astimezone(ZURICH)
    make_update("Webinar soon", kind="webinar", date=start.date(), start_time=start.time())
    with django_assert_num_queries(1):
        assert abs(next_change() - start) < datetime.timedelta(seconds=1)


def test_the_clock_costs_one_query_per_generation_not_per_page(client):
    make_update("Something", publish_at=ahead(3600))
    pages = ["/", "/background/", "/updates/", "/resources/", "/partners/", "/updates/feed/"]
    with CaptureQueriesContext(connection) as captured:
        for path in pages:
            assert client.get(path).status_code == 200
    lookups = [q for q in captured.captured_queries if "UNION ALL" in q["sql"]]
    assert len(lookups) == 1
    # Each page's own queries stay within the budget once the clock is known.
    per_page = (len(captured.captured_queries) - 1) / len(pages)
    assert per_page <= 4
    # A new generation (an edit) looks it up once more.
    make_update("Another")
    with CaptureQueriesContext(connection) as captured:
        for path in pages:
            client.get(path)
    assert len([q for q in captured.captured_queries if "UNION ALL" in q["sql"]]) == 1


def test_a_cached_page_is_served_without_a_query_until_the_next_scheduled_change(
    client, django_assert_num_queries
):
    publish_at = ahead(1.5)
    make_update("Soon public", publish_at=publish_at)
    learn_the_clock()
    assert "Soon public" not in client.get("/updates/").content.decode()
    with django_assert_num_queries(0):
        assert "Soon public" not in client.get("/updates/").content.decode()
    time.sleep(max(0, (publish_at - timezone.now()).total_seconds()) + 0.05)
    assert "Soon public" in client.get("/updates/").content.decode()


def test_an_event_loses_coming_up_and_its_registration_button_when_it_starts(client):
    start = ahead(2).astimezone(ZURICH)
    update = make_update(
        "Webinar now",
        kind="webinar",
        date=start.date(),
        start_time=start.time(),
        registration_url="https://example.org/register",
    )
    assert "Coming up" in client.get("/").content.decode()
    assert "Register for this webinar" in client.get(update.get_absolute_url()).content.decode()
    time.sleep(max(0, (update.starts_at - timezone.now()).total_seconds()) + 0.05)
    assert "Coming up" not in client.get("/").content.decode()
    assert "Register for this webinar" not in client.get(update.get_absolute_url()).content.decode()


# The admin: headquarters' time zone, and what lists say


def test_a_time_entered_in_the_admin_is_headquarters_time(staff_client):
    fields = {
        "kind": "news",
        "date": "2027-01-15",
        "summary_en": "s",
        "time_zone": "Europe/Zurich",
        "published": "on",
    }
    for slug, day in (("winter", "2027-01-15"), ("summer", "2027-07-15")):
        response = staff_client.post(
            "/admin/pages/update/add/",
            {
                **fields,
                "title_en": slug,
                "slug": slug,
                "publish_at_0": day,
                "publish_at_1": "09:00",
            },
        )
        assert response.status_code == 302, response.content.decode()
    assert Update.objects.get(slug="winter").publish_at == datetime.datetime(
        2027, 1, 15, 8, 0, tzinfo=datetime.UTC
    )
    assert Update.objects.get(slug="summer").publish_at == datetime.datetime(
        2027, 7, 15, 7, 0, tzinfo=datetime.UTC
    )
    winter = Update.objects.get(slug="winter")
    form = staff_client.get(f"/admin/pages/update/{winter.pk}/change/").content.decode()
    assert 'name="publish_at_1" value="09:00:00"' in form
    # Said once, beside the schedule fields.
    assert form.count("Times are entered and shown in Geneva time (Europe/Zurich).") == 1


def test_the_admin_time_zone_is_a_setting(staff_client, settings):
    settings.ADMIN_TIME_ZONE = "America/New_York"
    update = make_update(
        "New York", publish_at=datetime.datetime(2027, 1, 15, 14, tzinfo=datetime.UTC)
    )
    form = staff_client.get(f"/admin/pages/update/{update.pk}/change/").content.decode()
    assert 'name="publish_at_1" value="09:00:00"' in form
    assert "Times are entered and shown in America/New_York time (America/New_York)." in form


def test_admin_lists_say_scheduled_for_and_expired(staff_client):
    make_update("Launch", publish_at=datetime.datetime(2030, 1, 14, 8, tzinfo=datetime.UTC))
    make_update("Old call", unpublish_at=datetime.datetime(2020, 3, 2, 17, tzinfo=datetime.UTC))
    make_update("Draft one", published=False)
    html = staff_client.get("/admin/pages/update/").content.decode()
    assert "Scheduled for 14 January 2030, 09:00" in html
    assert "Expired 2 March 2020, 18:00" in html
    assert "visibility-draft" in html
    scheduled = staff_client.get("/admin/pages/update/?visibility=scheduled").content.decode()
    assert "Launch" in scheduled and "Old call" not in scheduled
    expired = staff_client.get("/admin/pages/update/?visibility=expired").content.decode()
    assert "Old call" in expired and "Launch" not in expired
    make_items("listed", publish_at=datetime.datetime(2030, 1, 14, 8, tzinfo=datetime.UTC))
    for path in ("/admin/pages/page/", "/admin/pages/resource/", "/admin/partners/partner/"):
        listed = staff_client.get(path).content.decode()
        assert "Scheduled for 14 January 2030, 09:00" in listed, path


# As deployed: gunicorn workers sharing Redis, nothing run at the scheduled time

LEAD_SECONDS = 10  # time to see every page, and see it cached, before the first change
SCHEDULE = f"""
import datetime, json
from django.utils import timezone
from pages.models import Update
from partners.models import Partner
now = timezone.now().replace(microsecond=0)
starts = now + datetime.timedelta(seconds={LEAD_SECONDS})
appears = starts + datetime.timedelta(seconds=3)
Update.objects.create(
    kind="webinar", title="Webinar starting soon", slug="webinar-soon", summary="s",
    published=True, date=starts.date(), start_time=starts.time(), time_zone="UTC",
    registration_url="https://example.org/register",
)
# Dated tomorrow, so that it is the latest update on the home page once public.
Update.objects.create(
    title="Scheduled news", slug="scheduled-news", summary="s", published=True,
    publish_at=appears, date=appears.date() + datetime.timedelta(days=1),
)
Partner.objects.create(
    name="Leaving partner", slug="leaving", type="ngo", published=True, unpublish_at=starts
)
print(json.dumps({{"starts": starts.timestamp(), "appears": appears.timestamp()}}))
"""


@pytest.fixture(scope="module")
def scheduled_site(tmp_path_factory):
    import json
    import os
    import secrets

    from tests.servers import Gunicorn, manage, production_env, require_redis

    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    require_redis(redis_url)
    folder = tmp_path_factory.mktemp("schedule")
    env = production_env(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=f"genmig-test-{secrets.token_hex(4)}",
        WEB_CONCURRENCY="2",
    )
    manage(env, "migrate", "--noinput")
    instance = Gunicorn(env, folder / "gunicorn.log").start()
    # Made once the instance runs (so that a slow start does not eat into the schedule), and
    # before any page is cached: nothing is saved after that, so only the clock can change
    # what its cached pages show.
    times = json.loads(manage(env, "shell", "-c", SCHEDULE).stdout.strip().splitlines()[-1])
    yield instance, times
    instance.stop()


def wait_until(timestamp):
    delay = timestamp - time.time()
    assert delay < 30, "the schedule is unexpectedly far ahead"
    if delay > 0:
        time.sleep(delay + 0.2)


def texts(instance, *paths):
    responses = {path: instance.get(path) for path in paths}
    assert all(r.status == 200 for r in responses.values()), responses
    return {path: r.text for path, r in responses.items()}


def test_scheduled_changes_reach_cached_pages_at_their_time_without_a_command(scheduled_site):
    instance, times = scheduled_site
    paths = ["/", "/updates/", "/updates/feed/", "/updates/webinar-soon/", "/partners/"]
    before = texts(instance, *paths)
    assert time.time() < times["starts"], "gunicorn started too late for the test's schedule"
    assert "Coming up" in before["/"]
    assert "Register for this webinar" in before["/updates/webinar-soon/"]
    assert "Leaving partner" in before["/partners/"]
    for path in ("/", "/updates/", "/updates/feed/"):
        assert "Scheduled news" not in before[path]
    # The pages are cached: asked again, each is the copy stored at the first visit.
    first = instance.get("/")
    time.sleep(1.1)
    again = instance.get("/")
    assert again.header("Last-Modified") == first.header("Last-Modified")
    assert again.header("ETag") == first.header("ETag")

    wait_until(times["starts"])
    started = texts(instance, *paths)
    assert "Coming up" not in started["/"]
    assert "Register for this webinar" not in started["/updates/webinar-soon/"]
    assert "Leaving partner" not in started["/partners/"]
    assert "Scheduled news" not in started["/updates/"]

    wait_until(times["appears"])
    appeared = texts(instance, *paths, "/sitemap.xml")
    for path in ("/", "/updates/", "/updates/feed/"):
        assert "Scheduled news" in appeared[path], path
    assert "/updates/scheduled-news/" in appeared["/sitemap.xml"]
    assert instance.get("/updates/scheduled-news/").status == 200


def test_an_unknown_admin_time_zone_stops_start_up_with_its_name():
    import subprocess
    import sys

    from tests.servers import ROOT, production_env

    result = subprocess.run(  # noqa: S603 (the test's own arguments)
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=production_env(ADMIN_TIME_ZONE="Europe/Geneva"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ADMIN_TIME_ZONE='Europe/Geneva' is not a time zone name" in result.stderr
