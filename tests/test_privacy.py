"""Personal data: the privacy notice, retention enforced by one daily command, and one
person's export and erasure (command and admin), recorded so that a restore replays it."""

import io
import json
from datetime import timedelta

import pytest
import reversion
from axes.models import AccessAttempt, AccessLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone
from reversion.models import Revision

from genmig import personal_data
from genmig.models import ErasureLog
from pages.first_versions import INITIAL
from pages.models import Page
from partners.models import Enquiry, RecentSubmission
from tests.helpers import sign_in_verified

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def erasure_file(settings, tmp_path):
    settings.ERASURE_LOG_FILE = tmp_path / "erasures.jsonl"
    return settings.ERASURE_LOG_FILE


def make_enquiry(email="Amina.Diallo@Example.org", days=1, **fields):
    fields.setdefault("topic", Enquiry.Topic.RESEARCH)
    fields.setdefault("name", "Amina Diallo")
    fields.setdefault("organisation_type", Enquiry.INDIVIDUAL)
    fields.setdefault("message", "About care work.")
    return Enquiry.objects.create(
        email=email, submitted_at=timezone.now() - timedelta(days=days), **fields
    )


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# The notice -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "title", "lang"),
    [
        ("/privacy/", "Privacy notice", "en"),
        ("/fr/privacy/", "Politique de confidentialité", "fr"),
        ("/es/privacy/", "Aviso de privacidad", "es"),
    ],
)
def test_privacy_notice_in_three_languages(client, path, title, lang):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{title}</h1>" in html
    assert f'<html lang="{lang}"' in html
    assert "research@iom.int" in html
    assert 'class="data-table data-table--text"' in html


def test_notice_states_the_periods_the_purge_uses(client, settings):
    settings.ENQUIRY_RETENTION_DAYS = 91
    settings.SPAM_ENQUIRY_RETENTION_DAYS = 12
    settings.SIGN_IN_RECORD_RETENTION_DAYS = 45
    settings.BACKUP_KEEP_DAYS = 14
    html = client.get("/privacy/").content.decode()
    rows = dict(personal_data.retention_table())
    assert "3 months" in html and "12 days" in html and "45 days" in html and "14 days" in html
    for label, period in rows.items():
        assert f"<td>{label}</td><td>{period}</td>" in html
    # The same settings, read by the purge: an enquiry 13 days old is spam past its period.
    spam = make_enquiry(days=13, status=Enquiry.Status.SPAM)
    kept = make_enquiry(days=11, status=Enquiry.Status.SPAM)
    assert personal_data.purge()["spam_enquiries"] == 1
    assert list(Enquiry.objects.all()) == [kept]
    assert not Enquiry.objects.filter(pk=spam.pk).exists()


def test_notice_says_what_is_counted_of_visits_and_for_how_long(client, settings):
    settings.AUDIENCE_RETENTION_DAYS = 33
    settings.SIGN_IN_RECORD_RETENTION_DAYS = 21
    response = client.get("/privacy/")
    html = response.content.decode()
    assert "No cookie is set for this" in html and "never stored" in html
    rows = dict(personal_data.retention_table())
    audience = next(label for label in rows if str(label).startswith("Daily counts"))
    sign_ins = next(label for label in rows if "second factors" in str(label))
    assert f"<td>{audience}</td><td>33 days</td>" in html
    assert f"<td>{sign_ins}</td><td>21 days</td>" in html
    # The notice is read without a cookie being set.
    assert not response.cookies


def test_french_notice_states_periods_in_french(client, settings):
    settings.ENQUIRY_RETENTION_DAYS = 730
    html = client.get("/fr/privacy/").content.decode()
    assert "24 mois" in html
    assert "Durée de conservation" in html


def test_contact_form_and_footer_link_to_the_notice(client):
    contact = client.get("/contact/").content.decode()
    submit_paragraph = contact[contact.index('<p class="form-submit">') :]
    submit_paragraph = submit_paragraph[: submit_paragraph.index("</p>")]
    assert 'type="submit"' in submit_paragraph and 'href="/privacy/"' in submit_paragraph
    for path in ("/", "/partners/", "/fr/"):
        footer = client.get(path).content.decode().split('<footer class="site-footer">')[1]
        assert "/privacy/" in footer
    assert 'href="/fr/privacy/"' in client.get("/fr/contact/").content.decode()


def test_the_notice_is_an_editable_page():
    page = Page.objects.get(slug="privacy")
    assert page.published and not page.show_in_nav
    assert page.title_fr and page.title_es and page.body_fr and page.body_es


