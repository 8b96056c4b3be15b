import io
import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from reversion.models import Version

from library.models import Picture
from partners.models import Benefit, Partner, PartnerType
from tests.helpers import learn_the_clock, sign_in_verified, tags

BENEFITS_IN_ORDER = [
    "Closed multi-stakeholder dialogues",
    "GenMig webinar series",
    "Support to specific public/private events",
    "Policy briefs, case studies",
    "Connections to IOM’s global field operations",
    "Access to GenMig partners",
]


def make_partner(**fields):
    fields.setdefault("name", "Example Institute")
    fields.setdefault("slug", fields["name"].lower().replace(" ", "-"))
    fields.setdefault("type", PartnerType.RESEARCH)
    fields.setdefault("published", True)
    return Partner.objects.create(**fields)


def image_upload(name="logo.png", size=(800, 400), image_format="PNG", mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size, (0, 51, 160)).save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


@pytest.mark.django_db
def test_partners_page_shows_intro_benefits_in_order_and_the_supporter(client):
    response = client.get("/partners/")
    assert response.status_code == 200
    html = response.content.decode()
    assert len(tags(html, "h1")) == 1
    assert "like-minded institutions and individuals" in html
    assert "enables you to join" in html
    positions = [html.index(text) for text in BENEFITS_IN_ORDER]
    assert positions == sorted(positions)
    supporters = html[html.index('id="supporters-heading"') :]
    assert "Immigration, Refugees and Citizenship Canada (IRCC)" in supporters
    assert 'href="/contact/?topic=partnership"' in html


@pytest.mark.django_db
def test_empty_directory_invites_the_first_partner(client):
    html = client.get("/partners/").content.decode()
    assert "could be the first partner" in html
    # The supporter is credited, not listed as a partner.
    directory = html[html.index('id="directory-heading"') : html.index('id="supporters-heading"')]
    assert "IRCC" not in directory


@pytest.mark.django_db
def test_published_partners_are_grouped_by_type_with_their_details(client):
    make_partner(
        name="Gender Lab",
        type=PartnerType.RESEARCH,
        country="KE",
        description="Studies care work.",
        website="https://lab.example.org",
    )
    make_partner(name="Migrant Aid", type=PartnerType.NGO)
    make_partner(name="Secret Draft", type=PartnerType.NGO, published=False)
    html = client.get("/partners/").content.decode()
    assert html.index("Research institution</h3>") < html.index("Gender Lab")
    assert html.index("Non-governmental organization</h3>") < html.index("Migrant Aid")
    assert "Kenya" in html and "Studies care work." in html
    links = [a for a in tags(html, "a") if a.get("href") == "https://lab.example.org"]
    assert links and all("noopener" in a["rel"] for a in links)
    assert "Secret Draft" not in html
    assert "could be the first partner" not in html


@pytest.mark.django_db
def test_type_filter_shows_one_type_and_unknown_types_show_everyone(client):
    make_partner(name="Gender Lab", type=PartnerType.RESEARCH)
    make_partner(name="Migrant Aid", type=PartnerType.NGO)
    html = client.get("/partners/?type=ngo").content.decode()
    assert "Migrant Aid" in html and "Gender Lab</p>" not in html
    assert '<a href="?type=ngo" aria-current="page">' in html
    for odd in ["nonsense", "", "<script>", "ngo'--"]:
        response = client.get("/partners/", {"type": odd})
        assert response.status_code == 200
        body = response.content.decode()
        assert "Migrant Aid" in body and "Gender Lab" in body


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 500])
def test_partners_page_query_count_does_not_grow_with_partners(
    client, count, django_assert_num_queries
):
    Partner.objects.bulk_create(
        Partner(
            name=f"Partner {i}",
            slug=f"partner-{i}",
            type=PartnerType.choices[i % 6][0],
            published=True,
        )
        for i in range(count)
    )
    learn_the_clock()
    with django_assert_num_queries(4):
        response = client.get("/partners/")
    assert response.content.decode().count('class="partner"') == count


@pytest.mark.django_db
def test_benefits_follow_their_position_and_published_flag(client):
    Benefit.objects.create(text="A brand new first benefit", position=1)
    Benefit.objects.create(text="A hidden benefit", position=2, published=False)
    html = client.get("/partners/").content.decode()
    assert html.index("A brand new first benefit") < html.index(BENEFITS_IN_ORDER[0])
    assert "A hidden benefit" not in html


# Admin: logos, actions, the editors' group.


