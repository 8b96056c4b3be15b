"""The contact form: what a visitor sees, what is stored, what reaches the mailbox, and when."""

import csv
import io
import logging
import socket
import threading
import time
import unicodedata
from collections import Counter
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from partners import notifications
from partners.forms import FORM_MAX_AGE, sign_start
from partners.models import Enquiry, RecentSubmission
from tests.helpers import sign_in_verified

from .helpers import tags

CONTACT = "/contact/"
THANKS = "/contact/thanks/"


@pytest.fixture(autouse=True)
def quick_forms(settings):
    """Tests send the form back at once; the timing check has tests of its own."""
    settings.ENQUIRY_MIN_SECONDS = 0
    settings.ENQUIRY_RATE_LIMIT = 5
    settings.TRUSTED_PROXY_COUNT = 0
    cache.clear()
    yield
    cache.clear()


def form_data(**changes):
    data = {
        "topic": "partnership",
        "name": "Amina Diallo",
        "email": "amina@example.org",
        "organisation_type": "research",
        "organisation": "Institute for Migration Studies",
        "country": "Senegal",
        "message": "We would like to discuss a research partnership on remittances.",
        "privacy": "on",
        "extra_info": "",
        "started": sign_start(),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def send(client, django_capture_on_commit_callbacks):
    """Post the form as a browser does, running what waits for the commit (the email)."""

    def send(data=None, client=client, **extra):
        body = urlencode(form_data() if data is None else data)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                CONTACT, body, content_type="application/x-www-form-urlencoded", **extra
            )

    return send


def make_enquiry(**fields):
    fields = {
        "topic": Enquiry.Topic.PARTNERSHIP,
        "name": "Amina Diallo",
        "email": "amina@example.org",
        "organisation_type": "research",
        "organisation": "Institute for Migration Studies",
        "message": "Hello",
        **fields,
    }
    return Enquiry.objects.create(**fields)


# The form as a visitor sees it


@pytest.mark.django_db
def test_the_form_labels_every_field_and_states_the_privacy_notice(client, settings):
    settings.ENQUIRY_RETENTION_DAYS = 730
    response = client.get(CONTACT)
    assert response.status_code == 200
    html = response.content.decode()
    labelled = {label["for"] for label in tags(html, "label") if "for" in label}
    controls = tags(html, "input") + tags(html, "select") + tags(html, "textarea")
    for control in controls:
        if control.get("type") in ("hidden", "submit"):
            continue
        assert control["id"] in labelled, control
    assert "Privacy notice" in html
    assert "24 months" in html
    assert "(required)" in html
    message = tags(html, "textarea")[0]
    assert message["maxlength"] == "5000"
    # The counter is an enhancement from a file of its own: no script is written in the page.
    scripts = tags(html, "script")
    assert scripts and all(script.get("src") for script in scripts)
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_the_honeypot_is_hidden_from_people_and_from_screen_readers(client):
    html = client.get(CONTACT).content.decode()
    hidden = html.split('<div class="hp" aria-hidden="true">', 1)[1].split("</div>", 1)[0]
    (trap,) = tags(hidden, "input")
    assert trap["tabindex"] == "-1"
    assert trap["autocomplete"] == "off"
    # Password managers are asked to leave it alone.
    assert "data-1p-ignore" in trap and trap["data-lpignore"] == "true"


@pytest.mark.django_db
def test_the_honeypot_is_named_like_nothing_browsers_fill_in(client):
    html = client.get(CONTACT).content.decode()
    hidden = html.split('<div class="hp" aria-hidden="true">', 1)[1].split("</div>", 1)[0]
    (trap,) = tags(hidden, "input")
    (label,) = tags(hidden, "label")
    # Words autofill and password managers look for in a field's name, id and type.
    autofilled = ("web", "url", "site", "mail", "name", "phone", "tel", "address", "company")
    for word in autofilled:
        assert word not in trap["name"].lower()
        assert word not in trap["id"].lower()
    assert trap.get("type", "text") == "text"
    assert label["for"] == trap["id"]


