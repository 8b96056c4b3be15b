"""Review before publishing: Content editors submit drafts, Publishers approve or send back;
emails stored first and delivered once in each person's language; the start page panels."""

import datetime
import zoneinfo

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from drafts.models import Draft, DraftEvent, ReviewNotice, StaffLanguage
from pages.models import Page, Update
from tests.helpers import sign_in_verified
from tests.test_drafts import DRAFT_TEXT, LIVE_TEXT, act, background, change_url, save_draft
from tests.test_history import page_form

pytestmark = pytest.mark.django_db
__all__ = ["background"]


def member(django_user_model, username, group):
    user = django_user_model.objects.create_user(
        username=username,
        password="a-long-test-password",
        email=f"{username}@iom.int",
        first_name=username.title(),
        is_staff=True,
    )
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def writer(django_user_model):
    return member(django_user_model, "writer", "Content editors")


@pytest.fixture
def publisher(django_user_model):
    return member(django_user_model, "clearer", "Publishers")


@pytest.fixture
def writer_client(writer):
    return sign_in_verified(Client(), writer)


@pytest.fixture
def publisher_client(publisher):
    return sign_in_verified(Client(), publisher)


def test_the_publishers_group_exists_with_the_editors_rights_and_drafts():
    publishers = Group.objects.get(name="Publishers")
    editors = Group.objects.get(name="Content editors")
    codes = set(publishers.permissions.values_list("codename", flat=True))
    assert set(editors.permissions.values_list("codename", flat=True)) <= codes
    assert "view_draft" in codes


