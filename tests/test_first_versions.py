"""Every item has a version in the history from the moment it exists, whoever made it, and
the history names only the languages whose text changed."""

import pytest
import reversion
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from reversion.models import Version

from pages.first_versions import ADDED, INITIAL
from pages.models import Page, SiteSettings
from partners.models import Benefit, Partner
from tests.helpers import sign_in_verified
from tests.test_history import edit, oldest_first

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(django_user_model):
    user = django_user_model.objects.create_user(
        username="writer", password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Content editors"))
    client = Client()
    sign_in_verified(client, user)
    return client


def test_every_item_the_migrations_wrote_has_a_first_version():
    items = [*Page.objects.all(), *Partner.objects.all(), *Benefit.objects.all()]
    items.append(SiteSettings.load())
    assert len(items) > 5
    for item in items:
        versions = Version.objects.get_for_object(item)
        assert versions.count() == 1, item
        (version,) = versions
        assert version.revision.comment == INITIAL
        assert version.object_repr == str(item)


def test_the_first_edit_of_a_page_from_the_migrations_is_undone(editor_client, client):
    page = Page.objects.get(slug="background")
    original_en, original_fr = page.body_en, page.body_fr
    edit(editor_client, page, body_en="A typo in the first sentnce.")
    assert "sentnce" in client.get("/background/").content.decode()
    initial = oldest_first(page)[0]
    history = editor_client.get(f"/admin/pages/page/{page.pk}/history/").content.decode()
    assert "Initial version: the text as it was when the history began to be kept." in history
    response = editor_client.post(f"/admin/pages/page/{page.pk}/history/{initial.pk}/")
    assert response.status_code == 302
    page.refresh_from_db()
    assert (page.body_en, page.body_fr) == (original_en, original_fr)
    assert "sentnce" not in client.get("/background/").content.decode()


def test_an_item_created_outside_the_admin_has_a_version_at_once():
    partner = Partner.objects.create(name_en="Shell Institute", slug="shell", type="research")
    (version,) = Version.objects.get_for_object(partner)
    assert version.field_dict["name_en"] == "Shell Institute"
    assert version.revision.comment == ADDED
    assert version.revision.get_comment() == "Added."
    # A later save outside a revision adds nothing; one inside adds one version.
    partner.save()
    assert Version.objects.get_for_object(partner).count() == 1
    with reversion.create_revision():
        Page.objects.create(title_en="In a revision", slug="in-a-revision", summary_en="s")
    assert Version.objects.get_for_object(Page.objects.get(slug="in-a-revision")).count() == 1


def test_an_item_added_in_the_admin_has_exactly_one_version(editor_client):
    response = editor_client.post(
        "/admin/pages/page/add/",
        {"title_en": "Added here", "slug": "added-here", "summary_en": "s", "nav_position": 0},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    (version,) = Version.objects.get_for_object(Page.objects.get(slug="added-here"))
    assert version.revision.user is not None


def test_content_written_without_signals_gets_its_version_on_migrate():
    (page,) = Page.objects.bulk_create(
        [Page(title_en="Bulk", slug="bulk", summary_en="s", body_en="b")]
    )
    page = Page.objects.get(slug="bulk")
    assert not Version.objects.get_for_object(page).exists()
    call_command("migrate", verbosity=0)
    (version,) = Version.objects.get_for_object(page)
    assert version.revision.comment == INITIAL and version.object_repr == "Bulk"


def test_a_save_that_touched_english_alone_names_english_alone(editor_client):
    page = Page.objects.get(slug="background")
    assert "\n" in page.body_fr and "\n" in page.body_es

    def as_a_browser_sends(text):
        return (text or "").replace("\n", "\r\n")

    edit(
        editor_client,
        page,
        body_en="Only the English text changes.",
        body_fr=as_a_browser_sends(page.body_fr),
        body_es=as_a_browser_sends(page.body_es),
        nav_title_fr=page.nav_title_fr,
        nav_title_es=page.nav_title_es,
    )
    comment = oldest_first(page)[-1].revision.get_comment()
    assert "(English)" in comment
    assert "(French)" not in comment and "(Spanish)" not in comment
    # The comparison with the first version lists the English text alone too.
    initial = oldest_first(page)[0]
    compare = editor_client.get(f"/admin/pages/page/{page.pk}/history/{initial.pk}/")
    rows = compare.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert rows.count("<tr>") == 1 and "English" in rows
