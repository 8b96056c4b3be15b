"""The link check on the start page: "never" before any run, one run at a time whoever starts
it, and "Check links now" for those who see the link check."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from pages.links import check_links, run_hold
from pages.models import LinkCheckRun, Page, Resource, SiteSettings, Update
from partners.models import Partner
from tests.helpers import sign_in_verified

pytestmark = pytest.mark.django_db
CHECK_NOW = "/admin/pages/linkcheck/check-now/"


@pytest.fixture
def no_links():
    """No content, so that a run asks no address on the internet."""
    for model in (Page, Update, Resource, Partner, SiteSettings):
        model.objects.all().delete()


@pytest.fixture
def editor_client(django_user_model):
    user = django_user_model.objects.create_user(
        username="writer", password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Content editors"))
    client = Client()
    sign_in_verified(client, user)
    return client


def links_panel(html):
    return html.split("Broken links</h3>", 1)[1].split("</section>", 1)[0]


def test_before_any_run_the_start_page_says_never_and_counts_nothing(editor_client):
    html = editor_client.get("/admin/").content.decode()
    panel = links_panel(html)
    assert "Links have never been checked." in panel
    assert "broken__exact=1" not in panel and 'class="count"' not in panel
    assert f'action="{CHECK_NOW}"' in panel and "Check links now" in panel
    french = editor_client.get("/fr/admin/").content.decode()
    assert "Les liens n’ont encore jamais été vérifiés." in french


def test_one_run_at_a_time_whoever_starts_it(no_links, capsys):
    now = timezone.now()
    assert LinkCheckRun.claim(now, run_hold())
    assert not LinkCheckRun.claim(now, run_hold())
    assert check_links() is None
    call_command("check_links")
    assert "Another check of the links is running" in capsys.readouterr().out
    # A run that died without giving the lock back loses it at its deadline; if it ends after
    # all, it leaves the lock to the run that holds it now.
    later = now + run_hold() + datetime.timedelta(seconds=1)
    assert LinkCheckRun.claim(later, run_hold()) == later
    LinkCheckRun.finish(later, now)
    assert LinkCheckRun.current().running(later)
    LinkCheckRun.finish(later, later)
    assert LinkCheckRun.current().finished_at is None  # the run that failed records nothing
    run = check_links()
    assert run is not None and run.checked == 0
    record = LinkCheckRun.current()
    assert record.finished_at is not None and not record.running(timezone.now())


def test_after_a_run_the_start_page_says_when_to_the_second(no_links, editor_client):
    check_links()
    html = editor_client.get("/admin/").content.decode()
    panel = links_panel(html)
    finished = timezone.localtime(LinkCheckRun.current().finished_at, datetime.UTC)
    assert "Links last checked on" in panel
    assert "No broken links found." in panel
    assert "broken__exact=1" not in panel and 'class="count"' not in panel
    assert finished.strftime(":%S") in panel


def test_check_links_now_starts_one_run_and_says_so(editor_client):
    assert editor_client.get(CHECK_NOW).status_code == 405
    response = editor_client.post(CHECK_NOW, follow=True)
    assert response.redirect_chain == [("/admin/", 302)]
    html = response.content.decode()
    assert "The links are being checked." in html
    assert "Checking links now" in links_panel(html)
    assert "Check links now</button>" not in links_panel(html)
    assert LinkCheckRun.current().running(timezone.now())
    again = editor_client.post(CHECK_NOW, follow=True).content.decode()
    assert "The links are being checked already" in again


def test_enquiry_handlers_may_not_start_a_check(django_user_model):
    user = django_user_model.objects.create_user(
        username="handler", password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Enquiry handlers"))
    client = Client()
    sign_in_verified(client, user)
    assert client.post(CHECK_NOW).status_code == 403
    assert not LinkCheckRun.current().running(timezone.now())
