"""Resources, updates, site settings, and what search engines and sharing see."""

import datetime
import hashlib
import json
import logging
import xml.etree.ElementTree as ET
import zoneinfo
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from reversion.models import Version

from library.models import Document
from pages.models import Resource, SiteSettings, Update
from tests.helpers import learn_the_clock, sign_in_verified, tags

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_resource(**fields):
    fields.setdefault("title", "Gender and migration data brief")
    fields.setdefault("year", 2024)
    fields.setdefault("url", "https://publications.iom.int/example")
    fields.setdefault("summary", "What the data say.")
    fields.setdefault("published", True)
    return Resource.objects.create(**fields)


def make_update(**fields):
    fields.setdefault("title", "GenMig at the Global Forum")
    fields.setdefault("slug", fields["title"].lower().replace(" ", "-"))
    fields.setdefault("summary", "What happened.")
    fields.setdefault("published", True)
    return Update.objects.create(**fields)


def in_days(days, hour=14):
    return (timezone.now() + datetime.timedelta(days=days)).date(), datetime.time(hour, 0)


# Resources


@pytest.mark.django_db
def test_empty_resource_list_says_resources_are_coming(client):
    response = client.get("/resources/")
    assert response.status_code == 200
    assert "Resources are coming" in response.content.decode()


@pytest.mark.django_db
def test_resources_are_listed_newest_first_and_filtered_by_type(client):
    make_resource(title="Older report", year=2019)
    make_resource(title="Newer toolkit", year=2025, type=Resource.Type.TOOLKIT)
    make_resource(title="Draft brief", year=2026, published=False)
    html = client.get("/resources/").content.decode()
    assert html.index("Newer toolkit") < html.index("Older report")
    assert "Draft brief" not in html
    html = client.get("/resources/?type=toolkit").content.decode()
    assert "Newer toolkit" in html and "Older report" not in html
    html = client.get("/resources/?type=<b>").content.decode()
    assert "Newer toolkit" in html and "Older report" in html


@pytest.mark.django_db
def test_background_shows_the_latest_three_resources_and_a_link_to_all(client):
    for year in range(2020, 2025):
        make_resource(title=f"Report {year}", year=year)
    html = client.get("/background/").content.decode()
    assert "Report 2024" in html and "Report 2022" in html and "Report 2021" not in html
    assert 'href="/resources/"' in html


@pytest.mark.django_db
def test_resource_needs_a_link_or_a_pdf_and_only_a_real_pdf_is_accepted(staff_client):
    form = {"title_en": "Brief", "type": "report", "publisher": "IOM", "year": 2024,
            "summary_en": "Short.", "position": 100, "published": "on"}  # fmt: skip
    response = staff_client.post("/admin/pages/resource/add/", form)
    assert "Give a link or upload a PDF file" in response.content.decode()
    fake = SimpleUploadedFile("brief.pdf", b"<html>not a pdf</html>", "application/pdf")
    response = staff_client.post("/admin/pages/resource/add/", {**form, "file": fake})
    assert "Upload a PDF document" in response.content.decode()
    real = SimpleUploadedFile("brief.pdf", PDF, "application/pdf")
    response = staff_client.post("/admin/pages/resource/add/", {**form, "file": real})
    assert response.status_code == 302
    resource = Resource.objects.get(title="Brief")
    assert resource.link.startswith("/media/resources/") and resource.link.endswith(".pdf")


@pytest.mark.django_db
def test_two_uploads_of_report_pdf_with_different_content_get_different_names(staff_client):
    form = {"title_en": "Report", "type": "report", "publisher": "IOM", "year": 2024,
            "summary_en": "Short.", "position": 100, "published": "on"}  # fmt: skip
    first = SimpleUploadedFile("report.pdf", PDF, "application/pdf")
    response = staff_client.post("/admin/pages/resource/add/", {**form, "file": first})
    assert response.status_code == 302
    resource = Resource.objects.get(title="Report")
    first_name = resource.file.name
    second = SimpleUploadedFile("report.pdf", PDF + b"% corrected\n", "application/pdf")
    response = staff_client.post(
        f"/admin/pages/resource/{resource.pk}/change/", {**form, "file": second}
    )
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.file.name != first_name
    # Each name says which content it holds: the same content, the same hash.
    for name, content in ((first_name, PDF), (resource.file.name, PDF + b"% corrected\n")):
        digest = hashlib.sha256(content).hexdigest()[:12]
        assert name == f"resources/report-{digest}.pdf"