def test_submit_then_approve_publishes_with_emails_in_each_language(
    writer_client,
    publisher_client,
    publisher,
    writer,
    client,
    background,
    smtp_server,
    django_capture_on_commit_callbacks,
):
    StaffLanguage.objects.create(user=publisher, language="fr")
    save_draft(writer_client, background, body_en=DRAFT_TEXT)
    form = writer_client.get(change_url(background)).content.decode()
    assert 'value="publish"' not in form
    assert 'value="submit"' in form
    # A Content editor cannot publish the draft, whatever is posted.
    act(writer_client, background, "publish")
    assert Draft.objects.get().state == Draft.State.EDITING
    with django_capture_on_commit_callbacks(execute=True):
        act(writer_client, background, "submit", _draft_comment="New figures for 2024.")
    assert Draft.objects.get().state == Draft.State.SUBMITTED
    notice = ReviewNotice.objects.get(recipient=publisher)
    assert notice.delivery_status == ReviewNotice.Delivery.SENT
    [message] = [m for m in smtp_server.messages if "clearer@iom.int" in m.rcpt_tos]
    assert str(message["Subject"]).strip().startswith("En attente de votre relecture")
    assert "New figures for 2024." in message.get_content()
    start = publisher_client.get("/admin/").content.decode()
    assert "Waiting for your review" in start or "En attente" in start
    assert "The gender gap in migration" in start
    assert LIVE_TEXT in client.get("/background/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = act(publisher_client, background, "publish", _draft_comment="Cleared.")
    assert response.status_code == 302
    assert DRAFT_TEXT in client.get("/background/").content.decode()
    version = Version.objects.get_for_object(background).order_by("-pk").first()
    assert version.revision.user == publisher
    assert "by Writer, approved by Clearer. Cleared." in version.revision.comment
    actions = list(Draft.objects.get().events.values_list("action", "user__username"))
    assert actions[-2:] == [("submitted", "writer"), ("published", "clearer")]
    told = [m for m in smtp_server.messages if "writer@iom.int" in m.rcpt_tos]
    assert str(told[0]["Subject"]).strip() == "Published: “The gender gap in migration”"
    # Delivered once: the outbox job finds nothing left to send.
    before = len(smtp_server.messages)
    call_command("send_pending_enquiries")
    assert len(smtp_server.messages) == before


def test_sent_back_with_a_comment_shows_on_the_authors_start_page(
    writer_client, publisher_client, background
):
    save_draft(writer_client, background, body_en=DRAFT_TEXT)
    act(writer_client, background, "submit")
    act(publisher_client, background, "send_back")
    assert Draft.objects.get().state == Draft.State.SUBMITTED  # a comment is required
    act(publisher_client, background, "send_back", _draft_comment="Cite the source.")
    draft = Draft.objects.get()
    assert draft.state == Draft.State.SENT_BACK
    assert draft.events.get(action=DraftEvent.Action.SENT_BACK).comment == "Cite the source."
    start = writer_client.get("/admin/").content.decode()
    assert "Sent back to you" in start
    assert "Cite the source." in writer_client.get(change_url(background)).content.decode()


def test_a_publisher_cannot_approve_their_own_draft_unless_allowed(
    settings, publisher_client, background
):
    save_draft(publisher_client, background, body_en=DRAFT_TEXT)
    act(publisher_client, background, "submit")
    form = publisher_client.get(change_url(background)).content.decode()
    assert "another publisher approves it" in form
    act(publisher_client, background, "publish")
    assert Draft.objects.get().state == Draft.State.SUBMITTED
    settings.REVIEW_SELF_APPROVAL = True
    act(publisher_client, background, "publish")
    assert Draft.objects.get().state == Draft.State.PUBLISHED


def test_with_review_required_an_editor_cannot_publish_a_live_item_directly(
    settings, writer_client, background
):
    settings.REVIEW_REQUIRED = True
    form = writer_client.get(change_url(background)).content.decode()
    assert 'name="_savedraft"' in form
    assert 'value="Publish now"' not in form
    response = writer_client.post(change_url(background), page_form(background, body_en="X."))
    assert response.status_code == 200
    page = response.content.decode()
    assert "only a publisher can change it directly" in page
    assert 'name="_savedraft"' in page and "X." in page
    background.refresh_from_db()
    assert background.body_en == LIVE_TEXT


def test_with_review_required_an_editor_cannot_make_an_item_public(
    settings, writer_client, background
):
    settings.REVIEW_REQUIRED = True
    Page.objects.filter(pk=background.pk).update(published=False)
    background.refresh_from_db()
    form = page_form(background, body_en="Kept.", published="on")
    response = writer_client.post(change_url(background), form)
    assert "Only a publisher can publish." in response.content.decode()
    background.refresh_from_db()
    assert (background.published, background.body_en) == (False, LIVE_TEXT)
    added = {
        "kind": "news",
        "title_en": "Published without review",
        "slug": "no-review",
        "date": "2027-01-15",
        "summary_en": "Said.",
        "time_zone": "Europe/Zurich",
        "published": "on",
    }
    response = writer_client.post("/admin/pages/update/add/", added)
    assert response.status_code == 200
    assert "Only a publisher can publish." in response.content.decode()
    assert not Update.objects.filter(slug="no-review").exists()
    del added["published"]
    assert writer_client.post("/admin/pages/update/add/", added).status_code == 302
    assert not Update.objects.get(slug="no-review").published


def test_with_review_required_an_editor_cannot_restore_a_public_version(
    settings, writer_client, background
):
    import reversion

    settings.REVIEW_REQUIRED = True
    with reversion.create_revision():
        background.save()
    version = Version.objects.get_for_object(background).order_by("-pk").first()
    with reversion.create_revision():
        background.body_en = "Later, withdrawn."
        background.published = False
        background.save()
    url = f"{change_url(background).removesuffix('change/')}history/{version.pk}/"
    response = writer_client.post(url, follow=True)
    assert "Only a publisher can restore a version of a public item" in response.content.decode()
    background.refresh_from_db()
    assert (background.published, background.body_en) == (False, "Later, withdrawn.")


def test_the_iom_account_role_for_publishers_makes_a_publisher(settings, django_user_model):
    from drafts.roles import is_publisher
    from genmig.staff.oidc import StaffOIDCBackend

    settings.STAFF_OIDC_ROLE_GROUPS = {
        "GenMig.Editors": "Content editors",
        "GenMig.Publishers": "Publishers",
    }
    user = django_user_model.objects.create_user(username="oidc-person")
    backend = StaffOIDCBackend()
    backend.update_user(user, {"roles": ["GenMig.Publishers"], "email": "p@iom.int"})
    assert is_publisher(user)
    assert user.has_perm("drafts.view_draft") and user.has_perm("pages.change_page")
    backend.update_user(user, {"roles": ["GenMig.Editors"]})
    user = django_user_model.objects.get(pk=user.pk)
    assert not is_publisher(user)


def test_with_review_required_the_list_offers_editors_no_publish_action(
    settings, writer_client, publisher_client, background
):
    settings.REVIEW_REQUIRED = True
    response = writer_client.post(
        "/admin/pages/page/", {"action": "unpublish", "_selected_action": [background.pk]}
    )
    background.refresh_from_db()
    assert background.published
    assert response.status_code in (200, 302)
    assert 'value="unpublish"' not in writer_client.get("/admin/pages/page/").content.decode()
    assert 'value="unpublish"' in publisher_client.get("/admin/pages/page/").content.decode()


def test_a_draft_changed_after_approval_goes_back_to_writing_and_the_cron_leaves_it(
    writer_client, publisher_client, client, background
):
    save_draft(writer_client, background, body_en=DRAFT_TEXT)
    act(writer_client, background, "submit")
    zone = zoneinfo.ZoneInfo(django_settings.ADMIN_TIME_ZONE)
    soon = timezone.localtime(timezone.now() + datetime.timedelta(hours=1), zone)
    act(publisher_client, background, "schedule", _draft_publish_at=soon.strftime("%Y-%m-%dT%H:%M"))
    assert Draft.objects.get().state == Draft.State.SCHEDULED
    response = save_draft(writer_client, background, revision=1, body_en="Unreviewed text.")
    told = writer_client.get(response.url).content.decode()
    assert "it is being written again and will not be published" in told
    draft = Draft.objects.get()
    assert (draft.state, draft.publish_at) == (Draft.State.EDITING, None)
    Draft.objects.filter(pk=draft.pk).update(publish_at=timezone.now())
    call_command("publish_due_drafts")
    assert "Unreviewed text." not in client.get("/background/").content.decode()


def test_a_publisher_acting_on_a_draft_read_before_it_changed_is_told_to_read_it_again(
    writer_client, publisher_client, client, background
):
    save_draft(writer_client, background, body_en=DRAFT_TEXT)
    act(writer_client, background, "submit")
    read = Draft.objects.get().revision
    save_draft(writer_client, background, revision=read, body_en="Unreviewed text.")
    act(writer_client, background, "submit")
    for action in ("publish", "schedule"):
        response = act(
            publisher_client,
            background,
            action,
            _draft_revision=read,
            _draft_publish_at="2099-01-01T09:00",
        )
        page = publisher_client.get(response.url).content.decode()
        assert "The draft changed since you read it; read it again." in page
    assert Draft.objects.get().state == Draft.State.SUBMITTED
    assert "Unreviewed text." not in client.get("/background/").content.decode()
