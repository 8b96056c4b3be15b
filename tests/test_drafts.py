"""Drafts of live items: saved apart from the item, continued, published now or at a time,
discarded; two editors at once; a draft whose item was deleted."""

import datetime
import zoneinfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from reversion.models import Version

from drafts.models import Draft, DraftEvent
from pages.models import Page
from tests.test_history import page_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def self_approval(settings):
    """One superuser writes and publishes here; the review by another is test_review.py's."""
    settings.REVIEW_SELF_APPROVAL = True


LIVE_TEXT = "The gender gap in migration, as published."
DRAFT_TEXT = "A better wording of the gender gap, still a draft."


@pytest.fixture
def background():
    page = Page.objects.get(slug="background")
    page.body_en = LIVE_TEXT
    page.save()
    return page


def change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def save_draft(client, page, revision=0, **changes):
    data = page_form(page, _savedraft="1", _draft_revision=revision, **changes)
    return client.post(change_url(page), data)


def act(client, page, action, **extra):
    """A button of the draft's panel, pressed on a form showing the draft's current revision."""
    draft = Draft.objects.of(page).active().first()
    extra.setdefault("_draft_revision", draft.revision if draft else 0)
    return client.post(change_url(page), {"_draft_action": action, **extra})


def test_a_draft_keeps_the_live_page_and_every_cache_unchanged(staff_client, client, background):
    assert LIVE_TEXT in client.get("/background/").content.decode()  # now cached
    response = save_draft(staff_client, background, body_en=DRAFT_TEXT)
    assert response.status_code == 302
    background.refresh_from_db()
    assert background.body_en == LIVE_TEXT
    for address in ("/background/", "/fr/background/", "/sitemap.xml", "/search/?q=better+wording"):
        assert DRAFT_TEXT not in client.get(address).content.decode()
    assert LIVE_TEXT in client.get("/background/").content.decode()
    draft = Draft.objects.get()
    assert draft.data["body_en"] == DRAFT_TEXT
    assert [event.action for event in draft.events.all()] == [DraftEvent.Action.SAVED]


def test_editing_again_continues_the_draft_and_every_screen_says_it_waits(staff_client, background):
    save_draft(staff_client, background, body_en=DRAFT_TEXT)
    form = staff_client.get(change_url(background)).content.decode()
    assert DRAFT_TEXT in form
    assert "Draft changes by editor" in form
    assert 'name="_savedraft"' in form
    listing = staff_client.get("/admin/pages/page/").content.decode()
    assert "Draft changes, saved" in listing
    save_draft(staff_client, background, revision=1, body_en=DRAFT_TEXT + " Again.")
    draft = Draft.objects.get()
    assert (draft.revision, draft.data["body_en"]) == (2, DRAFT_TEXT + " Again.")


def test_publishing_a_draft_makes_it_public_and_a_version_says_so(staff_client, client, background):
    save_draft(staff_client, background, body_en=DRAFT_TEXT)
    client.get("/background/")
    response = act(staff_client, background, "publish")
    assert response.status_code == 302
    assert DRAFT_TEXT in client.get("/background/").content.decode()
    version = Version.objects.get_for_object(background).order_by("-pk").first()
    assert version.field_dict["body_en"] == DRAFT_TEXT
    assert "Published from a draft by editor, approved by editor." in version.revision.comment
    assert Draft.objects.get().state == Draft.State.PUBLISHED
    assert "Draft changes by" not in staff_client.get(change_url(background)).content.decode()


def test_a_draft_discarded_leaves_the_page_and_the_form_as_published(staff_client, background):
    save_draft(staff_client, background, body_en=DRAFT_TEXT)
    act(staff_client, background, "discard")
    assert Draft.objects.get().state == Draft.State.DISCARDED
    assert DRAFT_TEXT not in staff_client.get(change_url(background)).content.decode()
    background.refresh_from_db()
    assert background.body_en == LIVE_TEXT


def test_a_draft_published_at_a_time_goes_out_when_the_command_runs(
    staff_client, client, background
):
    save_draft(staff_client, background, body_en=DRAFT_TEXT)
    zone = zoneinfo.ZoneInfo(settings.ADMIN_TIME_ZONE)
    soon = timezone.localtime(timezone.now() + datetime.timedelta(hours=1), zone)
    act(staff_client, background, "schedule", _draft_publish_at=soon.strftime("%Y-%m-%dT%H:%M"))
    draft = Draft.objects.get()
    assert draft.state == Draft.State.SCHEDULED
    call_command("publish_due_drafts")
    assert DRAFT_TEXT not in client.get("/background/").content.decode()
    Draft.objects.filter(pk=draft.pk).update(publish_at=timezone.now())
    call_command("publish_due_drafts")
    assert DRAFT_TEXT in client.get("/background/").content.decode()


def test_two_editors_at_once_the_second_is_told_and_keeps_both_texts(staff_client, background):
    save_draft(staff_client, background, body_en=DRAFT_TEXT)
    response = save_draft(staff_client, background, revision=0, body_en="My own other wording.")
    assert response.status_code == 200
    page = response.content.decode()
    assert "while you were editing" in page
    assert "My own other wording." in page
    assert DRAFT_TEXT in page
    assert Draft.objects.get().data["body_en"] == DRAFT_TEXT
    # Saving again from that form keeps the second text.
    assert save_draft(staff_client, background, revision=1, body_en="Mine.").status_code == 302
    assert Draft.objects.get().data["body_en"] == "Mine."