@pytest.mark.django_db
def test_replacing_or_deleting_a_resource_leaves_no_orphan_pdf(
    media_root, django_capture_on_commit_callbacks
):
    # Files are removed once the change is committed; the callbacks run those removals.
    resource = make_resource(url="", file=SimpleUploadedFile("a.pdf", PDF, "application/pdf"))
    # No version in the history names the file (as once pruned): the library alone keeps it.
    Version.objects.all().delete()
    first = Path(resource.file.path)
    assert first.is_file()
    resource.file = SimpleUploadedFile("b.pdf", PDF, "application/pdf")
    with django_capture_on_commit_callbacks(execute=True):
        resource.save()
    second = Path(resource.file.path)
    # The first file stays in the library until it is removed from there, unused.
    assert second.is_file() and first.exists()
    with django_capture_on_commit_callbacks(execute=True):
        Document.objects.filter(resources=None).delete()
    assert not first.exists()
    with django_capture_on_commit_callbacks(execute=True):
        Resource.objects.filter(pk=resource.pk).delete()
        Document.objects.filter(resources=None).delete()
    assert not second.exists()
    assert [p for p in media_root.rglob("*") if p.is_file()] == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_storage_error_removing_the_old_file_is_logged_not_a_server_error(
    django_user_model, caplog
):
    resource = make_resource(url="", file=SimpleUploadedFile("a.pdf", PDF, "application/pdf"))
    Version.objects.all().delete()  # no version in the history names the file
    old = Path(resource.file.path)
    # The storage cannot remove the old file: its name is now a folder with something in it.
    old.unlink()
    (old / "kept").mkdir(parents=True)
    editor = django_user_model.objects.create_superuser("remover", "r@iom.int", "a-long-password")
    staff = Client(raise_request_exception=False)
    sign_in_verified(staff, editor)
    form = {"title_en": "Brief", "type": "report", "publisher": "IOM", "year": 2024,
            "summary_en": "Short.", "position": 100, "published": "on"}  # fmt: skip
    replacement = SimpleUploadedFile("b.pdf", PDF + b"%new\n", "application/pdf")
    with caplog.at_level(logging.ERROR, logger="pages.files"):
        response = staff.post(
            f"/admin/pages/resource/{resource.pk}/change/", {**form, "file": replacement}
        )
    # The change is saved and the editor told so; the orphan is in the log.
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.file.name.startswith("resources/b-")
    assert Path(resource.file.path).is_file()
    # The old file goes when its document, unused now, is removed from the library.
    (unused,) = Document.objects.filter(resources=None)
    with caplog.at_level(logging.ERROR, logger="pages.files"):
        response = staff.post(f"/admin/library/document/{unused.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Document.objects.filter(pk=unused.pk).exists()
    assert f"Could not remove the upload {old.relative_to(old.parents[1])}" in caplog.text


# Updates


@pytest.mark.django_db
def test_updates_list_upcoming_events_first_then_newest(client):
    make_update(title="Old news", date=datetime.date(2025, 1, 10))
    make_update(title="Recent news", date=timezone.localdate())
    date, time = in_days(30)
    make_update(title="Later webinar", kind="webinar", date=date, start_time=time)
    date, time = in_days(3)
    make_update(title="Next event", kind="event", date=date, start_time=time)
    date, time = in_days(-60)
    make_update(title="Past webinar", kind="webinar", date=date, start_time=time)
    make_update(title="Hidden news", published=False)
    html = client.get("/updates/").content.decode()
    order = ["Next event", "Later webinar", "Recent news", "Past webinar", "Old news"]
    positions = [html.index(title) for title in order]
    assert positions == sorted(positions)
    assert "Hidden news" not in html


@pytest.mark.django_db
def test_updates_are_paginated(client):
    for day in range(1, 13):
        make_update(title=f"News {day:02d}", date=datetime.date(2026, 1, day))
    first = client.get("/updates/").content.decode()
    assert "News 12" in first and "News 02" not in first and "Page 1 of 2" in first
    second = client.get("/updates/?page=2").content.decode()
    assert "News 02" in second and "News 12" not in second
    assert client.get("/updates/?page=99").status_code == 404


@pytest.mark.django_db
def test_update_page_shows_time_in_its_zone_and_registration(client):
    date, time = in_days(10, hour=15)
    update = make_update(
        title="Care work webinar",
        kind="webinar",
        date=date,
        start_time=time,
        time_zone="America/Bogota",
        registration_url="https://events.example.org/register",
        body="## Speakers\n\nTo be announced. <script>alert(1)</script>",
    )
    html = client.get(update.get_absolute_url()).content.decode()
    assert len(tags(html, "h1")) == 1
    start = datetime.datetime.combine(date, time, tzinfo=zoneinfo.ZoneInfo("America/Bogota"))
    assert update.starts_at == start
    assert f'datetime="{start.isoformat()}"' in html
    assert "15:00" in html and "America/Bogota" in html
    assert 'href="https://events.example.org/register"' in html
    assert "<h2>Speakers</h2>" in html and "<script>alert" not in html


@pytest.mark.django_db
def test_webinar_without_start_time_is_refused_in_admin(staff_client):
    response = staff_client.post(
        "/admin/pages/update/add/",
        {
            "kind": "webinar",
            "title": "W",
            "slug": "w",
            "date": "2026-12-01",
            "summary": "S",
            "time_zone": "Europe/Zurich",
        },  # fmt: skip
    )
    assert response.status_code == 200
    assert "Events and webinars need a start time." in response.content.decode()
    assert not Update.objects.exists()


@pytest.mark.django_db
def test_unpublished_update_is_404_for_visitors_and_a_preview_for_staff(client, staff_client):
    update = make_update(title="Draft news", published=False)
    assert client.get(update.get_absolute_url()).status_code == 404
    assert "Preview" in staff_client.get(update.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_atom_feed_lists_published_updates(client):
    make_update(title="Feed news", summary="In the feed.")
    make_update(title="Hidden news", published=False)
    response = client.get("/updates/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]
    assert titles == ["Feed news"]
    assert feed.find(f"{ATOM}entry/{ATOM}link").get("href").endswith("/updates/feed-news/")


# Site settings


@pytest.mark.django_db
def test_site_settings_are_one_record_edited_in_admin(staff_client, client):
    response = staff_client.get("/admin/pages/sitesettings/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/pages/sitesettings/1/change/"
    assert staff_client.get("/admin/pages/sitesettings/add/").status_code == 403
    assert "Subscribe to the newsletter" not in client.get("/").content.decode()
    response = staff_client.post(
        "/admin/pages/sitesettings/1/change/",
        {"contact_email": "genmig@iom.int", "newsletter_url": "https://news.example.org/join",
         "video_url": "https://video.example.org/gap", "video_caption_en": "The gap in 3 minutes",
         "linkedin_url": "https://linkedin.example.org/genmig", "x_url": "", "youtube_url": ""},
    )  # fmt: skip
    assert response.status_code == 302
    assert SiteSettings.objects.count() == 1
    home = client.get("/").content.decode()
    assert 'href="https://news.example.org/join"' in home
    assert 'href="mailto:genmig@iom.int"' in home
    assert 'href="https://linkedin.example.org/genmig"' in home
    background = client.get("/background/").content.decode()
    assert 'class="video-card__link" href="https://video.example.org/gap"' in background
    assert '<span class="video-card__title">The gap in 3 minutes</span>' in background


# Search engines and sharing


@pytest.mark.django_db
def test_sitemap_lists_published_pages_updates_and_lists_with_dates(client, make_page):
    make_page(title="Draft", slug="draft", published=False)
    make_update(title="Public news")
    make_update(title="Secret news", published=False)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    urls = {
        url.findtext(f"{SITEMAP}loc").removeprefix("http://testserver"): url.findtext(
            f"{SITEMAP}lastmod"
        )
        for url in ET.fromstring(response.content).iter(f"{SITEMAP}url")
    }
    for expected in ["/", "/background/", "/partners/", "/updates/public-news/", "/updates/"]:
        assert expected in urls
        assert urls[expected], f"{expected} has no lastmod"
    assert "/resources/" in urls
    assert "/draft/" not in urls and "/updates/secret-news/" not in urls


def test_robots_txt_points_to_the_sitemap_and_keeps_the_admin_out_in_every_language(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    body = response.content.decode()
    disallowed = [line for line in body.splitlines() if line.startswith("Disallow:")]
    assert disallowed == ["Disallow: /admin/", "Disallow: /fr/admin/", "Disallow: /es/admin/"]
    assert "Sitemap: http://testserver/sitemap.xml" in body


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/background/", "/partners/", "/resources/", "/updates/"])
def test_every_page_has_canonical_and_sharing_tags(client, url):
    html = client.get(url).content.decode()
    canonical = [link for link in tags(html, "link") if link.get("rel") == "canonical"]
    assert [link["href"] for link in canonical] == [f"http://testserver{url}"]
    meta = {m.get("property") or m.get("name"): m.get("content") for m in tags(html, "meta")}
    for key in ["og:title", "og:description", "og:image", "og:url", "twitter:card",
                "twitter:title", "description"]:  # fmt: skip
        assert meta.get(key), f"{key} missing on {url}"
    assert meta["og:image"].startswith("http://testserver/static/img/share")


@pytest.mark.django_db
def test_home_page_has_organization_json_ld(client):
    html = client.get("/").content.decode()
    start = html.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    data = json.loads(html[start : html.index("</script>", start)])
    assert data["@type"] == "Organization" and data["alternateName"] == "GenMig"
    assert data["parentOrganization"]["name"] == "International Organization for Migration (IOM)"


@pytest.mark.django_db
def test_update_page_shares_its_own_title_and_summary(client):
    update = make_update(title="A webinar recap", summary="Four speakers on care work.")
    html = client.get(update.get_absolute_url()).content.decode()
    meta = {m.get("property") or m.get("name"): m.get("content") for m in tags(html, "meta")}
    assert meta["og:title"] == "A webinar recap"
    assert meta["og:description"] == meta["description"] == "Four speakers on care work."
    assert meta["og:type"] == "article"


@pytest.mark.django_db
def test_unpublished_items_appear_nowhere(client, make_page):
    make_page(title="Secret page", slug="secret-page", published=False)
    make_update(title="Secret update", published=False)
    make_resource(title="Secret resource", published=False)
    for url in ["/", "/background/", "/resources/", "/updates/", "/updates/feed/",
                "/sitemap.xml", "/partners/"]:  # fmt: skip
        body = client.get(url).content.decode()
        assert "Secret" not in body and "secret-" not in body, url


# The query budget: constant in the amount of content, at most four.


def add_content(start, stop):
    for i in range(start, stop):
        make_resource(title=f"Resource {i}", year=2000 + i % 25)
        date, time = in_days(i - 30)
        make_update(title=f"Item {i}", slug=f"item-{i}", kind="webinar", date=date, start_time=time)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/background/",
        "/resources/",
        "/updates/",
        "/updates/item-1/",
        "/updates/feed/",
        "/updates/calendar.ics",
        "/updates/item-1.ics",
        "/sitemap.xml",
    ],
)
def test_query_count_is_constant_and_within_budget(client, url, django_assert_max_num_queries):
    counts = []
    for start, stop in [(0, 3), (3, 60)]:
        add_content(start, stop)
        learn_the_clock()
        with django_assert_max_num_queries(4) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], f"{url}: {counts[0]} queries with 3 items, {counts[1]} with 60"
