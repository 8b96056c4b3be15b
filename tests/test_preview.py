"""Previews of drafts: at the public address, for staff or with a shared link; never cached,
never indexed; a link tampered with, expired or withdrawn says so."""

import pytest
from django.test import Client

from drafts.models import Draft
from drafts.preview import share_token
from pages.models import Page, Update
from tests.test_drafts import DRAFT_TEXT, LIVE_TEXT, act, background, change_url, save_draft
from tests.test_history import page_form

pytestmark = pytest.mark.django_db
__all__ = ["background"]

FRENCH_DRAFT = "Le texte français du brouillon."


@pytest.fixture
def drafted(staff_client, background):
    save_draft(staff_client, background, body_en=DRAFT_TEXT, body_fr=FRENCH_DRAFT)
    return Draft.objects.get()


def assert_private_preview(response, text):
    body = response.content.decode()
    assert response.status_code == 200
    assert text in body
    assert "Preview, not public." in body or "Aperçu" in body
    assert "private" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


def test_staff_preview_the_draft_in_each_language_at_the_public_address(
    staff_client, client, drafted
):
    english = staff_client.get("/background/?preview=draft")
    assert_private_preview(english, DRAFT_TEXT)
    french = staff_client.get("/fr/background/?preview=draft")
    assert_private_preview(french, FRENCH_DRAFT)
    # Neither the page nor the cache serves the draft to visitors.
    for _ in range(2):
        assert DRAFT_TEXT not in client.get("/background/").content.decode()
        assert LIVE_TEXT in client.get("/background/").content.decode()


def test_a_visitor_cannot_use_the_staff_preview(client, drafted):
    response = client.get("/background/?preview=draft")
    assert response.status_code == 403
    assert DRAFT_TEXT not in response.content.decode()
    assert "Only signed-in staff can preview drafts" in response.content.decode()


def test_a_shared_link_opens_the_draft_until_withdrawn(staff_client, drafted, background):
    act(staff_client, background, "share")
    drafted.refresh_from_db()
    form = staff_client.get(change_url(background)).content.decode()
    token = share_token(drafted)
    assert f"/fr/background/?preview={token}" in form
    colleague = Client()
    assert_private_preview(colleague.get(f"/fr/background/?preview={token}"), FRENCH_DRAFT)
    assert_private_preview(colleague.get(f"/background/?preview={token}"), DRAFT_TEXT)
    act(staff_client, background, "revoke")
    refused = colleague.get(f"/background/?preview={token}")
    assert refused.status_code == 403
    assert "withdrawn" in refused.content.decode()
    assert DRAFT_TEXT not in refused.content.decode()


def test_a_tampered_or_expired_link_says_so(settings, staff_client, drafted, background):
    act(staff_client, background, "share")
    drafted.refresh_from_db()
    token = share_token(drafted)
    tampered = Client().get(f"/background/?preview={token[:-2]}xx")
    assert tampered.status_code == 403
    assert "not valid" in tampered.content.decode()
    assert "private" in tampered["Cache-Control"]
    settings.PREVIEW_LINK_HOURS = -1
    expired = Client().get(f"/background/?preview={token}")
    assert expired.status_code == 403
    assert "expired" in expired.content.decode()
    settings.PREVIEW_LINK_HOURS = 48
    # A link to one item's draft opens nothing at another's address.
    other = Page.objects.get(slug=Page.HOME_SLUG)
    elsewhere = Client().get(f"{other.get_absolute_url()}?preview={token}")
    assert elsewhere.status_code == 403
    assert DRAFT_TEXT not in elsewhere.content.decode()


def test_the_unsaved_form_is_previewed_without_saving(staff_client, background):
    data = page_form(background, body_fr="Une formulation pas encore enregistrée.", _preview="fr")
    response = staff_client.post(change_url(background), data)
    assert_private_preview(response, "Une formulation pas encore enregistrée.")
    assert '<html lang="fr">' in response.content.decode()
    background.refresh_from_db()
    assert background.body_fr != "Une formulation pas encore enregistrée."
    assert not Draft.objects.exists()


def test_a_new_page_is_previewed_before_it_is_ever_saved(staff_client):
    data = {
        "title_en": "A page not saved yet",
        "summary_en": "Nothing stored.",
        "body_en": "Words only the preview shows.",
        "nav_position": 100,
        "slug": "not-saved-yet",
        "_preview": "en",
    }
    response = staff_client.post("/admin/pages/page/add/", data)
    assert_private_preview(response, "Words only the preview shows.")
    assert not Page.objects.filter(slug="not-saved-yet").exists()


def test_lists_only_items_offer_no_preview_button(staff_client):
    assert 'name="_preview"' not in staff_client.get("/admin/pages/resource/add/").content.decode()
    assert 'name="_preview"' in staff_client.get("/admin/pages/update/add/").content.decode()


def staff_member(django_user_model, username, *permissions):
    from django.contrib.auth.models import Permission

    from tests.helpers import sign_in_verified

    user = django_user_model.objects.create_user(
        username=username, password="a-long-test-password", is_staff=True
    )
    user.user_permissions.set(Permission.objects.filter(codename__in=permissions))
    return sign_in_verified(Client(), user)


def test_staff_see_a_draft_only_of_items_they_may_see_and_add_previews_need_the_add_right(
    django_user_model, drafted
):
    partners_only = staff_member(django_user_model, "partners-only", "view_partner")
    refused = partners_only.get("/background/?preview=draft")
    assert refused.status_code == 403
    assert DRAFT_TEXT not in refused.content.decode()
    assert "may not see the drafts" in refused.content.decode()
    readers = staff_member(django_user_model, "reader", "view_page")
    assert_private_preview(readers.get("/background/?preview=draft"), DRAFT_TEXT)
    data = {"title_en": "Not mine to add", "summary_en": "-", "body_en": "Hidden words."}
    response = readers.post("/admin/pages/page/add/", {**data, "slug": "x", "_preview": "en"})
    assert response.status_code == 403
    assert "Hidden words." not in response.content.decode()


def test_only_the_author_or_a_publisher_shares_a_draft(django_user_model, drafted, background):
    other = staff_member(django_user_model, "other-editor", "view_page", "change_page")
    act(other, background, "share")
    drafted.refresh_from_db()
    assert drafted.share_key == ""
    assert 'value="share"' not in other.get(change_url(background)).content.decode()


def test_a_visitors_staff_preview_is_refused_before_the_item_is_read_and_noted_quietly(
    client, drafted, caplog
):
    import logging

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    update = Update.objects.create(
        kind="news", title_en="Out now", slug="out-now", date="2027-01-15", published=True
    )
    with caplog.at_level(logging.INFO), CaptureQueriesContext(connection) as queries:
        response = client.get(f"{update.get_absolute_url()}?preview=draft")
    assert response.status_code == 403
    # Only the site's menu and settings, which every page reads: neither the item nor drafts.
    read = " ".join(query["sql"] for query in queries.captured_queries)
    assert "drafts_draft" not in read and "pages_update" not in read
    assert [r.levelname for r in caplog.records if "refused" in r.getMessage()] == ["INFO"]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
