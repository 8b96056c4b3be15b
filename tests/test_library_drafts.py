"""A library file that an open draft names is in use: listed where used, not deleted."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from drafts.models import Draft
from library.models import Document, Picture
from pages.models import Page, Resource, Update
from tests.test_drafts import act, change_url
from tests.test_history import page_form
from tests.test_library import add_picture
from tests.test_updates import admin_form

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def self_approval(settings):
    settings.REVIEW_SELF_APPROVAL = True


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def refused(client, committed, model_name, item, *places):
    """The delete page and the list's delete action both refuse, naming every place."""
    url = f"/admin/library/{model_name}/{item.pk}/delete/"
    page = client.get(url).content.decode()
    assert all(place in page for place in places), page[:3000]
    with committed():
        response = client.post(url, {"post": "yes"})
    assert response.status_code == 200 and "protected" in response.content.decode()
    with committed():
        response = client.post(
            f"/admin/library/{model_name}/",
            {"action": "delete_selected", "_selected_action": [item.pk], "post": "yes"},
        )
    assert response.status_code == 200
    assert all(place in response.content.decode() for place in places)
    assert type(item).objects.filter(pk=item.pk).exists()


def test_a_picture_chosen_in_a_draft_is_listed_and_kept_until_the_draft_goes(
    staff_client, committed
):
    live = add_picture(staff_client, committed, name="Live photo")
    drafted = add_picture(staff_client, committed, name="Draft photo")
    with committed():
        update = Update.objects.create(
            title="Panel news", slug="panel-in-geneva", summary="S.", picture=live, published=True
        )
    with committed():
        response = staff_client.post(
            change_url(update), admin_form(picture=drafted.pk, image_alt_en="", _savedraft="1")
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Update.objects.get().picture == live  # the live item keeps its picture
    listing = staff_client.get("/admin/library/picture/").content.decode()
    assert "Draft of “Panel news”" in listing
    assert f'href="{change_url(update)}"' in listing
    used = staff_client.get("/admin/library/picture/?used=yes").content.decode()
    assert "Draft photo" in used
    refused(staff_client, committed, "picture", drafted, "Draft of", "lead image")
    with committed():
        act(staff_client, update, "discard")
    assert not Draft.objects.active().exists()
    with committed():
        response = staff_client.post(
            f"/admin/library/picture/{drafted.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Picture.objects.filter(pk=drafted.pk).exists()


def test_a_picture_placed_in_a_drafts_text_is_kept(staff_client, committed):
    picture = add_picture(staff_client, committed, name="In a draft's text")
    page = Page.objects.get(slug="background")
    body = f"New wording.\n\n[[image:{picture.pk}]]\n"
    with committed():
        response = staff_client.post(
            change_url(page), page_form(page, body_fr=body, _savedraft="1", _draft_revision=0)
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert f"[[image:{picture.pk}]]" not in Page.objects.get(pk=page.pk).body_fr
    refused(staff_client, committed, "picture", picture, "Draft of", "in the text")


def test_a_document_chosen_in_a_draft_is_kept(staff_client, committed):
    pdf = SimpleUploadedFile("old.pdf", b"%PDF-1.4 old", content_type="application/pdf")
    with committed():
        resource = Resource.objects.create(
            title="Care report",
            publisher="IOM",
            year=2025,
            type="report",
            summary="On care.",
            published=True,
        )
        resource.file = pdf
        resource.save()
        newer = Document(
            file=SimpleUploadedFile("new.pdf", b"%PDF-1.4 new", content_type="application/pdf"),
            title="Care report, second edition",
        )
        newer.save()
    data = {
        "title_en": "Care report",
        "publisher": "IOM",
        "year": "2025",
        "type": "report",
        "summary_en": "On care.",
        "position": "100",
        "published": "on",
        "document": newer.pk,
        "_savedraft": "1",
    }
    with committed():
        response = staff_client.post(change_url(resource), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Resource.objects.get().document != newer
    listing = staff_client.get("/admin/library/document/").content.decode()
    assert "Draft of “Care report (2025)”" in listing
    refused(staff_client, committed, "document", newer, "Draft of “Care report (2025)”", "file")