# Retention ----------------------------------------------------------------------------------


def test_purge_personal_data_deletes_each_kind_past_its_period(settings):
    now = timezone.now()
    old, recent = make_enquiry(days=731), make_enquiry(days=729)
    old_spam, new_spam = (
        make_enquiry(days=31, status=Enquiry.Status.SPAM),
        make_enquiry(days=29, status=Enquiry.Status.SPAM),
    )
    RecentSubmission.objects.create(client="a" * 64, submitted_at=now - timedelta(minutes=61))
    fresh_hash = RecentSubmission.objects.create(client="b" * 64, submitted_at=now)
    for days in (91, 89):
        for model in (AccessLog, AccessAttempt):
            record = model.objects.create(
                username=f"someone-{days}",
                ip_address="192.0.2.1",
                user_agent="x",
                http_accept="*/*",
                path_info="/admin/login/",
                **({"failures_since_start": 1} if model is AccessAttempt else {}),
            )
            model.objects.filter(pk=record.pk).update(attempt_time=now - timedelta(days=days))
    expired, live = SessionStore(), SessionStore()
    expired.create()
    live.create()
    Session.objects.filter(pk=expired.session_key).update(expire_date=now - timedelta(seconds=1))

    out, _ = run("purge_personal_data")

    assert set(Enquiry.objects.all()) == {recent, new_spam}
    assert not Enquiry.objects.filter(pk__in=[old.pk, old_spam.pk]).exists()
    assert list(RecentSubmission.objects.all()) == [fresh_hash]
    assert AccessLog.objects.count() == AccessAttempt.objects.count() == 1
    assert list(Session.objects.values_list("pk", flat=True)) == [live.session_key]
    assert "enquiries: 1 deleted" in out and "spam_enquiries: 1 deleted" in out
    assert "sign_in_attempts: 2 deleted" in out and "sessions: 1 deleted" in out

    # A shorter period in the settings, and the same command follows it.
    settings.ENQUIRY_RETENTION_DAYS = 100
    run("purge_personal_data")
    assert list(Enquiry.objects.all()) == [new_spam]


# Export and erasure -------------------------------------------------------------------------


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        username="amina",
        email="Amina.Diallo@example.org",
        password="a-long-test-password",
        first_name="Amina",
        last_name="Diallo",
        is_staff=True,
    )
    page = Page.objects.get(slug="privacy")
    with reversion.create_revision():
        page.save()
        reversion.set_user(user)
    return user


def test_export_prints_everything_held_whatever_the_case_and_spaces(editor):
    make_enquiry(message="First.")
    make_enquiry(email="amina.diallo@EXAMPLE.org", message="Second.", days=2)
    make_enquiry(email="someone.else@example.org")
    AccessLog.objects.create(
        username="amina",
        ip_address="192.0.2.7",
        user_agent="Firefox",
        http_accept="*/*",
        path_info="/admin/login/",
    )
    out, _ = run("personal_data", "export", "  AMINA.diallo@example.ORG ")
    held = json.loads(out)
    assert [item["message"] for item in held["enquiries"]] == ["Second.", "First."]
    assert held["enquiries"][0]["notification"]["status"] == "pending"
    assert held["staff_accounts"][0]["username"] == "amina"
    assert held["staff_accounts"][0]["versions_saved"] == 1
    assert held["sign_in_attempts"][0]["address"] == "192.0.2.7"
    assert "someone.else" not in out


def test_export_or_erase_of_an_address_with_nothing_held_says_so(erasure_file):
    make_enquiry()
    for action in ("export", "erase"):
        out, err = run("personal_data", action, "nobody@example.org", "--noinput")
        assert "Nothing is held on nobody@example.org; nothing was changed." in err
    assert Enquiry.objects.count() == 1
    assert not ErasureLog.objects.exists() and not erasure_file.exists()


def test_export_refuses_what_is_not_an_address():
    with pytest.raises(CommandError, match="is not an email address"):
        run("personal_data", "export", "not an address")


