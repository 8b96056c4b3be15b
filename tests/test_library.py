"""The library of pictures and documents: uploaded once, used by many items, kept while used."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from library.models import Document, Picture
from pages.images import rendition_names
from pages.models import Resource, Update
from tests.test_updates import admin_form, photo, stored_files, upload

pytestmark = pytest.mark.django_db


def add_picture(client, committed, **fields):
    data = {"file": upload(name="geneva-panel.jpg"), "alt_en": "A panel of four speakers"}
    data.update(fields)
    with committed():
        response = client.post("/admin/library/picture/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Picture.objects.latest("pk")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def test_a_picture_shown_by_two_updates_is_made_once(
    content_editor_client, committed, client, media_root
):
    picture = add_picture(content_editor_client, committed, credit="© IOM 2026")
    made = set(stored_files(media_root))
    assert {media_root / name for name in rendition_names(picture.renditions)} == made
    for title, slug in (("Panel in Geneva", "panel-in-geneva"), ("Second panel", "second")):
        with committed():
            response = content_editor_client.post(
                "/admin/pages/update/add/",
                admin_form(title_en=title, slug=slug, picture=picture.pk, image_alt_en=""),
            )
        assert response.status_code == 302, response.content.decode()[:3000]
    assert set(stored_files(media_root)) == made  # no file more: the same renditions
    first, second = Update.objects.order_by("pk")
    assert first.picture == second.picture == picture
    assert first.image_renditions == second.image_renditions == picture.renditions
    largest = picture.renditions["sources"]["image/jpeg"][-1][1]
    for update in (first, second):
        html = client.get(update.get_absolute_url()).content.decode()
        assert f'src="/media/{largest}"' in html
        # The description comes from the library when the update gives none.
        assert 'alt="A panel of four speakers"' in html


def test_the_library_lists_pictures_with_thumbnail_size_and_uses(content_editor_client, committed):
    used = add_picture(content_editor_client, committed, name="Panel")
    add_picture(content_editor_client, committed, name="Unused landscape", alt_en="Hills")
    with committed():
        Update.objects.create(title="Panel news", slug="panel-news", summary="S.", picture=used)
    html = content_editor_client.get("/admin/library/picture/").content.decode()
    thumbnail = used.renditions["sources"]["image/jpeg"][0][1]
    assert f'src="/media/{thumbnail}"' in html
    assert "1472 × 1104" in html and "Panel news" in html
    assert "KB" in html
    found = content_editor_client.get("/admin/library/picture/?q=hills").content.decode()
    assert "Unused landscape" in found and ">Panel<" not in found
    unused = content_editor_client.get("/admin/library/picture/?used=no").content.decode()
    assert "Unused landscape" in unused and "Panel news" not in unused


def test_a_picture_in_use_is_not_deleted_and_the_admin_says_where(
    content_editor_client, committed, media_root
):
    picture = add_picture(content_editor_client, committed)
    in_text = add_picture(content_editor_client, committed, name="In a text")
    with committed():
        Update.objects.create(
            title="Scheduled news", slug="scheduled", summary="S.", picture=picture
        )
        Update.objects.create(
            title="Text news", slug="text", summary="S.", body=f"[[image:{in_text.pk}]]"
        )
    for each, where in ((picture, "Scheduled news"), (in_text, "Text news")):
        url = f"/admin/library/picture/{each.pk}/delete/"
        page = content_editor_client.get(url)
        assert page.status_code == 200 and where in page.content.decode()
        with committed():
            response = content_editor_client.post(url, {"post": "yes"})
        assert response.status_code == 200
        assert "protected" in response.content.decode()
        assert Picture.objects.filter(pk=each.pk).exists()
    with committed():
        response = content_editor_client.post(
            "/admin/library/picture/",
            {"action": "delete_selected", "_selected_action": [picture.pk], "post": "yes"},
        )
    assert response.status_code == 200 and "Scheduled news" in response.content.decode()
    assert all(p.exists() for p in [media_root / n for n in rendition_names(picture.renditions)])


def test_unused_pictures_are_listed_and_removed_with_their_files(
    content_editor_client, committed, media_root
):
    unused = add_picture(content_editor_client, committed, name="Old photo")
    kept = add_picture(content_editor_client, committed, name="Kept")
    with committed():
        Update.objects.create(title="News", slug="news", summary="S.", picture=kept)
    with committed():
        response = content_editor_client.post(
            "/admin/library/picture/?used=no",
            {"action": "delete_selected", "_selected_action": [unused.pk], "post": "yes"},
        )
    assert response.status_code == 302
    assert list(Picture.objects.all()) == [kept]
    assert set(stored_files(media_root)) == {
        media_root / name for name in rendition_names(kept.renditions)
    }


def test_a_picture_placed_in_a_text_is_a_picture_element(content_editor_client, committed, client):
    picture = add_picture(content_editor_client, committed, credit="© IOM 2026")
    body = f"Before.\n\n[[image:{picture.pk}]]\n\n[[image:999999]]\n\nAfter."
    with committed():
        update = Update.objects.create(
            title="With a figure", slug="figure", summary="S.", body=body, published=True
        )
    html = client.get(update.get_absolute_url()).content.decode()
    figure = re.search(r'<figure class="text-picture">.*?</figure>', html, re.S)[0]
    assert "<picture>" in figure and 'type="image/webp"' in figure
    assert 'alt="A panel of four speakers"' in figure and "© IOM 2026" in figure
    assert "[[image:" not in html and "not in the library" not in html
    preview = content_editor_client.post(
        "/admin/pages/update/markdown-preview/", {"text": body}
    ).content.decode()
    assert "<picture>" in preview
    assert "Picture 999999 is not in the library" in preview


def test_a_shortcode_cannot_smuggle_markup(content_editor_client, committed, client):
    picture = add_picture(content_editor_client, committed, alt_en='"><script>alert(1)</script>')
    body = f"[[image:{picture.pk}]]\n\n<p>[[image:{picture.pk}]]<script>x()</script></p>"
    html = Update(body=body).body_html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_failed_save_keeps_the_chosen_picture(content_editor_client, committed, client):
    form = admin_form(image=upload(name="photo.jpg"), image_alt_en="")
    with committed():
        response = content_editor_client.post("/admin/pages/update/add/", form)
    html = response.content.decode()
    assert response.status_code == 200 and not Update.objects.exists()
    assert "Your file photo.jpg is kept; you don&#x27;t need to choose it again." in html
    picture = Picture.objects.get()
    assert re.search(rf'<option value="{picture.pk}" selected>photo.jpg</option>', html)
    # The description stands next to the image, in the same fieldset.
    lead = re.search(r"<fieldset[^>]*>\s*<h2[^>]*>Lead image</h2>.*?</fieldset>", html, re.S)[0]
    assert 'name="image_alt_en"' in lead and 'name="image"' in lead
    form = admin_form(picture=picture.pk, image_alt_en="Four speakers on a panel")
    with committed():
        response = content_editor_client.post("/admin/pages/update/add/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    update = Update.objects.get()
    assert update.picture == picture and Picture.objects.count() == 1
    assert picture.renditions["share"] in client.get(update.get_absolute_url()).content.decode()
    change = content_editor_client.get(f"/admin/pages/update/{update.pk}/change/")
    assert 'class="upload-thumbnail"' in change.content.decode()


def test_a_resource_file_is_a_library_document(content_editor_client, committed, client):
    pdf = SimpleUploadedFile("report.pdf", b"%PDF-1.4 a report", content_type="application/pdf")
    data = {
        "title_en": "Care report",
        "publisher": "IOM",
        "year": "2025",
        "type": "report",
        "summary_en": "On care.",
        "position": "100",
        "published": "on",
        "file": pdf,
    }
    with committed():
        response = content_editor_client.post("/admin/pages/resource/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    resource = Resource.objects.get()
    document = Document.objects.get()
    assert resource.document == document and resource.file.name == document.file.name
    assert document.title == "Care report" and document.size == len(b"%PDF-1.4 a report")
    assert f'href="/media/{document.file.name}"' in client.get("/resources/").content.decode()
    listing = content_editor_client.get("/admin/library/document/").content.decode()
    assert "Care report" in listing and "17\xa0bytes" in listing
    with committed():
        response = content_editor_client.post(
            f"/admin/library/document/{document.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 200 and Document.objects.filter(pk=document.pk).exists()


def test_existing_uploads_move_into_the_library_at_the_same_addresses(client, media_root):
    import importlib

    from django.apps import apps
    from django.core.cache import cache

    migration = importlib.import_module("library.migrations.0002_existing_uploads")
    update = Update.objects.create(
        title="Old news",
        slug="old-news",
        summary="S.",
        image=upload(photo(size=(1000, 700))),
        image_alt="A field",
        published=True,
    )
    before = client.get(update.get_absolute_url()).content.decode()
    # As before the library: the update's own files, no library row.
    Update.objects.update(picture=None)
    Picture.objects.all()._raw_delete(Picture.objects.db)
    migration.move_into_library(apps, None)
    update.refresh_from_db()
    picture = update.picture
    assert picture.file.name == update.image.name
    assert picture.renditions == update.image_renditions and picture.alt == "A field"
    assert (picture.width, picture.height) == (1000, 700)
    cache.clear()  # the migration changed rows without the signals that renew cached pages
    assert client.get(update.get_absolute_url()).content.decode() == before
