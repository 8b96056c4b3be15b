"""The enquiry inbox in fewer clicks: the first line of each message, one-click status from
the list and the enquiry, an internal note, a reply from the handler's own mailbox, and a
delivery error said in words."""

import json
import socket
import zoneinfo
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from genmig import personal_data
from partners import notifications
from partners.models import Enquiry
from tests.helpers import sign_in_verified, tags

INBOX = "/admin/partners/enquiry/"


def make_enquiry(**fields):
    fields = {
        "topic": Enquiry.Topic.PARTNERSHIP,
        "name": "Amina Diallo",
        "email": "amina+genmig@example.org",
        "organisation_type": "research",
        "organisation": "Institute for Migration Studies",
        "message": "\n  We would like to partner on remittances.\nSecond line & more.",
        **fields,
    }
    return Enquiry.objects.create(**fields)


@pytest.fixture
def handler(db, django_user_model):
    user = django_user_model.objects.create_user(
        username="handler", password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Enquiry handlers"))
    return user


@pytest.fixture
def handler_client(handler):
    # The admin's CSRF protection on, as in a browser.
    return sign_in_verified(Client(enforce_csrf_checks=True), handler)


def csrf_token(client, url):
    page = client.get(url)
    inputs = tags(page.content, "input")
    tokens = [i["value"] for i in inputs if i.get("name") == "csrfmiddlewaretoken"]
    return page, tokens[0]


def test_the_list_shows_each_message_first_line(handler_client):
    long = "A" * 200
    make_enquiry(message=long)
    make_enquiry()
    html = handler_client.get(INBOX).content.decode()
    assert "We would like to partner on remittances." in html
    assert "Second line" not in html
    assert "A" * 89 + "…" in html and long not in html


def test_one_click_from_the_list_marks_an_enquiry_handled(handler_client, handler):
    enquiry = make_enquiry()
    page, token = csrf_token(handler_client, INBOX)
    buttons = [b for b in tags(page.content, "button") if b.get("formaction")]
    status_url = f"{INBOX}{enquiry.pk}/status/"
    assert {(b["formaction"], b["value"]) for b in buttons} == {
        (status_url, "handled"),
        (status_url, "spam"),
    }
    # Without the CSRF token the change is refused.
    assert handler_client.post(status_url, {"status": "handled"}).status_code == 403
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.NEW

    response = handler_client.post(
        status_url,
        {"status": "handled", "csrfmiddlewaretoken": token},
        headers={"referer": f"http://testserver{INBOX}?status__exact=new"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"http://testserver{INBOX}?status__exact=new"
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.HANDLED
    assert enquiry.status_changed_by == handler
    html = handler_client.get(INBOX).content.decode()
    assert "marked “Handled”" in html
    # A handled enquiry offers the other two statuses.
    values = {b["value"] for b in tags(html, "button") if b.get("formaction")}
    assert values == {"spam", "new"}


def test_a_status_from_elsewhere_is_ignored_and_a_foreign_referer_not_followed(handler_client):
    enquiry = make_enquiry()
    _page, token = csrf_token(handler_client, INBOX)
    response = handler_client.post(
        f"{INBOX}{enquiry.pk}/status/",
        {"status": "deleted", "csrfmiddlewaretoken": token},
        headers={"referer": "https://elsewhere.example/"},
    )
    assert response["Location"] == INBOX
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.NEW


def test_content_editors_cannot_change_an_enquiry_status(content_editor_client):
    enquiry = make_enquiry()
    response = content_editor_client.post(f"{INBOX}{enquiry.pk}/status/", {"status": "spam"})
    assert response.status_code == 403
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.NEW


def test_the_enquiry_is_marked_spam_in_one_click_and_keeps_a_note(handler_client, handler):
    enquiry = make_enquiry()
    url = f"{INBOX}{enquiry.pk}/change/"
    page, token = csrf_token(handler_client, url)
    marks = {b["value"] for b in tags(page.content, "button") if b.get("name") == "_mark"}
    assert marks == {"handled", "spam"}
    response = handler_client.post(
        url,
        {
            "csrfmiddlewaretoken": token,
            "status": "new",
            "note": "Answered by phone; Ana follows up in March.",
            "_mark": "spam",
        },
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == Enquiry.Status.SPAM
    assert enquiry.status_changed_by == handler
    assert enquiry.note == "Answered by phone; Ana follows up in March."


def test_the_internal_note_is_in_the_export_and_goes_with_the_erasure(handler_client):
    make_enquiry(note="Called back on Tuesday.")
    exported = personal_data.export("amina+genmig@example.org")
    assert exported["enquiries"][0]["internal_note"] == "Called back on Tuesday."
    assert "Called back on Tuesday." in json.dumps(exported)
    personal_data.erase("amina+genmig@example.org")
    assert not Enquiry.objects.filter(note__contains="Tuesday").exists()


def test_the_note_never_reaches_the_notification_email(db, smtp_server):
    enquiry = make_enquiry(note="Internal only: do not forward.")
    notifications.send_new(enquiry.pk)
    (message,) = smtp_server.messages
    assert "Internal only" not in message.as_string()


def test_reply_opens_the_mail_program_with_address_subject_and_quoted_message(handler_client):
    enquiry = make_enquiry(language="fr", message="Bonjour,\nnous aimerions & vous parler.")
    html = handler_client.get(f"{INBOX}{enquiry.pk}/change/").content.decode()
    (link,) = [
        a["href"] for a in tags(html, "a") if a["href"].startswith("mailto:") and "?" in a["href"]
    ]
    parts = urlsplit(link)
    assert unquote(parts.path) == "amina+genmig@example.org"
    assert "%2B" in parts.path  # "+" would read as a space
    assert " " not in link and "\n" not in link
    query = parse_qs(parts.query)
    assert query["subject"] == ["Re : votre demande à GenMig (Partenariat)"]
    body = query["body"][0]
    assert "\r\n> Bonjour,\r\n> nous aimerions & vous parler.\r\n" in body
    assert "Amina Diallo a écrit" in body


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_delivery_error_reads_as_a_sentence(handler_client, settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = closed_port()
    settings.EMAIL_TIMEOUT = 2
    enquiry = make_enquiry()
    notifications.send_new(enquiry.pk)
    enquiry.refresh_from_db()
    assert enquiry.last_delivery_error.startswith("ConnectionRefusedError")
    # The technical detail is in the log for whoever runs the site...
    assert "ConnectionRefusedError" in caplog.text
    html = handler_client.get(f"{INBOX}{enquiry.pk}/change/").content.decode()
    # ...and staff read what happened and when the site tries again.
    retry = enquiry.next_delivery_at.astimezone(zoneinfo.ZoneInfo(settings.ADMIN_TIME_ZONE))
    assert f"The mail server did not answer; the site will try again at {retry:%H:%M}." in html
    assert "ConnectionRefusedError" not in html and "Errno" not in html


def test_an_attempt_due_another_day_names_the_day(handler_client):
    enquiry = make_enquiry(
        last_delivery_error="SMTPAuthenticationError: (535, b'5.7.8 bad credentials')",
        next_delivery_at=timezone.now() + timedelta(days=3),
    )
    html = handler_client.get(f"{INBOX}{enquiry.pk}/change/").content.decode()
    assert "The mail server refused the site&#x27;s sign-in; the site will try again at" in html
    assert "535" not in html