def admin_form(**fields):
    data = {
        "name_en": "Gender Lab",
        "slug": "gender-lab",
        "role": "partner",
        "type": "research",
        "country": "KE",
        "website": "https://lab.example.org",
        "description_en": "Studies care work.",
        "published": "on",
        "position": 10,
        "joined": "2026-01-15",
    }
    data.update(fields)
    return data


@pytest.mark.django_db
def test_staff_adds_a_partner_with_a_png_logo_and_it_is_stored_small(
    staff_client, client, media_root
):
    # A large but compressible picture: the stored copy must be bounded in pixels and bytes.
    upload = image_upload(size=(4000, 3000))
    response = staff_client.post("/admin/partners/partner/add/", admin_form(logo=upload))
    assert response.status_code == 302, response.content.decode()[:2000]
    partner = Partner.objects.get(slug="gender-lab")
    assert partner.logo.name.endswith(".webp")
    stored = Path(partner.logo.path)
    assert stored.is_file() and stored.is_relative_to(media_root)
    with Image.open(stored) as image:
        assert image.format == "WEBP"
        assert image.width <= 480 and image.height <= 240
    assert stored.stat().st_size < 20_000
    html = client.get("/partners/").content.decode()
    logos = [img for img in tags(html, "img") if img.get("src") == partner.logo.url]
    assert logos and logos[0]["alt"] == "Gender Lab"
    assert logos[0]["width"] == str(partner.logo_width)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile(
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            content_type="image/svg+xml",
        ),
        SimpleUploadedFile("logo.png", b"not an image at all", content_type="image/png"),
        image_upload(name="logo.gif", image_format="GIF", mode="P"),
    ],
    ids=["svg", "fake-png", "gif"],
)
def test_logo_that_is_not_png_jpeg_or_webp_is_refused_with_a_message(
    staff_client, upload, media_root
):
    response = staff_client.post("/admin/partners/partner/add/", admin_form(logo=upload))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Upload the logo as a PNG, JPEG or WebP image. SVG and other formats" in html
    assert not Partner.objects.filter(slug="gender-lab").exists()
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


