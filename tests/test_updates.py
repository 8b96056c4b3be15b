"""Events with an end and a place, calendar files, lead images and the home page's sections."""

import datetime
import gzip
import io
import zoneinfo
from pathlib import Path

import icalendar
import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation
from PIL import Image
from reversion.models import Version

from library.models import Picture
from pages.images import WIDTHS
from pages.models import Update
from partners.models import Partner
from tests.helpers import learn_the_clock, tags

GENEVA = zoneinfo.ZoneInfo("Europe/Zurich")


def make_update(**fields):
    fields.setdefault("title", "GenMig at the Global Forum")
    fields.setdefault("slug", fields["title"].lower().replace(" ", "-"))
    fields.setdefault("summary", "What happened.")
    fields.setdefault("published", True)
    # An earlier request may leave another language active; these are the English texts.
    with translation.override("en"):
        return Update.objects.create(**fields)


def make_event(title="Care work webinar", days=10, **fields):
    day = (timezone.now() + datetime.timedelta(days=days)).date()
    fields.setdefault("kind", "webinar")
    fields.setdefault("date", day)
    fields.setdefault("start_time", datetime.time(14, 0))
    fields.setdefault("end_time", datetime.time(15, 30))
    return make_update(title=title, **fields)


def photo(size=(1600, 1200), image_format="JPEG", **save_options):
    """A photograph-like picture: colour gradients, soft blotches and a fine grain."""
    width, height = size
    across = Image.linear_gradient("L").rotate(90).resize(size)
    down = Image.linear_gradient("L").resize(size)
    base = Image.merge("RGB", (across, down, across.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    blotches = Image.effect_noise((max(width // 64, 1), max(height // 64, 1)), 80)
    blotches = blotches.resize(size, Image.Resampling.BICUBIC).convert("RGB")
    grain = Image.effect_noise(size, 40).convert("RGB")
    image = Image.blend(Image.blend(base, blotches, 0.4), grain, 0.12)
    buffer = io.BytesIO()
    image.save(buffer, format=image_format, **save_options)
    return buffer.getvalue()


def upload(data=None, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, photo() if data is None else data, content_type=content_type)


def admin_form(**fields):
    data = {
        "kind": "event",
        "title_en": "Panel in Geneva",
        "slug": "panel-in-geneva",
        "date": "2026-12-02",
        "summary_en": "A panel on care work.",
        "start_time": "14:00",
        "end_time": "15:30",
        "time_zone": "Europe/Zurich",
        "place_en": "Palais des Nations, Geneva",
        "published": "on",
    }
    data.update(fields)
    return data


def stored_files(media_root):
    return sorted(p for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else []


# Events: an end, a place, the time zone


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "abbreviation", "utc"),
    [
        (datetime.date(2026, 12, 2), "CET", "13:00–14:30"),
        (datetime.date(2027, 6, 2), "CEST", "12:00–13:30"),
    ],
    ids=["winter", "summer"],
)
def test_event_page_shows_start_end_and_place_in_its_zone_with_a_utc_note(
    client, day, abbreviation, utc
):
    event = make_update(
        title="Panel in Geneva",
        kind="event",
        date=day,
        start_time=datetime.time(14, 0),
        end_time=datetime.time(15, 30),
        place="Palais des Nations, Geneva",
        online_url="https://events.example.org/live",
    )
    html = client.get(event.get_absolute_url()).content.decode()
    assert "14:00</time>–<time" in html and f">15:30</time> Geneva time ({abbreviation})" in html
    start = datetime.datetime.combine(day, datetime.time(14), tzinfo=GENEVA)
    assert f'datetime="{start.isoformat()}"' in html
    assert f"that is {utc} in Coordinated Universal Time (UTC)" in html
    assert "Palais des Nations, Geneva" in html
    assert 'href="https://events.example.org/live"' in html
    calendar_links = [a for a in tags(html, "a") if a.get("href") == event.get_calendar_url()]
    assert calendar_links and "download" in calendar_links[0]
    # The visitor's own time zone is added by a script of the site's own, not inline.
    scripts = tags(html, "script")
    assert all("src" in s for s in scripts)
    assert any(s["src"].startswith("/static/js/localtime") for s in scripts)


@pytest.mark.django_db
def test_event_in_another_zone_names_its_offset(client):
    event = make_event(time_zone="America/Bogota", place="")
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Bogotá time (UTC−05)" in html
    assert "that is 19:00–20:30 in Coordinated Universal Time" in html


@pytest.mark.django_db
def test_event_ending_before_it_starts_is_refused_with_a_message(staff_client):
    response = staff_client.post("/admin/pages/update/add/", admin_form(end_time="13:00"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The end is before the start" in html
    assert not Update.objects.exists()
    response = staff_client.post("/admin/pages/update/add/", admin_form(end_time=""))
    assert "Events and webinars need an end time." in response.content.decode()
    assert not Update.objects.exists()


@pytest.mark.django_db
def test_event_over_several_days_ends_on_its_end_date(staff_client, client):
    response = staff_client.post(
        "/admin/pages/update/add/", admin_form(end_date="2026-12-04", end_time="12:00")
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Update.objects.get()
    assert event.ends_at == datetime.datetime(2026, 12, 4, 12, tzinfo=GENEVA)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "2 December 2026, 14:00</time>–<time" in html and "4 December 2026, 12:00</time>" in html


# Calendar files


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "offset"),
    [(datetime.date(2026, 12, 2), 1), (datetime.date(2027, 7, 1), 2)],
    ids=["winter-CET", "summer-CEST"],
)
def test_event_ics_has_rfc5545_fields_and_times_in_the_zone(client, day, offset):
    event = make_update(
        title="Panel in Geneva",
        kind="event",
        date=day,
        start_time=datetime.time(14, 0),
        end_time=datetime.time(15, 30),
        place="Palais des Nations, Geneva",
        online_url="https://events.example.org/live",
        body="## Speakers\n\n**Four** speakers & a [report](https://example.org).",
    )
    response = client.get(event.get_calendar_url())
    assert response["Content-Disposition"] == 'attachment; filename="panel-in-geneva.ics"'
    calendar = parse(response)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == f"update-{event.pk}@testserver"
    start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
    assert vevent["DTSTART"].params["TZID"] == "Europe/Zurich"
    assert start == datetime.datetime.combine(day, datetime.time(14), tzinfo=GENEVA)
    assert start.utcoffset() == datetime.timedelta(hours=offset)
    assert end - start == datetime.timedelta(minutes=90)
    assert start.astimezone(datetime.timezone.utc).hour == 14 - offset
    # The time zone is described in the file itself, with the rule in force that day.
    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert str(vtimezone["TZID"]) == "Europe/Zurich"
    assert str(vevent["SUMMARY"]) == "Panel in Geneva"
    description = str(vevent["DESCRIPTION"])
    assert description.startswith("What happened.")
    assert "Four speakers & a report" in description and "<" not in description
    assert str(vevent["URL"]) == "http://testserver/updates/panel-in-geneva/"
    assert str(vevent["LOCATION"]) == "Palais des Nations, Geneva, https://events.example.org/live"
    assert vevent.decoded("LAST-MODIFIED") == event.updated.replace(microsecond=0)
    assert vevent.decoded("DTSTAMP")


@pytest.mark.django_db
def test_news_and_unpublished_events_have_no_calendar_file(client):
    news = make_update(title="Plain news")
    draft = make_event(title="Draft webinar", published=False)
    assert client.get(f"/updates/{news.slug}.ics").status_code == 404
    assert client.get(draft.get_calendar_url()).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("prefix", ["", "/fr", "/es"])
def test_subscribed_calendar_has_upcoming_events_and_the_last_90_days(client, prefix):
    soon = make_event(title="Next webinar", days=5, title_fr="Prochain webinaire")
    make_event(title="Recent event", days=-30, kind="event")
    make_event(title="Old event", days=-120)
    make_event(title="Draft webinar", days=8, published=False)
    make_update(title="Plain news")
    response = client.get(f"{prefix}/updates/calendar.ics")
    calendar = parse(response)
    summaries = [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")]
    first = "Prochain webinaire" if prefix == "/fr" else "Next webinar"
    assert summaries == ["Recent event", first]
    uids = {str(e["UID"]) for e in calendar.walk("VEVENT")}
    assert f"update-{soon.pk}@testserver" in uids  # the same event in every language
    for vevent in calendar.walk("VEVENT"):
        assert vevent.decoded("DTSTART").tzinfo is not None
        assert vevent["DTSTART"].params["TZID"] == "Europe/Zurich"
        assert vevent["URL"].startswith(f"http://testserver{prefix}/updates/")


@pytest.mark.django_db
def test_updates_page_links_the_calendar_to_subscribe_to(client):
    html = client.get("/fr/updates/").content.decode()
    assert 'href="/fr/updates/calendar.ics"' in html
    assert any(
        link.get("type") == "text/calendar" and link.get("href") == "/fr/updates/calendar.ics"
        for link in tags(html, "link")
    )


# Lead images


def rendition_files(update, media_root):
    info = update.image_renditions
    names = [name for entries in info["sources"].values() for _w, name, _s in entries]
    return [media_root / name for name in [*names, info["share"]]]


@pytest.mark.django_db
def test_lead_image_is_made_into_widths_and_formats_once_on_save(staff_client, client, media_root):
    data = photo(size=(2000, 1500))
    response = staff_client.post(
        "/admin/pages/update/add/",
        admin_form(image=upload(data), image_alt_en="Four speakers on a panel"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    event = Update.objects.get()
    info = event.image_renditions
    assert set(info["sources"]) == {"image/avif", "image/webp", "image/jpeg"}
    for mime, entries in info["sources"].items():
        assert [w for w, _n, _s in entries] == list(WIDTHS)
        for width, name, size in entries:
            path = media_root / name
            assert path.stat().st_size == size
            with Image.open(path) as image:
                assert image.format == {"image/avif": "AVIF", "image/webp": "WEBP"}.get(
                    mime, "JPEG"
                )
                assert image.size == (width, round(1500 * width / 2000))
                assert "exif" not in image.info
    # Smaller widths make smaller files; AVIF and WebP are smaller than the JPEG fallback.
    jpeg = {w: s for w, _n, s in info["sources"]["image/jpeg"]}
    for mime in ("image/avif", "image/webp"):
        for width, _name, size in info["sources"][mime]:
            assert size < jpeg[width]
    assert [s for _w, _n, s in info["sources"]["image/jpeg"]] == sorted(jpeg.values())
    with Image.open(media_root / info["share"]) as share:
        assert share.size == (1200, 630) and share.format == "JPEG"
    # Every file's name carries a hash of its content.
    for path in rendition_files(event, media_root):
        assert len(path.stem.rsplit("-", 1)[1]) == 12
    assert set(stored_files(media_root)) == set(rendition_files(event, media_root))

    html = client.get(event.get_absolute_url()).content.decode()
    sources = tags(html, "source")
    assert [s["type"] for s in sources] == ["image/avif", "image/webp"]
    assert all(s["srcset"].count("w,") == len(WIDTHS) - 1 and s["sizes"] for s in sources)
    (img,) = [i for i in tags(html, "img") if i.get("class") == "lead-image"]
    assert img["alt"] == "Four speakers on a panel"
    assert (img["width"], img["height"]) == (str(WIDTHS[-1]), str(round(1500 * WIDTHS[-1] / 2000)))
    assert img["src"].endswith(".jpg") and "1472w" in img["srcset"] and img["sizes"]
    assert "loading" not in img  # the first thing seen: not lazy
    meta = {m.get("property") or m.get("name"): m.get("content") for m in tags(html, "meta")}
    share_url = f"http://testserver/media/{info['share']}"
    assert meta["og:image"] == meta["twitter:image"] == share_url
    assert meta["og:image:alt"] == "Four speakers on a panel"
    assert client.get(info["sources"]["image/avif"][0][1].join(["/media/", ""])).status_code == 200


@pytest.mark.django_db
def test_update_without_image_shares_the_default_image(client):
    update = make_update(title="Plain news")
    html = client.get(update.get_absolute_url()).content.decode()
    meta = {m.get("property") or m.get("name"): m.get("content") for m in tags(html, "meta")}
    assert meta["og:image"] == meta["twitter:image"]
    assert meta["og:image"].startswith("http://testserver/static/img/share")
    assert not tags(html, "picture")


@pytest.mark.django_db
def test_visitors_requests_never_process_images(client, monkeypatch):
    event = make_event(title="Pictured webinar", image=upload(), image_alt="A panel")
    make_update(title="Pictured news", image=upload(), image_alt="A room")

    def refuse(*args, **kwargs):
        raise AssertionError("an image was opened while answering a visitor")

    monkeypatch.setattr(Image, "open", refuse)
    monkeypatch.setattr(Image.Image, "save", refuse)
    for url in ["/", "/updates/", event.get_absolute_url(), "/updates/calendar.ics"]:
        response = client.get(url)
        assert response.status_code == 200, url
        if url != "/updates/calendar.ics":
            assert tags(response.content.decode(), "picture"), url


def bomb_png():
    # 20000 x 20000 one-bit pixels compress to a few kilobytes but would take 1.2 GB as RGB.
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")
    return buffer.getvalue()


def huge_header_png():
    # A header claiming 100000 x 100000 pixels: Pillow itself refuses to open it.
    buffer = io.BytesIO()
    Image.new("1", (10, 10)).save(buffer, format="PNG")
    data = bytearray(buffer.getvalue())
    import struct
    import zlib

    data[16:24] = struct.pack(">II", 100_000, 100_000)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"<html>not an image</html>", "photo.jpg", "Upload the image as a JPEG, PNG or WebP file"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "photo.svg", "Upload the image as a JPEG"),
        (photo()[:40_000], "photo.jpg", "damaged or incomplete"),
        (photo(image_format="GIF"), "photo.gif", "Upload the image as a JPEG, PNG or WebP file"),
        (bomb_png(), "bomb.png", "too many pixels to process"),
        (huge_header_png(), "huge.png", "too many pixels to process"),
        (
            photo(size=(2400, 2000), image_format="PNG", compress_level=0),
            "big.png",
            "the largest accepted is 10 MB",
        ),
    ],
    ids=["html", "svg", "truncated", "gif", "bomb", "huge-header", "over-10-mb"],
)
def test_bad_lead_image_is_refused_with_a_message(staff_client, media_root, data, name, message):
    response = staff_client.post(
        "/admin/pages/update/add/",
        admin_form(image=upload(data, name=name), image_alt_en="A picture"),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Update.objects.exists()
    assert stored_files(media_root) == []


@pytest.mark.django_db
def test_lead_image_needs_a_description_unless_decorative(staff_client):
    response = staff_client.post("/admin/pages/update/add/", admin_form(image=upload()))
    assert response.status_code == 200
    assert "Describe the image for people who cannot see it" in response.content.decode()
    assert not Update.objects.exists()
    response = staff_client.post(
        "/admin/pages/update/add/", admin_form(image=upload(), image_decorative="on")
    )
    assert response.status_code == 302
    html = Client().get(Update.objects.get().get_absolute_url()).content.decode()
    (img,) = [i for i in tags(html, "img") if i.get("class") == "lead-image"]
    assert img["alt"] == ""


@pytest.mark.django_db
def test_replacing_or_removing_a_lead_image_removes_its_renditions(
    media_root, django_capture_on_commit_callbacks
):
    update = make_update(title="Pictured news", image=upload(), image_alt="A room")
    # No version in the history names the files (as once pruned): the library alone keeps them.
    Version.objects.all().delete()
    first = rendition_files(update, media_root)
    assert all(p.is_file() for p in first)
    update.image = upload(photo(size=(1000, 800)))
    with django_capture_on_commit_callbacks(execute=True):
        update.save()
    second = rendition_files(update, media_root)
    # The first picture stays in the library until it is removed from there, unused.
    assert all(p.exists() for p in first)
    with django_capture_on_commit_callbacks(execute=True):
        Picture.objects.filter(updates=None).delete()
    assert not any(p.exists() for p in first)
    assert set(stored_files(media_root)) == set(second)
    # A smaller picture is not enlarged: its own width is the largest.
    assert [w for w, _n, _s in update.image_renditions["sources"]["image/webp"]] == [480, 960, 1000]
    update.image = None
    with django_capture_on_commit_callbacks(execute=True):
        update.save()
    assert update.image_renditions == {} and update.picture is None
    with django_capture_on_commit_callbacks(execute=True):
        Picture.objects.filter(updates=None).delete()
    assert stored_files(media_root) == []
    update.image = upload()
    with django_capture_on_commit_callbacks(execute=True):
        update.save()
    assert stored_files(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        update.delete()
        Picture.objects.filter(updates=None).delete()
    assert stored_files(media_root) == []


# The home page


def partner_with_logo(name, **fields):
    buffer = io.BytesIO()
    Image.new("RGB", (400, 200), (0, 51, 160)).save(buffer, format="PNG")
    logo = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    fields.setdefault("published", True)
    slug = name.lower().replace(" ", "-")
    with translation.override("en"):
        return Partner.objects.create(name=name, slug=slug, type="research", logo=logo, **fields)


@pytest.mark.django_db
def test_home_sections_are_hidden_when_empty(client):
    Partner.objects.update(logo="")
    html = client.get("/").content.decode()
    for heading in ("Coming up", "Latest updates", "Partners and supporters"):
        assert heading not in html
    assert not tags(html, "picture")


@pytest.mark.django_db
def test_home_shows_next_event_latest_three_with_images_and_partner_logos(client):
    make_event(title="Later webinar", days=30)
    soon = make_event(title="Next webinar", days=5)
    make_event(title="Draft webinar", days=2, published=False)
    make_event(title="Past webinar", days=-3, image=upload(), image_alt="Past panel")
    for day in range(1, 5):
        make_update(title=f"News {day}", date=datetime.date(2026, 1, day))
    partner_with_logo("Gender Lab")
    partner_with_logo("Hidden Lab", published=False)
    html = client.get("/").content.decode()
    coming = html[html.index('id="next-event-heading"') : html.index('id="latest-heading"')]
    assert "Next webinar" in coming and "Later webinar" not in coming
    assert f'href="{soon.get_calendar_url()}"' in coming
    latest = html[html.index('id="latest-heading"') : html.index('id="logos-heading"')]
    order = ["Past webinar", "News 4", "News 3"]
    assert [latest.index(t) for t in order] == sorted(latest.index(t) for t in order)
    assert "News 2" not in latest and "Draft webinar" not in html and "Next webinar" not in latest
    (img,) = list(tags(latest, "img"))
    assert img["loading"] == "lazy" and img["alt"] == "Past panel"
    assert img["width"] and img["height"] and img["sizes"]
    logos = html[html.index('id="logos-heading"') :]
    logo_imgs = tags(logos, "img")
    assert [i["alt"] for i in logo_imgs] == ["Gender Lab"]
    assert logo_imgs[0]["loading"] == "lazy" and logo_imgs[0]["width"] == "400"
    assert 'href="/partners/#gender-lab"' in logos and 'href="/partners/"' in logos


@pytest.mark.django_db
def test_home_costs_four_queries_whatever_the_content(client, django_assert_max_num_queries):
    pictured = make_update(title="Pictured news", image=upload(), image_alt="A room")
    counts = []
    for start, stop in [(0, 2), (2, 40)]:
        for i in range(start, stop):
            make_event(title=f"Webinar {i}", days=3 - i % 5)
            make_update(title=f"News {i}", date=datetime.date(2025, 1, 1 + i % 28))
            partner_with_logo(f"Lab {i}")
        # The same renditions on every row: the budget is about queries, not encoding.
        Update.objects.update(
            image=pictured.image.name,
            image_renditions=pictured.image_renditions,
            image_alt="A room",
        )
        learn_the_clock()
        with django_assert_max_num_queries(4) as captured:
            html = client.get("/").content.decode()
        counts.append(len(captured.captured_queries))
        assert "Coming up" in html and tags(html, "picture")
    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_home_page_html_and_css_stay_under_60_kb_compressed(client):
    for i in range(4):
        make_update(title=f"News {i}", image=upload(), image_alt="A picture of a meeting room")
    make_event(title="Next webinar", days=3, image=upload(), image_alt="A speaker")
    for i in range(12):
        partner_with_logo(f"Research Institute Number {i}")
    html = client.get("/").content
    css = Path(finders.find("css/site.css")).read_bytes()
    total = len(gzip.compress(html, 9)) + len(gzip.compress(css, 9))
    assert total < 60 * 1024, total


@pytest.mark.django_db
def test_admin_lists_updates_with_a_small_preview_and_asks_for_images_only(staff_client):
    update = make_update(title="Pictured news", image=upload(), image_alt="A room")
    html = staff_client.get("/admin/pages/update/").content.decode()
    smallest = update.image_renditions["sources"]["image/jpeg"][0][1]
    previews = [i for i in tags(html, "img") if i.get("class") == "logo-preview"]
    assert [i["src"] for i in previews] == [f"/media/{smallest}"]
    form = staff_client.get("/admin/pages/update/add/").content.decode()
    (field,) = [i for i in tags(form, "input") if i.get("name") == "image"]
    assert field["accept"] == "image/jpeg,image/png,image/webp"


@pytest.mark.django_db
def test_lead_image_of_an_update_with_the_longest_address_is_stored(media_root):
    update = make_update(title="Long", slug="a" * 80, image=upload(), image_alt="A room")
    update.refresh_from_db()
    names = [n for entries in update.image_renditions["sources"].values() for _w, n, _s in entries]
    assert all(len(name) <= 100 for name in [*names, update.image.name])
    assert all((media_root / name).is_file() for name in names)
