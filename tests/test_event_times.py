"""An event's time names one moment: a time the clocks skip or repeat is refused."""

import datetime

import pytest

from pages.models import Update
from pages.models.schedule import local_time_problem


def add_webinar(staff_client, **fields):
    data = {
        "kind": "webinar", "title_en": "Webinar", "slug": "webinar", "summary_en": "S",
        "date": "2027-03-28", "start_time": "10:00", "end_time": "11:00",
        "time_zone": "Europe/Zurich",
    }  # fmt: skip
    return staff_client.post("/admin/pages/update/add/", data | fields)


@pytest.mark.django_db
def test_a_start_in_the_hour_the_clocks_skip_is_refused_naming_both_times(staff_client):
    # Geneva's clocks go from 02:00 to 03:00 on 28 March 2027.
    response = add_webinar(staff_client, start_time="02:30", end_time="04:00")
    assert response.status_code == 200
    assert (
        "02:30 does not exist in Europe/Zurich that day: the clocks go forward then. "
        "Did you mean 01:30 CET or 03:30 CEST?"
    ) in response.content.decode()
    assert not Update.objects.exists()


@pytest.mark.django_db
def test_an_end_in_the_hour_the_clocks_repeat_is_refused_naming_both_times(staff_client):
    # Geneva's clocks go back from 03:00 to 02:00 on 31 October 2027.
    response = add_webinar(staff_client, date="2027-10-31", start_time="01:00", end_time="02:30")
    assert response.status_code == 200
    assert (
        "02:30 happens twice in Europe/Zurich that day: the clocks go back then. It is either "
        "02:30 CEST (00:30 UTC) or 02:30 CET (01:30 UTC)"
    ) in response.content.decode()
    assert not Update.objects.exists()


@pytest.mark.django_db
def test_the_moment_named_in_utc_is_accepted_and_times_outside_a_change_too(staff_client):
    assert add_webinar(staff_client, date="2027-10-31", start_time="00:30", end_time="01:30",
                       time_zone="UTC").status_code == 302  # fmt: skip
    assert add_webinar(staff_client, slug="other", start_time="03:00").status_code == 302
    starts = sorted(Update.objects.values_list("starts_at", flat=True))
    assert starts == [
        datetime.datetime(2027, 3, 28, 1, 0, tzinfo=datetime.timezone.utc),
        datetime.datetime(2027, 10, 31, 0, 30, tzinfo=datetime.timezone.utc),
    ]


@pytest.mark.parametrize(
    "day, time, zone, expected",
    [
        ("2027-03-14", "02:30", "America/New_York", "Did you mean 01:30 EST or 03:30 EDT?"),
        ("2027-11-07", "01:30", "America/New_York", "01:30 EDT (05:30 UTC) or 01:30 EST"),
        ("2027-10-03", "02:15", "Australia/Lord_Howe", "Did you mean 01:45 +1030 or 02:45 +11?"),
        ("2027-03-28", "02:30", "Asia/Tokyo", None),
        ("2027-03-28", "01:59", "Europe/Zurich", None),
    ],
)
def test_local_time_problem_in_other_zones(day, time, zone, expected):
    problem = local_time_problem(
        datetime.date.fromisoformat(day), datetime.time.fromisoformat(time), zone
    )
    assert (problem is None) if expected is None else (expected in str(problem))