def jpeg_bytes(size=(800, 400), **save_options):
    # Noise, so that the JPEG is long enough for a cut to fall among its pixels.
    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", **save_options)
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_truncated_jpeg_logo_gets_the_message_not_a_server_error(staff_client, media_root):
    whole = jpeg_bytes()
    cut = SimpleUploadedFile("logo.jpg", whole[: len(whole) // 2], "image/jpeg")
    response = staff_client.post("/admin/partners/partner/add/", admin_form(logo=cut))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Upload the logo as a PNG, JPEG or WebP image. SVG and other formats" in html
    assert not Partner.objects.filter(slug="gender-lab").exists()
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


@pytest.mark.django_db
def test_a_photo_taken_sideways_is_stored_upright(staff_client, media_root):
    # A camera held upright stores a landscape picture and says "rotate 90°" in EXIF.
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    landscape = Image.new("RGB", (400, 200), (0, 51, 160))
    landscape.paste((255, 255, 255), (0, 0, 200, 200))  # the left half white
    buffer = io.BytesIO()
    landscape.save(buffer, format="JPEG", exif=exif)
    upload = SimpleUploadedFile("logo.jpg", buffer.getvalue(), "image/jpeg")
    response = staff_client.post("/admin/partners/partner/add/", admin_form(logo=upload))
    assert response.status_code == 302, response.content.decode()[:2000]
    partner = Partner.objects.get(slug="gender-lab")
    with Image.open(partner.logo.path) as stored:
        assert stored.height > stored.width  # upright: portrait, as displayed
        assert (partner.logo_width, partner.logo_height) == stored.size
        # Turned clockwise, the white left half is now on top.
        top = stored.convert("RGB").getpixel((stored.width // 2, stored.height // 4))
        bottom = stored.convert("RGB").getpixel((stored.width // 2, stored.height * 3 // 4))
        assert min(top) > 200 and bottom[2] > 120 and bottom[0] < 60


@pytest.mark.django_db
def test_logo_over_2_mb_is_refused_with_its_size(staff_client):
    # Noise does not compress: a real PNG of about 4 MB.
    noise = Image.frombytes("RGB", (1200, 1200), os.urandom(1200 * 1200 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG")
    assert buffer.tell() > 2 * 1024 * 1024
    big = SimpleUploadedFile("big.png", buffer.getvalue(), "image/png")
    response = staff_client.post("/admin/partners/partner/add/", admin_form(logo=big))
    assert response.status_code == 200
    assert "the largest accepted is 2 MB" in response.content.decode()
    assert not Partner.objects.filter(slug="gender-lab").exists()


@pytest.mark.django_db
def test_replacing_or_removing_a_logo_leaves_no_orphan_file(
    media_root, django_capture_on_commit_callbacks
):
    # Files are removed once the change is committed; the callbacks run those removals.
    partner = make_partner(name="Gender Lab", logo=image_upload())
    # No version in the history names the logo (as once pruned): nothing else keeps it.
    Version.objects.all().delete()
    first = Path(partner.logo.path)
    assert first.is_file()
    partner.logo = image_upload(size=(300, 300))
    with django_capture_on_commit_callbacks(execute=True):
        partner.save()
    second = Path(partner.logo.path)
    assert second.is_file() and second != first
    # The replaced logo stays in the library, unused, until it is deleted there.
    old_logo = Picture.objects.get(file=f"partners/logos/{first.name}")
    assert old_logo.kind == Picture.Kind.LOGO and not old_logo.partners.exists()
    with django_capture_on_commit_callbacks(execute=True):
        old_logo.delete()
    assert not first.exists()
    with django_capture_on_commit_callbacks(execute=True):
        partner.delete()
    assert second.is_file()  # the library's logo still names it
    with django_capture_on_commit_callbacks(execute=True):
        Picture.objects.get().delete()
    assert not second.exists()
    assert [p for p in media_root.rglob("*") if p.is_file()] == []


@pytest.mark.django_db
def test_logo_is_served_with_debug_off_and_a_long_cache(client, settings):
    assert not settings.DEBUG
    partner = make_partner(name="Gender Lab", logo=image_upload())
    response = client.get(partner.logo.url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert "immutable" in response["Cache-Control"]


@pytest.mark.django_db
def test_partner_admin_list_has_preview_filters_and_search(staff_client):
    make_partner(name="Gender Lab", country="KE", logo=image_upload())
    make_partner(name="Migrant Aid", type=PartnerType.NGO, country="PE")
    html = staff_client.get("/admin/partners/partner/", {"q": "Kenya"}).content.decode()
    assert "Gender Lab" in html and "Migrant Aid" not in html
    assert 'class="logo-preview"' in html
    html = staff_client.get("/admin/partners/partner/", {"type__exact": "ngo"}).content.decode()
    assert "Migrant Aid" in html and "Gender Lab" not in html


@pytest.mark.django_db
def test_publish_action_publishes_several_partners(staff_client):
    drafts = [make_partner(name=f"Draft {i}", published=False) for i in range(3)]
    staff_client.post(
        "/admin/partners/partner/",
        {"action": "publish", "_selected_action": [p.pk for p in drafts]},
    )
    assert Partner.objects.filter(name__startswith="Draft", published=True).count() == 3


@pytest.mark.django_db
def test_content_editors_edit_content_and_nothing_else(django_user_model):
    editor = django_user_model.objects.create_user(
        "writer", password="a-long-test-password", is_staff=True
    )
    editor.groups.add(Group.objects.get(name="Content editors"))
    browser = Client()
    sign_in_verified(browser, editor)
    for url in [
        "/admin/pages/page/",
        "/admin/partners/partner/",
        "/admin/partners/partner/add/",
        "/admin/partners/benefit/",
    ]:
        assert browser.get(url).status_code == 200, url
    for url in ["/admin/auth/user/", "/admin/auth/group/"]:
        assert browser.get(url).status_code == 403, url


SERVE_WITHOUT_A_WEBP_TYPE = """
import mimetypes, sys
# What Python 3.10 knows without a system mime.types file: nothing of WebP.
mimetypes.knownfiles = []
mimetypes._types_map_default.pop(".webp", None)
mimetypes.init()
assert mimetypes.guess_type("logo.webp")[0] is None
import django
django.setup()
from django.test import RequestFactory
from genmig.views import media
response = media(RequestFactory().get("/media/partners/logos/lab.webp"), "partners/logos/lab.webp")
print(response["Content-Type"])
"""


def test_webp_logos_are_served_as_image_webp_even_where_python_does_not_know_the_type(tmp_path):
    import subprocess
    import sys

    from tests.servers import ROOT

    logos = tmp_path / "partners" / "logos"
    logos.mkdir(parents=True)
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="WEBP")
    (logos / "lab.webp").write_bytes(buffer.getvalue())
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "genmig.settings",
        "DJANGO_DEBUG": "1",
        "MEDIA_ROOT": str(tmp_path),
    }
    result = subprocess.run(  # noqa: S603 (the test's own code)
        [sys.executable, "-c", SERVE_WITHOUT_A_WEBP_TYPE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "image/webp"