def test_a_draft_of_an_item_deleted_meanwhile_keeps_its_text(staff_client, background):
    save_draft(staff_client, background, body_en=DRAFT_TEXT)
    draft = Draft.objects.get()
    Page.objects.filter(pk=background.pk).delete()
    response = act(staff_client, background, "publish")
    assert response.status_code in (302, 404)
    listing = staff_client.get(f"/admin/drafts/draft/{draft.pk}/change/")
    assert listing.status_code == 200
    assert DRAFT_TEXT in listing.content.decode()


def test_a_draft_started_before_a_change_to_the_live_item_says_so(staff_client, background):
    import reversion

    save_draft(staff_client, background, body_en=DRAFT_TEXT)
    assert (
        "has changed since this draft"
        not in staff_client.get(change_url(background)).content.decode()
    )
    with reversion.create_revision():
        background.summary_en = "Changed by someone else, live."
        background.save()
    form = staff_client.get(change_url(background)).content.decode()
    assert "The published version has changed since this draft was started." in form


def test_publishing_from_the_form_closes_the_draft_and_the_version_says_so(
    staff_client, client, background
):
    save_draft(staff_client, background, body_en=DRAFT_TEXT)
    data = page_form(background, body_en=DRAFT_TEXT, _continue="1", _draft_revision=1)
    assert staff_client.post(change_url(background), data).status_code == 302
    assert Draft.objects.get().state == Draft.State.PUBLISHED
    assert DRAFT_TEXT in client.get("/background/").content.decode()
    version = Version.objects.get_for_object(background).order_by("-pk").first()
    assert version.revision.comment.startswith("Published from a draft by editor")


def test_a_draft_keeps_and_publishes_only_what_it_changed_and_asks_over_a_newer_version(
    staff_client, client, background
):
    import reversion

    titles = {"nav_title_fr": background.nav_title_fr, "nav_title_es": background.nav_title_es}
    save_draft(staff_client, background, body_en=DRAFT_TEXT, **titles)
    draft = Draft.objects.get()
    assert draft.data == {"body_en": DRAFT_TEXT}
    with reversion.create_revision():
        background.summary_en = "Changed by someone else, live."
        background.save()
    response = act(staff_client, background, "publish")
    told = staff_client.get(response.url).content.decode()
    assert "The published version has changed since this draft was started. Compare" in told
    assert 'name="_draft_over_newer"' in told
    background.refresh_from_db()
    assert background.body_en == LIVE_TEXT
    assert Draft.objects.get().state == Draft.State.EDITING
    act(staff_client, background, "publish", _draft_over_newer="1")
    background.refresh_from_db()
    assert (background.body_en, background.summary_en) == (
        DRAFT_TEXT,
        "Changed by someone else, live.",
    )


def test_the_command_leaves_a_scheduled_draft_whose_item_changed_since(
    staff_client, client, background, capsys
):
    import reversion

    save_draft(staff_client, background, body_en=DRAFT_TEXT)
    zone = zoneinfo.ZoneInfo(settings.ADMIN_TIME_ZONE)
    soon = timezone.localtime(timezone.now() + datetime.timedelta(hours=1), zone)
    act(staff_client, background, "schedule", _draft_publish_at=soon.strftime("%Y-%m-%dT%H:%M"))
    with reversion.create_revision():
        background.summary_en = "Changed by someone else, live."
        background.save()
    Draft.objects.update(publish_at=timezone.now())
    call_command("publish_due_drafts")
    assert "has changed since this draft was started" in capsys.readouterr().err
    assert Draft.objects.get().state == Draft.State.SUBMITTED
    assert DRAFT_TEXT not in client.get("/background/").content.decode()


def test_saving_from_the_list_or_a_stale_form_leaves_the_draft_open(staff_client, background):
    save_draft(staff_client, background, body_en=DRAFT_TEXT)
    listing = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-0-id": background.pk,
        "form-0-nav_position": background.nav_position + 1,
        "_save": "Save",
    }
    staff_client.post("/admin/pages/page/?q=background", listing)
    background.refresh_from_db()
    assert background.nav_position == listing["form-0-nav_position"]
    assert Draft.objects.get().state == Draft.State.EDITING
    stale = page_form(background, _draft_revision=0, _continue="1")
    assert staff_client.post(change_url(background), stale).status_code == 302
    assert Draft.objects.get().state == Draft.State.EDITING


def test_a_step_on_a_draft_finished_meanwhile_leaves_it_finished(staff_client, background):
    from drafts.actions import change
    from drafts.publishing import discard

    save_draft(staff_client, background, body_en=DRAFT_TEXT)
    stale = Draft.objects.get()
    act(staff_client, background, "publish")
    save_draft(staff_client, background, body_en="A newer draft.")
    assert not change(stale, state=Draft.State.SUBMITTED)
    assert not discard(stale, None)
    states = dict(Draft.objects.values_list("pk", "state"))
    assert states[stale.pk] == Draft.State.PUBLISHED
    assert sorted(states.values()) == [Draft.State.EDITING, Draft.State.PUBLISHED]
