"""The admin's start page: what needs attention, each a count linking to the filtered list."""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from pages.models import (
    AudienceDay,
    LinkCheck,
    LinkCheckRun,
    Page,
    PathViews,
    ReferrerCount,
    Resource,
    SearchCount,
    Update,
)
from partners.models import Benefit, Enquiry, Partner
from tests.helpers import sign_in_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(django_user_model):
    user = django_user_model.objects.create_user(
        username="writer", password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Content editors"))
    user.groups.add(Group.objects.get(name="Enquiry handlers"))
    client = Client()
    sign_in_verified(client, user)
    return client


def counts(html):
    """{link address: count} of the start page's attention sections (none: {})."""
    if 'class="attention"' not in html:
        return {}
    section = html.split('class="attention"', 1)[1].split('class="start-content"', 1)[0]
    return {
        url.replace("&amp;", "&"): int(count)
        for url, count in re.findall(
            r'<li><a href="([^"]+)">[^<]*</a> <span class="count">(\d+)</span></li>', section
        )
    }


def add_content(number):
    """`number` items of each kind in each state the start page counts."""
    year_ago = timezone.now() - datetime.timedelta(days=400)
    for index in range(number):
        Page.objects.create(title_en=f"Draft {index}", slug=f"draft-{index}", summary_en="s")
        Page.objects.create(
            title_en=f"Whole {index}",
            title_fr=f"Entier {index}",
            title_es=f"Entero {index}",
            summary_en="s",
            summary_fr="s",
            summary_es="s",
            slug=f"whole-{index}",
            published=True,
        )
        Partner.objects.create(
            name_en=f"Partner {index}", name_fr=f"Partenaire {index}", slug=f"p-{index}", type="ngo"
        )
        Benefit.objects.create(text_en=f"Benefit {index}", text_fr="b", text_es="b")
        Enquiry.objects.create(topic="other", name="A", email="a@example.org", message="m")
        Enquiry.objects.create(
            topic="other",
            name="B",
            email="b@example.org",
            message="m",
            status=Enquiry.Status.HANDLED,
            delivery_status=Enquiry.Delivery.SENT,
        )
        LinkCheck.objects.create(
            url=f"https://gone.example.org/{index}",
            broken=True,
            status=404,
            checked_at=timezone.now(),
            places=[
                {
                    "model": "pages.Page",
                    "item": "About",
                    "field": "body",
                    "language": "fr",
                    "pk": 1,
                }
            ],
        )
    Page.objects.filter(slug__startswith="whole-").update(updated=year_ago)
    Enquiry.objects.filter(name="A").update(delivery_attempts=2)


def add_scheduled(number):
    """Per kind that can be scheduled, `number` items going live and `number` expiring within
    14 days, and as many that are not: later, drafts, or already expired."""
    now = timezone.now()
    days = lambda count: now + datetime.timedelta(days=count)  # noqa: E731
    states = {
        "live": {"published": True, "publish_at": days(3)},
        "expiring": {"published": True, "unpublish_at": days(13)},
        "later": {"published": True, "publish_at": days(15), "unpublish_at": days(20)},
        "draft": {"published": False, "publish_at": days(2), "unpublish_at": days(4)},
        "expired": {"published": True, "unpublish_at": days(-1)},
    }
    for index in range(number):
        for state, fields in states.items():
            name = f"{state}-{index}"
            Page.objects.create(
                title_en=name, title_fr=name, title_es=name, slug=f"page-{name}", **fields
            )
            Update.objects.create(
                title_en=name, title_fr=name, title_es=name, slug=f"update-{name}", **fields
            )
            Resource.objects.create(
                title_en=name, title_fr=name, title_es=name, year=2026, **fields
            )
            Partner.objects.create(
                name_en=name, name_fr=name, name_es=name, slug=f"partner-{name}", **fields
            )


def test_the_counts_match_what_the_linked_lists_show(editor_client):
    Page.objects.all().delete()
    Update.objects.all().delete()
    Resource.objects.all().delete()
    Partner.objects.all().delete()
    Benefit.objects.all().delete()
    add_content(3)
    add_scheduled(2)
    html = editor_client.get("/admin/").content.decode()
    found = counts(html)
    assert found["/admin/partners/enquiry/?status__exact=new"] == 3
    assert found["/admin/partners/enquiry/?delivery_status__exact=pending"] == 3
    failing = "/admin/partners/enquiry/?delivery_status__exact=pending&delivery_attempts__gte=1"
    assert found[failing] == 3
    assert found["/admin/pages/page/?published__exact=0"] == 3 + 2
    assert found["/admin/partners/partner/?published__exact=0"] == 3 + 2
    assert found["/admin/pages/page/?missing=fr"] == 3
    assert found["/admin/pages/page/?missing=es"] == 3
    # A count of zero is not listed: nothing to do there.
    assert "/admin/partners/partner/?missing=fr" not in found
    assert found["/admin/partners/partner/?missing=es"] == 3
    assert "/admin/partners/benefit/?missing=es" not in found
    assert found["/admin/pages/page/?not_updated=year"] == 3
    assert found["/admin/pages/linkcheck/?broken__exact=1"] == 3
    for kind in ("pages/page", "pages/update", "pages/resource", "partners/partner"):
        assert found[f"/admin/{kind}/?soon=live"] == 2, kind
        assert found[f"/admin/{kind}/?soon=expiring"] == 2, kind
    # Benefits are never scheduled: no count for them.
    assert not any(url.startswith("/admin/partners/benefit/?soon") for url in found)
    assert "https://gone.example.org/0" in html
    assert '<a href="/admin/pages/page/1/change/">Edit: Page “About”, text (Français)</a>' in html
    # Each link opens the admin list filtered to exactly what was counted.
    for url, count in found.items():
        response = editor_client.get(url)
        assert response.status_code == 200, url
        assert "?e=1" not in response.get("Location", ""), url
        listed = response.context["cl"].result_count
        assert listed == count, url


def add_audience(number):
    """`number` days of audience figures, each with `number` pages, documents, sites and
    searches that found nothing."""
    today = timezone.localdate()
    for day in (today - datetime.timedelta(days=n) for n in range(number)):
        AudienceDay.objects.create(day=day, views=number, visitors=number)
        for index in range(number):
            PathViews.objects.create(day=day, path=f"/p-{index}/", language="fr", kind="page")
            PathViews.objects.create(day=day, path=f"/media/{index}.pdf", kind="document")
            ReferrerCount.objects.create(day=day, host=f"site-{index}.example", views=1)
            SearchCount.objects.create(
                day=day, language="en", term=f"term {index}", visitors=3, results=0
            )


@pytest.mark.parametrize("number", [2, 60])
def test_the_start_page_costs_at_most_23_queries_whatever_the_content(
    editor_client, number, django_assert_max_num_queries
):
    add_content(number)
    add_scheduled(number)
    add_audience(min(number, 30))
    # At most 12 for what needs attention, 3 for the drafts, 8 for what visitors read.
    with django_assert_max_num_queries(23):
        response = editor_client.get("/admin/")
    assert response.status_code == 200
    found = counts(response.content.decode())
    assert found["/admin/pages/page/?published__exact=0"] >= number
    assert found["/admin/pages/update/?soon=live"] == number
    assert found["/admin/partners/partner/?soon=expiring"] == number
    assert "What visitors read" in response.content.decode()


def test_the_start_page_speaks_the_editors_language(editor_client):
    Update.objects.create(title_en="Draft", slug="draft", summary_en="s")
    html = editor_client.get("/fr/admin/").content.decode()
    assert "Ce qui demande votre attention" in html
    assert "Brouillons (non publiés)" in html
    html = editor_client.get("/es/admin/").content.decode()
    assert "Lo que requiere atención" in html


def test_enquiry_handlers_see_only_the_enquiries(django_user_model):
    user = django_user_model.objects.create_user(
        username="handler", password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Enquiry handlers"))
    client = Client()
    sign_in_verified(client, user)
    Enquiry.objects.create(topic="other", name="A", email="a@example.org", message="m")
    found = counts(client.get("/admin/").content.decode())
    assert "/admin/partners/enquiry/?status__exact=new" in found
    assert not any(url.startswith("/admin/pages/") for url in found)


def quiet_lines(html):
    if 'class="attention-quiet"' not in html:
        return []
    block = html.split('class="attention-quiet"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"<li>([^<]+)</li>", block)


def test_sections_with_nothing_to_do_fold_into_one_line_each(editor_client):
    Page.objects.all().delete()
    Update.objects.all().delete()
    Resource.objects.all().delete()
    Partner.objects.all().delete()
    Benefit.objects.all().delete()
    html = editor_client.get("/admin/").content.decode()
    assert counts(html) == {}
    assert '<span class="count">0</span>' not in html
    assert quiet_lines(html) == [
        "No new enquiries, and every notification email has gone out.",
        "Nothing going live or expiring in the next 14 days.",
        "Every text has its French version.",
        "Every text has its Spanish version.",
        "No unpublished items.",
        "Everything has been updated within the last year.",
    ]


def test_what_needs_doing_comes_before_the_quiet_lines_and_the_content_list(editor_client):
    Page.objects.all().delete()
    Update.objects.all().delete()
    Enquiry.objects.create(topic="other", name="A", email="a@example.org", message="m")
    Update.objects.create(
        title_en="Launch",
        title_fr="Lancement",
        title_es="Lanzamiento",
        slug="launch",
        summary_en="s",
        summary_fr="s",
        summary_es="s",
        published=True,
        publish_at=timezone.now() + datetime.timedelta(days=3),
    )
    html = editor_client.get("/admin/").content.decode()
    assert counts(html) == {
        "/admin/partners/enquiry/?status__exact=new": 1,
        "/admin/partners/enquiry/?delivery_status__exact=pending": 1,
        "/admin/pages/update/?soon=live": 1,
    }
    lines = quiet_lines(html)
    # Going live is counted; the quiet half of the schedule says so alone.
    assert "Nothing expiring in the next 14 days." in lines
    assert "Nothing going live or expiring in the next 14 days." not in lines
    enquiries = html.index("New enquiries")
    assert enquiries < html.index("Going live in the next 14 days") < html.index(lines[0])
    assert html.index(lines[-1]) < html.index('class="start-content"')


def app_labels(html):
    return re.findall(r'<div class="app-(\w+) module', html)


def test_editors_see_the_content_apps_and_superusers_the_others_folded_below(
    editor_client, django_user_model
):
    html = editor_client.get("/admin/").content.decode()
    assert app_labels(html) == ["pages", "partners"]
    assert "other-apps" not in html

    boss = django_user_model.objects.create_superuser("boss", "boss@iom.int", "a-long-pass-1")
    client = Client()
    sign_in_verified(client, boss)
    html = client.get("/admin/").content.decode()
    content, others = html.split('<details class="other-apps">', 1)
    assert app_labels(content) == ["pages", "partners"]
    assert {"axes", "otp_totp", "otp_static", "auth"} <= set(app_labels(others))
    assert "Accounts, sign-in and security records" in others


def test_the_link_panel_stays_open_before_and_after_a_clean_check(editor_client):
    html = editor_client.get("/admin/").content.decode()
    assert "Links have never been checked" in html and "Check links now" in html

    checked = datetime.datetime(2026, 12, 1, 9, 30, 5, tzinfo=datetime.timezone.utc)
    LinkCheckRun.objects.create(pk=1, started_at=checked, finished_at=checked)
    html = editor_client.get("/admin/").content.decode()
    assert "Links have never been checked" not in html
    assert "Links last checked on" in html and ":05" in html and "Check links now" in html
    assert not any("link" in line for line in quiet_lines(html))