@pytest.mark.django_db
@pytest.mark.parametrize("topic", ["partnership", "research", "media", "other"])
def test_the_topic_in_the_address_is_chosen_already(client, topic):
    html = client.get(f"{CONTACT}?topic={topic}").content.decode()
    checked = [radio["value"] for radio in tags(html, "input") if "checked" in radio]
    assert checked == [topic]


@pytest.mark.django_db
def test_an_unknown_topic_in_the_address_chooses_nothing(client):
    html = client.get(f"{CONTACT}?topic=<script>").content.decode()
    assert not [radio for radio in tags(html, "input") if "checked" in radio]
    assert "<script>" not in html.split("<body", 1)[1].replace('<script src="', "")


@pytest.mark.django_db
def test_the_partners_page_links_to_the_partnership_form(client):
    assert "/contact/?topic=partnership" in client.get("/partners/").content.decode()
    assert client.get("/contact/?topic=partnership").status_code == 200


@pytest.mark.django_db
def test_the_thank_you_page(client):
    response = client.get(THANKS)
    assert response.status_code == 200
    assert "Thank you for your enquiry" in response.content.decode()


# Stored first, then emailed


@pytest.mark.django_db
def test_an_enquiry_is_stored_and_emailed_to_the_contact_address_only(send, smtp_server, settings):
    settings.CONTACT_EMAIL = "research@iom.int"
    response = send(form_data(topic="partnership", organisation="Institute for Migration"))
    assert response.status_code == 302
    assert response["Location"] == THANKS

    enquiry = Enquiry.objects.get()
    assert enquiry.name == "Amina Diallo"
    assert enquiry.status == Enquiry.Status.NEW
    assert enquiry.delivery_status == Enquiry.Delivery.SENT
    assert enquiry.delivery_attempts == 1

    [message] = smtp_server.messages
    assert message.rcpt_tos == ["research@iom.int"]  # never the visitor's address
    assert message["To"] == "research@iom.int"
    assert message["Reply-To"] == "amina@example.org"
    assert message["Subject"] == "[GenMig] Partnership enquiry from Institute for Migration"
    assert message.get_content_type() == "text/plain"
    body = message.get_content()
    for value in [
        "Partnership",
        "Amina Diallo",
        "amina@example.org",
        "Institute for Migration",
        "Research institution",
        "Senegal",
        "We would like to discuss a research partnership on remittances.",
    ]:
        assert value in body


@pytest.mark.django_db
def test_an_individual_needs_no_organisation_and_the_subject_names_them(send, smtp_server):
    response = send(
        form_data(topic="media", organisation_type="individual", organisation="", country="")
    )
    assert response.status_code == 302
    [message] = smtp_server.messages
    assert message["Subject"] == "[GenMig] Media enquiry from Amina Diallo"


@pytest.mark.django_db
def test_an_organisation_is_needed_for_any_other_type(send):
    response = send(form_data(organisation_type="ngo", organisation=""))
    assert response.status_code == 200
    assert "Enter the name of your organization" in response.content.decode()
    assert not Enquiry.objects.exists()


def test_a_subject_keeps_to_one_line_whatever_the_organisation_is_called():
    enquiry = Enquiry(
        pk=1,
        topic="partnership",
        name="x",
        organisation="ACME\r\nBcc: victim@example.org\x00\x1b[31m\u202eevil\u2028more\u200b\tend",
        submitted_at=timezone.now(),
    )
    subject = notifications.subject_for(enquiry)
    expected = "[GenMig] Partnership enquiry from ACME Bcc: victim@example.org [31mevil more end"
    assert subject == expected
    assert not any(unicodedata.category(char)[0] == "C" for char in subject)
    long = Enquiry(pk=2, topic="other", name="y" * 1000, submitted_at=timezone.now())
    assert len(notifications.subject_for(long)) <= notifications.LONGEST_SUBJECT


