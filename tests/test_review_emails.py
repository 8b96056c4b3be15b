"""Review emails: one sent within the request, the rest by the outbox job; the scheduled
publishing telling the author; the emails kept as personal data (export, erasure, purge)."""

import datetime
import zoneinfo

import pytest
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.utils import timezone

from drafts.models import Draft, ReviewNotice
from tests.test_drafts import DRAFT_TEXT, act, background, save_draft
from tests.test_review import member, publisher, publisher_client, writer, writer_client

pytestmark = pytest.mark.django_db
__all__ = ["background", "publisher", "publisher_client", "writer", "writer_client"]


def test_submitting_sends_one_email_in_the_request_and_the_outbox_job_the_others(
    django_user_model,
    writer_client,
    writer,
    publisher,
    background,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    for name in ("second", "third"):
        member(django_user_model, name, "Publishers")
    save_draft(writer_client, background, body_en=DRAFT_TEXT)
    with django_capture_on_commit_callbacks(execute=True):
        act(writer_client, background, "submit")
    assert len(smtp_server.messages) == 1
    assert ReviewNotice.objects.filter(delivery_status="pending").count() == 2
    call_command("send_pending_enquiries")
    assert len(smtp_server.messages) == 3


def test_the_command_tells_the_author_it_published_or_held_their_draft(
    writer_client, writer, publisher_client, background
):
    import reversion

    zone = zoneinfo.ZoneInfo(django_settings.ADMIN_TIME_ZONE)
    soon = timezone.localtime(timezone.now() + datetime.timedelta(hours=1), zone)
    for change in (False, True):
        save_draft(writer_client, background, body_en=f"{DRAFT_TEXT} {change}")
        act(writer_client, background, "submit")
        act(publisher_client, background, "schedule", _draft_publish_at=f"{soon:%Y-%m-%dT%H:%M}")
        if change:
            with reversion.create_revision():
                background.refresh_from_db()
                background.summary_en = "Changed live meanwhile."
                background.save()
        Draft.objects.active().update(publish_at=timezone.now())
        call_command("publish_due_drafts")
    subjects = ReviewNotice.objects.filter(recipient=writer).values_list("subject", flat=True)
    assert list(subjects) == [
        "Published: “The gender gap in migration”",
        "Not published at the time set: “The gender gap in migration”",
    ]
    assert Draft.objects.active().get().state == Draft.State.SUBMITTED


def test_review_emails_are_exported_erased_and_purged_as_personal_data(
    settings, tmp_path, writer, client
):
    from genmig import personal_data

    settings.ERASURE_LOG_FILE = tmp_path / "erasures.jsonl"
    settings.REVIEW_NOTICE_RETENTION_DAYS = 90

    def notice(days, status="sent"):
        made = ReviewNotice.objects.create(
            recipient=writer,
            email=writer.email,
            language="en",
            subject=f"Sent back to you ({days})",
            body="Clearer sent your draft back. Comment: cite Amina's source.",
            delivery_status=status,
        )
        created = timezone.now() - datetime.timedelta(days=days)
        ReviewNotice.objects.filter(pk=made.pk).update(created=created)
        return made

    notice(91)
    recent, unsent = notice(89), notice(91, status="pending")
    assert personal_data.purge()["review_notices"] == 1
    assert set(ReviewNotice.objects.all()) == {recent, unsent}
    label = "Emails to staff about drafts to review (address, names, comments), once sent"
    assert f"<td>{label}</td><td>3 months</td>" in client.get("/privacy/").content.decode()
    exported = personal_data.export(" WRITER@iom.int ")["review_notices"]
    assert {item["subject"] for item in exported} == {recent.subject, unsent.subject}
    assert "cite Amina's source" in exported[0]["body"]
    assert personal_data.erase(writer.email)["review_notices"] == 2
    assert not ReviewNotice.objects.exists()


@pytest.mark.django_db
def test_comments_given_on_drafts_are_exported_and_erased_with_the_person(writer, background):
    from genmig import personal_data

    item = background
    draft = Draft.objects.create(
        content_type=ContentType.objects.get_for_model(item),
        object_id=item.pk,
        item_repr=str(item),
        author=writer,
        data={},
    )
    draft.events.create(action="submitted", user=writer, comment="Amina's figures, 2024.")
    draft.events.create(action="saved", user=writer)
    exported = personal_data.export(writer.email)["draft_comments"]
    assert [e["comment"] for e in exported] == ["Amina's figures, 2024."]
    assert personal_data.erase(writer.email)["draft_comments"] == 1
    assert not draft.events.exclude(comment="").exists()
    assert draft.events.count() == 2  # the steps stay with the draft
