"""Partners' logos in the library: uploaded into it or chosen from it, kept as logos (one small
WebP file), kept through a failed save, listed where used, not deleted while used."""

import importlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.cache import cache
from PIL import Image

from drafts.models import Draft
from library.models import Picture
from partners.models import Partner
from tests.helpers import tags
from tests.test_drafts import act
from tests.test_partners import admin_form, image_upload, make_partner

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def self_approval(settings):
    settings.REVIEW_SELF_APPROVAL = True


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def add_partner(client, committed, **fields):
    with committed():
        response = client.post("/admin/partners/partner/add/", admin_form(**fields))
    assert response.status_code == 302, response.content.decode()[:3000]
    return Partner.objects.latest("pk")


def test_an_uploaded_logo_is_a_library_logo_at_the_partners_address(
    staff_client, committed, client, media_root
):
    partner = add_partner(staff_client, committed, logo=image_upload(size=(2000, 1000)))
    logo = Picture.objects.get()
    assert partner.logo_picture == logo and logo.kind == Picture.Kind.LOGO
    assert partner.logo.name == logo.file.name
    assert re.fullmatch(r"partners/logos/gender-lab-[0-9a-f]{12}\.webp", logo.file.name)
    assert (logo.width, logo.height) == (partner.logo_width, partner.logo_height) == (480, 240)
    with Image.open(media_root / logo.file.name) as image:
        assert image.format == "WEBP" and image.size == (480, 240)
    assert logo.renditions == {}  # no photo renditions: the logo is its one file
    assert [p.relative_to(media_root) for p in media_root.rglob("*") if p.is_file()] == [
        Path(logo.file.name)
    ]
    assert logo.alt == "Gender Lab"
    html = client.get("/partners/").content.decode()
    assert [img["src"] for img in tags(html, "img") if img.get("alt") == "Gender Lab"] == [
        f"/media/{logo.file.name}"
    ]
    listing = staff_client.get("/admin/library/picture/").content.decode()
    assert f'<img class="library-thumbnail" src="/media/{logo.file.name}"' in listing
    assert f'href="/admin/partners/partner/{partner.pk}/change/">Gender Lab</a> (logo)' in listing
    assert "480 × 240" in listing


def test_a_logo_chosen_from_the_library_is_shared_and_kept_while_used(
    staff_client, committed, client
):
    first = add_partner(staff_client, committed, logo=image_upload())
    logo = first.logo_picture
    second = add_partner(
        staff_client,
        committed,
        name_en="Care Network",
        slug="care-network",
        logo_picture=logo.pk,
    )
    assert second.logo_picture == logo and second.logo.name == logo.file.name
    assert Picture.objects.count() == 1
    form = staff_client.get(f"/admin/partners/partner/{second.pk}/change/").content.decode()
    assert f'<img class="upload-thumbnail" src="/media/{logo.file.name}"' in form
    assert re.search(rf'<option value="{logo.pk}" selected>', form)
    partners = staff_client.get("/admin/partners/partner/").content.decode()
    assert partners.count(f'class="logo-preview" src="/media/{logo.file.name}"') == 2
    url = f"/admin/library/picture/{logo.pk}/delete/"
    page = staff_client.get(url).content.decode()
    assert "Gender Lab" in page and "Care Network" in page
    with committed():
        response = staff_client.post(url, {"post": "yes"})
    assert response.status_code == 200 and Picture.objects.filter(pk=logo.pk).exists()


def test_only_logos_are_offered_for_a_partner(staff_client, committed):
    photo = Picture(name="A photo")
    photo.store(image_upload(name="photo.png", size=(1600, 900)), "library/renditions")
    photo.save()
    add_partner(staff_client, committed, logo=image_upload())
    form = staff_client.get("/admin/partners/partner/add/").content.decode()
    assert "logo.png" in form and "A photo" not in form
    with committed():
        response = staff_client.post(
            "/admin/partners/partner/add/",
            admin_form(name_en="Other", slug="other", logo_picture=photo.pk),
        )
    assert response.status_code == 200 and not Partner.objects.filter(slug="other").exists()


def test_a_failed_save_keeps_the_uploaded_logo(staff_client, committed):
    form = admin_form(type="", logo=image_upload(name="lab-logo.png"))
    with committed():
        response = staff_client.post("/admin/partners/partner/add/", form)
    html = response.content.decode()
    assert response.status_code == 200 and not Partner.objects.filter(slug="gender-lab").exists()
    assert "Your file lab-logo.png is kept; you don&#x27;t need to choose it again." in html
    logo = Picture.objects.get()
    assert logo.kind == Picture.Kind.LOGO and logo.file.name.endswith(".webp")
    assert re.search(rf'<option value="{logo.pk}" selected>lab-logo.png</option>', html)
    partner = add_partner(staff_client, committed, logo_picture=logo.pk)
    assert partner.logo_picture == logo and partner.logo.name == logo.file.name
    assert Picture.objects.count() == 1


def test_a_logo_chosen_in_a_draft_is_kept_and_published(staff_client, committed, client):
    partner = add_partner(staff_client, committed, logo=image_upload())
    other = Picture(name="new-logo.png")
    other.store_logo(image_upload(name="new-logo.png", size=(600, 200)), "new-logo")
    other.save()
    with committed():
        response = staff_client.post(
            f"/admin/partners/partner/{partner.pk}/change/",
            admin_form(logo_picture=other.pk, _savedraft="1"),
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Draft.objects.active().get().data["logo_picture"] == other.pk
    assert Partner.objects.get(pk=partner.pk).logo_picture != other
    page = staff_client.get(f"/admin/library/picture/{other.pk}/delete/").content.decode()
    assert "Draft of “Gender Lab”" in page and "(logo)" in page
    with committed():
        response = staff_client.post(f"/admin/library/picture/{other.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200 and Picture.objects.filter(pk=other.pk).exists()
    with committed():
        response = act(staff_client, partner, "publish")
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.logo_picture == other and partner.logo.name == other.file.name
    assert f'src="/media/{other.file.name}"' in client.get("/partners/").content.decode()


def test_existing_logos_move_into_the_library_at_the_same_addresses(client, media_root):
    migration = importlib.import_module("partners.migrations.0017_existing_logos")
    partner = make_partner(name="Gender Lab", logo=image_upload())
    before = client.get("/partners/").content.decode()
    name, size = partner.logo.name, (partner.logo_width, partner.logo_height)
    # As before the library: the partner's own file, no library row.
    Partner.objects.update(logo_picture=None)
    Picture.objects.all()._raw_delete(Picture.objects.db)
    migration.move_into_library(apps, None)
    partner.refresh_from_db()
    logo = partner.logo_picture
    assert logo.kind == "logo" and logo.file.name == partner.logo.name == name
    assert (logo.width, logo.height) == size and logo.size == (media_root / name).stat().st_size
    assert logo.alt == "Gender Lab"
    cache.clear()  # the migration changed rows without the signals that renew cached pages
    assert client.get("/partners/").content.decode() == before
    migration.leave_library(apps, None)
    partner.refresh_from_db()
    assert partner.logo_picture is None and partner.logo.name == name
    assert not Picture.objects.exists() and (media_root / name).is_file()
