"""The history keeps every uploaded file it may bring back, and never lets two items share one."""

import datetime

import pytest
import reversion
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from reversion.models import Revision, Version

from library.models import Document
from pages.models import Resource, Update
from partners.models import Partner
from tests.test_updates import photo, rendition_files, upload

pytestmark = pytest.mark.django_db

FIRST = b"%PDF-1.4\n% the first edition\n"
SECOND = b"%PDF-1.4\n% the second edition\n"
THIRD = b"%PDF-1.4\n% the third edition\n"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the transaction to be saved (removing files), as production does."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def remove_unused_documents(committed):
    """What an editor does from the library's list of documents that nothing uses."""
    with committed():
        Document.objects.filter(resources=None).delete()


def pdf(content, name="report.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def resource_form(**fields):
    data = {
        "title_en": "Report",
        "type": "report",
        "publisher": "IOM",
        "year": 2024,
        "summary_en": "About it.",
        "published": "on",
        "position": 100,
    }
    data.update(fields)
    return data


def add_resource(content_editor_client, committed, **fields):
    with committed():
        response = content_editor_client.post("/admin/pages/resource/add/", resource_form(**fields))
    assert response.status_code == 302, response.content.decode()[:3000]
    return Resource.objects.latest("pk")


def change_resource(content_editor_client, committed, resource, **fields):
    with committed():
        response = content_editor_client.post(
            f"/admin/pages/resource/{resource.pk}/change/", resource_form(**fields)
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    resource.refresh_from_db()


def delete(content_editor_client, committed, obj):
    opts = obj._meta
    with committed():
        response = content_editor_client.post(
            f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/delete/", {"post": "yes"}
        )
    assert response.status_code == 302


def versions_of(obj):
    return sorted(Version.objects.get_for_object(obj), key=lambda version: version.pk)


def restore(content_editor_client, committed, obj, version):
    opts = obj._meta
    with committed():
        response = content_editor_client.post(
            f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/history/{version.pk}/",
            follow=True,
        )
    assert response.status_code == 200
    obj.refresh_from_db()
    return response.content.decode()


def served(path):
    response = Client().get(f"/media/{path}")
    return b"".join(response) if response.status_code == 200 else None


def test_restoring_never_takes_over_another_items_file(
    content_editor_client, committed, media_root
):
    report = add_resource(content_editor_client, committed, title_en="Report", file=pdf(FIRST))
    first_name = report.file.name
    change_resource(content_editor_client, committed, report, title_en="Report", file=pdf(SECOND))
    # The replaced edition stays: the first version names it.
    assert (media_root / first_name).read_bytes() == FIRST
    # Another item is given the same document, under a name of its own.
    other = add_resource(content_editor_client, committed, title_en="Other", file=pdf(FIRST))
    assert other.file.name != first_name
    restore(content_editor_client, committed, report, versions_of(report)[0])
    assert report.file.name == first_name
    assert report.file.name != other.file.name
    # Deleting the other item leaves the report its document.
    delete(content_editor_client, committed, other)
    assert served(report.file.name) == FIRST


def test_an_item_restored_onto_a_file_another_item_was_given_gets_its_own_copy(
    content_editor_client, committed, media_root
):
    report = add_resource(content_editor_client, committed, title_en="Report", file=pdf(FIRST))
    first_name = report.file.name
    change_resource(content_editor_client, committed, report, title_en="Report", file=pdf(SECOND))
    # The first edition was removed (before files named in the history were kept), and the
    # same document uploaded for another item was then given its name.
    (media_root / first_name).unlink(missing_ok=True)
    other = add_resource(content_editor_client, committed, title_en="Other", file=pdf(FIRST))
    assert other.file.name == first_name
    restore(content_editor_client, committed, report, versions_of(report)[0])
    assert report.file.name != other.file.name
    assert served(report.file.name) == FIRST
    delete(content_editor_client, committed, other)
    assert served(report.file.name) == FIRST
    # Once neither the library nor the history names the other item's file, it goes; the
    # report's stays.
    remove_unused_documents(committed)
    Revision.objects.update(date_created=timezone.now() - datetime.timedelta(days=800))
    call_command("prune_versions")
    assert not (media_root / other.file.name).exists()
    assert served(report.file.name) == FIRST


def test_a_deleted_resource_that_had_only_a_pdf_is_recovered_with_it(
    content_editor_client, committed, client
):
    report = add_resource(content_editor_client, committed, title_en="Only a PDF", file=pdf(FIRST))
    assert not report.url
    name = report.file.name
    delete(content_editor_client, committed, report)
    assert not Resource.objects.filter(pk=report.pk).exists()
    assert served(name) == FIRST  # kept: the version saved with the deletion names it
    (version,) = Version.objects.get_deleted(Resource)
    recover_list = content_editor_client.get("/admin/pages/resource/recover/").content.decode()
    assert f"/admin/pages/resource/recover/{version.pk}/" in recover_list
    with committed():
        response = content_editor_client.post(
            f"/admin/pages/resource/recover/{version.pk}/", follow=True
        )
    html = response.content.decode()
    assert "could not be restored" not in html and "is back as it was" in html
    recovered = Resource.objects.get(pk=report.pk)
    assert recovered.file.name == name
    assert f'href="/media/{name}"' in client.get("/resources/").content.decode()


def test_a_deleted_partner_is_recovered_with_its_logo(content_editor_client, committed, client):
    with reversion.create_revision():
        partner = Partner(name_en="Logo Lab", slug="logo-lab", type="research", published=True)
        partner.logo = upload(photo(size=(800, 400)), name="logo.jpg")
        partner.save()
    name, size = partner.logo.name, (partner.logo_width, partner.logo_height)
    delete(content_editor_client, committed, partner)
    (version,) = Version.objects.get_deleted(Partner)
    with committed():
        content_editor_client.post(f"/admin/partners/partner/recover/{version.pk}/")
    recovered = Partner.objects.get(pk=partner.pk)
    assert recovered.logo.name == name and (recovered.logo_width, recovered.logo_height) == size
    assert served(name)


def test_a_lead_image_is_restored_and_recovered_with_all_its_renditions(
    content_editor_client, committed, media_root
):
    with reversion.create_revision():
        update = Update(title_en="Pictured", slug="pictured", summary_en="s", published=True)
        update.image, update.image_alt_en = upload(photo(size=(1600, 1200))), "A room"
        update.save()
    first = update.image_renditions
    first_files = rendition_files(update, media_root)
    with committed(), reversion.create_revision():
        update.image = upload(photo(size=(1000, 800)))
        update.save()
    assert all(path.is_file() for path in first_files)  # the first version names them
    html = restore(content_editor_client, committed, update, versions_of(update)[0])
    assert "has been removed since" not in html
    assert update.image_renditions == first
    assert update.image.name == first["sources"]["image/jpeg"][-1][1]
    page = Client().get(update.get_absolute_url()).content.decode()
    assert first["share"] in page and first["sources"]["image/avif"][0][1] in page
    assert all(served(path.relative_to(media_root)) for path in first_files)
    # Deleted, then recovered: back with every rendition.
    delete(content_editor_client, committed, update)
    (version,) = Version.objects.get_deleted(Update)
    with committed():
        content_editor_client.post(f"/admin/pages/update/recover/{version.pk}/")
    assert Update.objects.get(pk=update.pk).image_renditions == first
    assert all(served(path.relative_to(media_root)) for path in first_files)


def age(version, days):
    Revision.objects.filter(pk=version.revision_id).update(
        date_created=timezone.now() - datetime.timedelta(days=days)
    )


def test_a_file_stays_until_the_last_version_naming_it_is_pruned(
    content_editor_client, committed, media_root
):
    report = add_resource(content_editor_client, committed, title_en="Report", file=pdf(FIRST))
    first_name = report.file.name
    change_resource(content_editor_client, committed, report, title_en="Report, corrected")
    change_resource(content_editor_client, committed, report, title_en="Report", file=pdf(SECOND))
    second_name = report.file.name
    change_resource(content_editor_client, committed, report, title_en="Report", file=pdf(THIRD))
    named_first_a, named_first_b, named_second, _named_third = versions_of(report)
    age(named_first_a, 800)
    call_command("prune_versions")
    assert (media_root / first_name).exists()  # another version still names it
    remove_unused_documents(committed)
    assert (media_root / first_name).exists()  # and that version still does
    age(named_first_b, 800)
    call_command("prune_versions")
    assert not (media_root / first_name).exists()
    assert (media_root / second_name).exists()
    delete(content_editor_client, committed, report)
    third_name = report.file.name
    assert (media_root / third_name).exists()
    remove_unused_documents(committed)
    assert (media_root / third_name).exists()  # the version saved with the deletion names it
    Revision.objects.update(date_created=timezone.now() - datetime.timedelta(days=800))
    call_command("prune_versions")
    assert not (media_root / second_name).exists() and not (media_root / third_name).exists()
    assert [p for p in media_root.rglob("*") if p.is_file()] == []


def test_pruning_keeps_a_file_that_an_item_still_names(
    content_editor_client, committed, media_root
):
    report = add_resource(content_editor_client, committed, title_en="Report", file=pdf(FIRST))
    change_resource(content_editor_client, committed, report, title_en="Report, corrected")
    older, latest = versions_of(report)
    Revision.objects.update(date_created=timezone.now() - datetime.timedelta(days=800))
    call_command("prune_versions")
    # The older version, which named the file, is gone; the latest of an item always stays.
    assert versions_of(report) == [latest]
    assert served(report.file.name) == FIRST