def test_erase_deletes_enquiries_and_anonymises_the_staff_account(editor, erasure_file):
    make_enquiry()
    kept = make_enquiry(email="someone.else@example.org")
    LogEntry.objects.log_actions(
        editor.pk, [editor], CHANGE, change_message="[]", single_object=True
    )
    session = SessionStore()
    session["_auth_user_id"] = str(editor.pk)
    session.create()

    out, _ = run("personal_data", "erase", " amina.diallo@example.org", "--noinput")

    assert "1 enquiries" in out and "1 staff accounts" in out
    assert list(Enquiry.objects.all()) == [kept]
    editor.refresh_from_db()
    assert editor.username == f"former-staff-{editor.pk}"
    assert (editor.first_name, editor.last_name, editor.email) == ("", "", "")
    assert not editor.is_active and not editor.has_usable_password()
    # the history keeps the version, not the name
    assert Revision.objects.exclude(comment=INITIAL).get().user == editor
    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(editor))
    assert entry.object_repr == f"former-staff-{editor.pk}"
    assert not Session.objects.filter(pk=session.session_key).exists()
    # The erasure is recorded by a keyed hash, in the database and the file, never the address.
    log = ErasureLog.objects.get()
    assert log.key == personal_data.erasure_key("Amina.Diallo@Example.org")
    assert "amina" not in erasure_file.read_text().lower()
    assert json.loads(erasure_file.read_text())["key"] == log.key


def test_replay_erases_again_only_what_existed_when_erased(settings):
    make_enquiry()
    personal_data.erase("amina.diallo@example.org")
    erased_at = ErasureLog.objects.get().erased_at
    ErasureLog.objects.all().delete()  # as after restoring a backup older than the erasure
    restored = make_enquiry(days=3)
    written_again = Enquiry.objects.create(
        topic="other",
        name="Amina",
        email="amina.diallo@example.org",
        organisation_type=Enquiry.INDIVIDUAL,
        message="A new question.",
        submitted_at=erased_at + timedelta(days=1),
    )
    assert personal_data.replay() == 1
    assert list(Enquiry.objects.all()) == [written_again]
    assert not Enquiry.objects.filter(pk=restored.pk).exists()
    assert ErasureLog.objects.get().erased_at == erased_at


# The admin ----------------------------------------------------------------------------------


def test_admin_exports_and_erases_for_superusers_after_confirmation(staff_client, editor):
    make_enquiry()
    index = staff_client.get("/admin/").content.decode()
    assert 'href="/admin/personal-data/"' in index
    found = staff_client.get("/admin/personal-data/", {"email": " AMINA.Diallo@example.org"})
    assert "<li>Enquiries: 1</li>" in found.content.decode()
    download = staff_client.get(
        "/admin/personal-data/", {"email": "amina.diallo@example.org", "download": "1"}
    )
    assert download["Content-Type"] == "application/json"
    assert json.loads(download.content)["enquiries"][0]["name"] == "Amina Diallo"

    confirm = staff_client.post(
        "/admin/personal-data/", {"email": "amina.diallo@example.org", "action": "confirm"}
    )
    page = confirm.content.decode()
    assert "1 enquiry, with the record of its notification email, is deleted." in page
    assert "The staff account “amina” is deactivated" in page
    assert Enquiry.objects.count() == 1  # nothing removed before the confirmation

    done = staff_client.post(
        "/admin/personal-data/",
        {"email": "amina.diallo@example.org", "action": "erase"},
        follow=True,
    )
    assert "(Enquiries: 1, Staff accounts: 1); the erasure is recorded" in done.content.decode()
    assert not Enquiry.objects.exists() and ErasureLog.objects.count() == 1
    assert "Nothing is held on amina.diallo@example.org" in done.content.decode()


def test_admin_personal_data_is_for_superusers_only(django_user_model):
    user = django_user_model.objects.create_user(
        username="handler", password="a-long-test-password", is_staff=True
    )
    client = sign_in_verified(Client(), user)
    assert client.get("/admin/personal-data/").status_code == 403
    assert "/admin/personal-data/" not in client.get("/admin/").content.decode()
    assert client.get("/admin/genmig/erasurelog/").status_code == 403


def test_personal_data_pages_wait_for_the_second_factor(django_user_model):
    """A superuser signed in with a password alone reaches no personal data."""
    user = django_user_model.objects.create_superuser(
        username="admin", email="admin@iom.int", password="a-long-test-password"
    )
    client = Client()
    client.force_login(user)
    for path in ("/admin/personal-data/", "/fr/admin/personal-data/?email=someone@example.org"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/admin/staff/second-factor/set-up/" in response["Location"]
    assert client.get("/admin/staff/second-factor/set-up/").status_code == 200


def test_admin_bad_address_gets_a_message(staff_client):
    response = staff_client.get("/admin/personal-data/", {"email": "not an address"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.content.decode()


def test_staff_account_is_found_by_address_in_any_case():
    get_user_model().objects.create_user(username="x", email="X@Example.org")
    assert personal_data.export(" x@example.ORG ")["staff_accounts"][0]["username"] == "x"