@pytest.mark.django_db
def test_the_message_can_hold_5000_characters_with_line_breaks(send, smtp_server):
    paragraph = "x" * 99 + "\r\n"  # a browser sends CR LF and counts one character
    message = paragraph * 49 + "y" * 100  # 5,000 characters as the browser counts them
    assert len(message) > 5000
    response = send(form_data(message=message))
    assert response.status_code == 302
    stored = Enquiry.objects.get().message
    assert len(stored) == 5000
    assert "\r" not in stored
    response = send(form_data(message="z" * 5001))
    assert response.status_code == 200
    assert "Shorten your message to 5,000 characters or fewer: it has 5001." in (
        response.content.decode()
    )


# Errors


@pytest.mark.django_db
def test_errors_are_shown_next_to_each_field_and_in_a_summary_and_input_is_kept(send):
    response = send(
        form_data(
            name="",
            email="not an address",
            message="My <b>carefully</b> written message",
            privacy=None,
            topic=None,
        )
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error:" in html
    assert 'role="alert"' in html
    for target in ["id_topic_0", "id_name", "id_email", "id_privacy"]:
        assert f'href="#{target}"' in html
        assert f'id="{target}"' in html
    inputs = {field.get("id"): field for field in tags(html, "input")}
    for field_id in ["id_name", "id_email", "id_privacy"]:
        assert inputs[field_id]["aria-invalid"] == "true"
        assert f"{field_id}_error" in inputs[field_id]["aria-describedby"].split()
        assert f'id="{field_id}_error"' in html
    assert "privacy-notice" in inputs["id_privacy"]["aria-describedby"].split()
    assert inputs["id_topic_0"]["aria-invalid"] == "true"
    assert 'aria-describedby="id_topic_error"' in html  # on the fieldset of the choices
    # What was typed is still there, as text, never as markup.
    assert inputs["id_email"]["value"] == "not an address"
    assert "My &lt;b&gt;carefully&lt;/b&gt; written message" in html
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_line_breaks_in_one_line_fields_are_refused_with_a_message(send):
    response = send(form_data(name="Amina\r\nBcc: victim@example.org"))
    assert response.status_code == 200
    assert "Remove the line breaks" in response.content.decode()
    assert not Enquiry.objects.exists()


# The mail server down, slow or refusing


@pytest.mark.django_db
def test_with_the_mail_server_down_the_enquiry_waits_and_is_sent_once_later(send, smtp_server):
    smtp_server.stop()
    started = time.monotonic()
    response = send()
    assert time.monotonic() - started < 3
    assert response.status_code == 302
    assert response["Location"] == THANKS

    enquiry = Enquiry.objects.get()
    assert enquiry.delivery_status == Enquiry.Delivery.PENDING
    assert enquiry.delivery_attempts == 1
    assert "Connection refused" in enquiry.last_delivery_error
    assert enquiry.next_delivery_at > timezone.now()

    # Before the pause is over, a run leaves it alone.
    smtp_server.start()
    call_command("send_pending_enquiries", stdout=io.StringIO())
    assert smtp_server.messages == []

    # Time passes (the pause is over); now one run sends it, and the next finds nothing.
    Enquiry.objects.update(next_delivery_at=timezone.now() - timedelta(seconds=1))
    output = io.StringIO()
    call_command("send_pending_enquiries", stdout=output)
    assert "1 sent, 0 still pending" in output.getvalue()
    call_command("send_pending_enquiries", stdout=io.StringIO())
    assert len(smtp_server.messages) == 1
    enquiry.refresh_from_db()
    assert enquiry.delivery_status == Enquiry.Delivery.SENT
    assert enquiry.delivery_attempts == 2
    assert enquiry.last_delivery_error == ""


@pytest.mark.django_db
def test_a_slow_mail_server_keeps_the_visitor_waiting_no_longer_than_the_timeout(
    send, smtp_server, settings
):
    settings.EMAIL_TIMEOUT = 1
    smtp_server.slow_mail = 5
    started = time.monotonic()
    response = send()
    assert time.monotonic() - started < 3
    assert response.status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.delivery_status == Enquiry.Delivery.PENDING
    assert "timed out" in enquiry.last_delivery_error


@pytest.mark.django_db
def test_a_refusing_mail_server_leaves_the_enquiry_pending_with_its_answer(send, smtp_server):
    smtp_server.refuse = "451 4.3.0 Try again later"
    assert send().status_code == 302
    enquiry = Enquiry.objects.get()
    assert enquiry.delivery_status == Enquiry.Delivery.PENDING
    assert "Try again later" in enquiry.last_delivery_error
    assert smtp_server.messages == []


def test_the_pause_between_attempts_doubles_up_to_half_an_hour():
    waits = [notifications.retry_wait(attempt) for attempt in range(1, 9)]
    assert [wait.total_seconds() / 60 for wait in waits] == [1, 2, 4, 8, 16, 30, 30, 30]
    assert notifications.retry_wait(10_000) == timedelta(minutes=30)


@pytest.mark.django_db
def test_a_run_sends_every_due_notification_and_reports_failures(smtp_server):
    past = timezone.now() - timedelta(minutes=1)
    due = [make_enquiry(next_delivery_at=past) for _ in range(3)]
    later = make_enquiry(next_delivery_at=timezone.now() + timedelta(hours=1))
    output = io.StringIO()
    call_command("send_pending_enquiries", stdout=output)
    assert "3 sent, 0 still pending" in output.getvalue()
    assert len(smtp_server.messages) == 3
    assert Enquiry.objects.filter(pk__in=[e.pk for e in due], delivery_status="sent").count() == 3
    later.refresh_from_db()
    assert later.delivery_status == Enquiry.Delivery.PENDING


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_runs_at_the_same_moment_send_each_notification_once(smtp_server):
    if connection.vendor == "sqlite":
        pytest.skip(
            "threads share SQLite's in-memory test database, whose table locks fail at "
            "once; tests/test_enquiry_delivery.py runs separate processes on both databases"
        )
    smtp_server.delay = 0.1  # each message takes a while, so the runs overlap
    past = timezone.now() - timedelta(minutes=1)
    enquiries = [make_enquiry(name=f"Sender {n}", next_delivery_at=past) for n in range(12)]
    start_together = threading.Barrier(2)
    outputs, failures = [], []

    def run():
        try:
            start_together.wait(timeout=10)
            output = io.StringIO()
            call_command("send_pending_enquiries", stdout=output)
            outputs.append(output.getvalue())
        except Exception as error:  # reported below, in the test's own thread
            failures.append(error)
        finally:
            connection.close()  # each thread has a database connection of its own

    runs = [threading.Thread(target=run) for _ in range(2)]
    for thread in runs:
        thread.start()
    for thread in runs:
        thread.join(timeout=60)
    assert not failures
    message_ids = Counter(message["Message-ID"] for message in smtp_server.messages)
    assert len(message_ids) == len(enquiries)
    assert set(message_ids.values()) == {1}
    assert Enquiry.objects.filter(delivery_status="sent").count() == len(enquiries)
    # Both runs sent some: they really ran side by side.
    assert len(outputs) == 2
    assert all(" 0 sent" not in output for output in outputs), outputs


# Abuse


@pytest.mark.django_db
def test_past_the_hourly_limit_a_friendly_429_keeps_the_message(send, smtp_server, settings):
    settings.ENQUIRY_RATE_LIMIT = 2
    assert send().status_code == 302
    assert send().status_code == 302
    response = send(form_data(message="My third message, kept for copying."))
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    html = response.content.decode()
    assert "Your enquiry has not been sent" in html
    assert "My third message, kept for copying." in html
    assert Enquiry.objects.count() == 2
    assert len(smtp_server.messages) == 2
    # Another address is not affected.
    assert send(REMOTE_ADDR="192.0.2.77").status_code == 302


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(send, settings):
    settings.ENQUIRY_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 1
    # The proxy appends the address it saw; what the client wrote before it proves nothing.
    first = send(HTTP_X_FORWARDED_FOR="10.9.9.9, 198.51.100.1")
    second = send(HTTP_X_FORWARDED_FOR="10.8.8.8, 198.51.100.1")
    other = send(HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert [first.status_code, second.status_code, other.status_code] == [302, 429, 302]


@pytest.mark.django_db
def test_the_count_is_kept_in_the_database_under_a_hash_not_in_the_cache(send, settings):
    settings.ENQUIRY_RATE_LIMIT = 1
    assert send().status_code == 302
    cache.clear()
    # Another worker or instance (a client of its own), with the cache emptied, counts on.
    assert send(client=Client()).status_code == 429
    [stored] = RecentSubmission.objects.values_list("client", flat=True)
    assert "127.0.0.1" not in stored and len(stored) == 64


@pytest.mark.django_db
def test_page_traffic_cannot_push_the_count_out(send, client, settings):
    settings.ENQUIRY_RATE_LIMIT = 5
    for _ in range(5):
        assert send().status_code == 302
    for number in range(1, 401):
        assert client.get(f"/?x={number}").status_code == 200
    assert send().status_code == 429
    assert Enquiry.objects.count() == 5


@pytest.mark.django_db
def test_ipv6_clients_are_counted_per_64_network(send, settings):
    settings.ENQUIRY_RATE_LIMIT = 1
    assert send(REMOTE_ADDR="2001:db8:1:2::1").status_code == 302
    # Another address of the same /64 (one subscriber's network) is the same client.
    assert send(REMOTE_ADDR="2001:db8:1:2:ffff:eeee:dddd:9").status_code == 429
    assert send(REMOTE_ADDR="2001:db8:1:3::1").status_code == 302
    # An IPv4 client written as IPv6 is that IPv4 address, not a /64.
    assert send(REMOTE_ADDR="::ffff:192.0.2.10").status_code == 302
    assert send(REMOTE_ADDR="192.0.2.10").status_code == 429
    assert send(REMOTE_ADDR="::ffff:192.0.2.11").status_code == 302


@pytest.mark.django_db
def test_submissions_older_than_an_hour_no_longer_count_and_are_deleted(send, settings):
    settings.ENQUIRY_RATE_LIMIT = 1
    assert send().status_code == 302
    RecentSubmission.objects.update(submitted_at=timezone.now() - timedelta(minutes=61))
    assert send().status_code == 302
    assert RecentSubmission.objects.count() == 1
    # A refused submission is not counted: the limit is about what was accepted.
    assert send().status_code == 429
    assert RecentSubmission.objects.count() == 1


@pytest.mark.django_db
def test_with_the_cache_unreachable_the_enquiry_is_still_taken(send, smtp_server, settings):
    with socket.socket() as probe:  # a port where nothing listens
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    local = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    try:
        assert send().status_code == 302
    finally:
        settings.CACHES = local
    assert Enquiry.objects.count() == 1
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_a_filled_honeypot_stores_the_enquiry_as_spam_and_sends_nothing(
    send, smtp_server, caplog, django_capture_on_commit_callbacks
):
    with caplog.at_level(logging.INFO, logger="genmig.enquiries"):
        response = send(form_data(extra_info="https://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == THANKS
    enquiry = Enquiry.objects.get()
    assert enquiry.name == "Amina Diallo"
    assert enquiry.status == Enquiry.Status.SPAM
    assert enquiry.delivery_status == Enquiry.Delivery.WITHHELD
    assert smtp_server.messages == []
    assert "hidden field was filled in" in caplog.text
    # Neither the cron job nor a retry sends it later.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_pending_enquiries")
    assert notifications.retry([enquiry.pk]) == (0, 0, 0)
    assert smtp_server.messages == []


@pytest.mark.django_db
def test_an_enquiry_caught_by_the_honeypot_is_listed_under_spam_in_the_admin(send, staff_client):
    send(form_data(extra_info="filled by a robot", name="Robot Sender"))
    send(form_data(name="Person Sender"))
    spam = staff_client.get("/admin/partners/enquiry/?status__exact=spam").content.decode()
    assert "Robot Sender" in spam and "Person Sender" not in spam
    html = staff_client.get("/admin/partners/enquiry/").content.decode()
    assert "Not sent (caught as spam)" in html


@pytest.mark.django_db
def test_a_form_sent_back_too_fast_asks_to_send_again_and_keeps_the_input(send, settings, caplog):
    settings.ENQUIRY_MIN_SECONDS = 2
    token = sign_start()
    with caplog.at_level(logging.INFO, logger="genmig.enquiries"):
        response = send(form_data(started=token, message="Typed with care"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "sent back faster than a person can fill it in" in html
    assert "Typed with care" in html
    assert "too_fast" in caplog.text
    assert not Enquiry.objects.exists()
    # The same form, sent again a moment later, is accepted.
    hidden = next(field for field in tags(html, "input") if field.get("name") == "started")
    assert hidden["value"] == token
    later = sign_start(time.time() - 3)
    assert send(form_data(started=later)).status_code == 302
    # However it is configured, nobody is asked to wait more than two seconds.
    settings.ENQUIRY_MIN_SECONDS = 60
    assert send(form_data(started=later)).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "token",
    [
        sign_start(time.time() - FORM_MAX_AGE - 60),  # open for more than two days
        "1700000000.000:forged-signature",
        "",
    ],
)
def test_an_old_or_forged_form_asks_to_send_again_with_a_new_timestamp(send, token):
    response = send(form_data(started=token, name="Amina Kept"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "opened too long ago" in html
    assert 'value="Amina Kept"' in html
    hidden = next(field for field in tags(html, "input") if field.get("name") == "started")
    assert hidden["value"] != token
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused(smtp_server):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(CONTACT, form_data())
    assert response.status_code == 403
    assert not Enquiry.objects.exists()


@pytest.mark.django_db
def test_each_visitor_gets_a_form_of_their_own_never_a_cached_copy(
    smtp_server, django_capture_on_commit_callbacks
):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get(CONTACT)
    first.get(CONTACT)  # with the cookie already set, nothing marks this page as personal
    html = second.get(CONTACT).content.decode()
    token = next(
        field["value"] for field in tags(html, "input") if field["name"] == "csrfmiddlewaretoken"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = second.post(CONTACT, form_data(csrfmiddlewaretoken=token))
    assert response.status_code == 302
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_an_oversized_body_is_refused_without_a_server_error(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024
    body = urlencode(form_data(message="x" * 300_000))
    response = client.post(CONTACT, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert not Enquiry.objects.exists()


# Hostile text in every field

HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "Line one\r\nBcc: victim@example.org",
            "Subject: spam\nTo: victim@example.org",
            "nul\x00byte",
            "bell\x07escape\x1b[2Jtab\tvt\x0bff\x0c",
            "\u202egnp.exe\u200f\u200e\u2066rtl\u2069",
            "line\u2028separator\u2029paragraph",
            '=HYPERLINK("https://evil.example")',
            "\ufeffbom \U0001f600 emoji \u0301 combining",
            "x" * 100_000,
        ]
    ),
    st.builds(
        lambda a, b: a + b, st.text(max_size=20), st.text(alphabet="\r\n\x00\x1b\u202e", max_size=5)
    ),
)
FIELDS = ["name", "email", "organisation", "country", "message", "topic", "organisation_type"]
EXPECTED_HEADERS = {
    "content-type",
    "mime-version",
    "content-transfer-encoding",
    "subject",
    "from",
    "to",
    "reply-to",
    "date",
    "message-id",
}


@pytest.mark.django_db
@pytest.mark.parametrize("field", FIELDS)
@hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=HOSTILE)
def test_hostile_text_never_breaks_the_form_or_reaches_a_header(
    field, text, send, smtp_server, settings
):
    settings.ENQUIRY_RATE_LIMIT = 0  # no limit: every example comes from one address
    before = set(Enquiry.objects.values_list("pk", flat=True))
    sent_before = len(smtp_server.envelopes)
    data = form_data(**{field: text})
    response = send(data)
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 200:
        html = response.content.decode()
        assert "<script>alert(1)" not in html
        assert "<img src=x" not in html
    new = Enquiry.objects.exclude(pk__in=before)
    if response.status_code != 302:
        assert not new.exists()
        return
    [enquiry] = new
    # Stored as the form cleaned it: surrounding white space trimmed, CR LF as LF.
    expected = text.strip()
    if field == "message":
        expected = expected.replace("\r\n", "\n")
    assert getattr(enquiry, field) == expected
    [message] = smtp_server.messages[sent_before:]
    assert message.rcpt_tos == [settings.CONTACT_EMAIL]
    assert {name.lower() for name in message} == EXPECTED_HEADERS
    assert message["To"] == settings.CONTACT_EMAIL
    assert message["Reply-To"] == enquiry.email
    # A long encoded subject is folded onto a continuation line; the parser keeps its space.
    subject = str(message["Subject"]).lstrip(" ")
    assert subject.startswith("[GenMig] ")
    assert not any(unicodedata.category(char)[0] == "C" for char in subject)


# The admin inbox


@pytest.fixture
def handler_client(db, django_user_model):
    user = django_user_model.objects.create_user(
        username="handler", password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Enquiry handlers"))
    signed_in = Client()
    sign_in_verified(signed_in, user)
    signed_in.user = user
    return signed_in


@pytest.mark.django_db
def test_the_inbox_lists_enquiries_newest_first_with_their_delivery(handler_client):
    now = timezone.now()
    make_enquiry(organisation="Older Org", submitted_at=now - timedelta(days=2))
    make_enquiry(
        organisation="Newer Org", submitted_at=now, delivery_status="pending", delivery_attempts=3
    )
    response = handler_client.get("/admin/partners/enquiry/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Newer Org") < html.index("Older Org")
    assert "Not sent yet" in html and "3 attempts" in html
    found = handler_client.get("/admin/partners/enquiry/?q=Older").content.decode()
    assert "Older Org" in found and "Newer Org" not in found
    assert handler_client.get("/admin/partners/enquiry/?status__exact=new").status_code == 200


@pytest.mark.django_db
def test_content_editors_do_not_see_enquiries(django_user_model):
    editor = django_user_model.objects.create_user(
        username="content", password="a-long-test-password", is_staff=True
    )
    editor.groups.add(Group.objects.get(name="Content editors"))
    signed_in = Client()
    sign_in_verified(signed_in, editor)
    make_enquiry()
    assert signed_in.get("/admin/partners/enquiry/").status_code == 403
    assert "/admin/partners/enquiry/" not in signed_in.get("/admin/").content.decode()


@pytest.mark.django_db
def test_handlers_read_enquiries_but_cannot_add_or_rewrite_them(handler_client):
    enquiry = make_enquiry(message="Original words")
    assert handler_client.get("/admin/partners/enquiry/add/").status_code == 403
    url = f"/admin/partners/enquiry/{enquiry.pk}/change/"
    page = handler_client.get(url)
    assert page.status_code == 200
    assert "Original words" in page.content.decode()
    response = handler_client.post(url, {"status": "handled", "message": "Rewritten", "name": "X"})
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.message == "Original words"
    assert enquiry.name == "Amina Diallo"
    assert enquiry.status == "handled"
    assert enquiry.status_changed_by == handler_client.user
    assert enquiry.status_changed_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("action, status", [("mark_handled", "handled"), ("mark_spam", "spam")])
def test_marking_enquiries_records_who_and_when(handler_client, action, status):
    enquiry = make_enquiry()
    response = handler_client.post(
        "/admin/partners/enquiry/", {"action": action, "_selected_action": [enquiry.pk]}
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert enquiry.status == status
    assert enquiry.status_changed_by == handler_client.user
    assert timezone.now() - enquiry.status_changed_at < timedelta(minutes=1)


@pytest.mark.django_db
def test_retry_from_the_admin_sends_a_pending_notification(handler_client, smtp_server):
    enquiry = make_enquiry(
        delivery_attempts=4,
        next_delivery_at=timezone.now() + timedelta(minutes=20),
        last_delivery_error="OSError: Connection refused",
    )
    response = handler_client.post(
        "/admin/partners/enquiry/",
        {"action": "retry_delivery", "_selected_action": [enquiry.pk]},
        follow=True,
    )
    assert "1 email sent." in response.content.decode()
    assert len(smtp_server.messages) == 1
    enquiry.refresh_from_db()
    assert enquiry.delivery_status == Enquiry.Delivery.SENT
    assert enquiry.delivery_attempts == 5


@pytest.mark.django_db
def test_retrying_many_from_the_admin_stops_in_time_and_leaves_the_rest_due(
    handler_client, smtp_server, settings
):
    settings.ENQUIRY_RETRY_SECONDS = 1
    smtp_server.delay = 1  # each message takes a second
    later = timezone.now() + timedelta(minutes=20)
    enquiries = [make_enquiry(name=f"Sender {n}", next_delivery_at=later) for n in range(10)]
    started = time.monotonic()
    response = handler_client.post(
        "/admin/partners/enquiry/",
        {"action": "retry_delivery", "_selected_action": [e.pk for e in enquiries]},
        follow=True,
    )
    # Not the ten seconds that sending all ten takes.
    assert time.monotonic() - started < 6
    html = response.content.decode()
    sent = len(smtp_server.messages)
    assert 1 <= sent < len(enquiries)
    left = len(enquiries) - sent
    assert f"{left} emails were not tried now, to keep this page quick" in html
    # The rest are due at once, for the regular job, which sends each of them once.
    assert Enquiry.objects.due().count() == left
    smtp_server.delay = 0
    call_command("send_pending_enquiries", stdout=io.StringIO())
    message_ids = Counter(message["Message-ID"] for message in smtp_server.messages)
    assert len(message_ids) == len(enquiries)
    assert set(message_ids.values()) == {1}


@pytest.mark.django_db
def test_the_csv_export_keeps_every_field_and_defuses_formulas(handler_client):
    enquiry = make_enquiry(
        name='=HYPERLINK("https://evil.example","click")',
        organisation="+Org",
        country="-1+1",
        message="@SUM(A1)\nsecond line",
    )
    response = handler_client.post(
        "/admin/partners/enquiry/", {"action": "export_csv", "_selected_action": [enquiry.pk]}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, row = rows
    record = dict(zip(header, row, strict=True))
    assert record["name"] == '\'=HYPERLINK("https://evil.example","click")'
    assert record["organization"] == "'+Org"
    assert record["country"] == "'-1+1"
    assert record["message"] == "'@SUM(A1)\nsecond line"
    assert record["email address"] == "amina@example.org"
    assert record["topic"] == "Partnership"


# Retention


@pytest.mark.django_db
def test_purge_deletes_enquiries_past_the_retention_period(settings):
    settings.ENQUIRY_RETENTION_DAYS = 730
    now = timezone.now()
    old = make_enquiry(submitted_at=now - timedelta(days=731))
    recent = make_enquiry(submitted_at=now - timedelta(days=30))
    output = io.StringIO()
    call_command("purge_enquiries", "--older-than-days", "365", "--dry-run", stdout=output)
    assert "1 enquiries" in output.getvalue()
    assert Enquiry.objects.count() == 2
    call_command("purge_enquiries", stdout=io.StringIO())  # the retention period by default
    assert list(Enquiry.objects.all()) == [recent]
    call_command("purge_enquiries", "--older-than-days", "7", stdout=io.StringIO())
    assert not Enquiry.objects.exists()
    assert not Enquiry.objects.filter(pk=old.pk).exists()


@pytest.mark.django_db
def test_the_log_tells_clients_apart_without_their_addresses(send, settings, caplog):
    settings.ENQUIRY_RATE_LIMIT = 1
    visitor = "198.51.100.77"
    with caplog.at_level(logging.INFO, logger="genmig.enquiries"):
        assert send(form_data(email="not an address"), REMOTE_ADDR=visitor).status_code == 200
        assert send(REMOTE_ADDR=visitor).status_code == 302
        assert send(REMOTE_ADDR=visitor).status_code == 429
        assert (
            send(form_data(extra_info="filled by a robot"), REMOTE_ADDR="192.0.2.9").status_code
            == 302
        )
    lines = [record.getMessage() for record in caplog.records]
    assert any("returned for correction" in line for line in lines)
    assert any("Enquiry refused" in line for line in lines)
    assert any("stored as spam" in line for line in lines)
    assert not any(visitor in line or "192.0.2.9" in line for line in lines), lines
