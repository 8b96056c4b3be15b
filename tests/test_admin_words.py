"""The admin in words a person uses, in the editor's language: fields named "Title
(English)", one date format per language, the time zones IOM events use first, "Sign in",
a language switch that keeps the choice, erase buttons that say what they do, recovery
codes to keep."""

import datetime
import re
import zoneinfo
from urllib.parse import unquote

import pytest
from django.test import Client
from django.utils import timezone, translation

from pages.models import Page, Update
from tests.helpers import tags

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_afterwards():
    """A request for /fr/ or /es/ leaves its language active in the thread: later tests
    that build text outside a request would get it."""
    yield
    translation.activate("en")


def labels(html):
    return [
        re.sub(r"\s+", " ", label).strip()
        for label in re.findall(r"<label[^>]*>(.*?)</label>", html, re.S)
    ]


def test_translated_fields_are_named_with_their_language(content_editor_client):
    page = Page.objects.get(slug="background")
    english = content_editor_client.get(f"/admin/pages/page/{page.pk}/change/").content.decode()
    assert "Title (English):" in labels(english)
    assert "Title (French):" in labels(english) and "Summary (Spanish):" in labels(english)
    assert not [label for label in labels(english) if "[" in label]
    french = content_editor_client.get(f"/fr/admin/pages/page/{page.pk}/change/")
    assert "Titre (anglais) :" in labels(french.content.decode())
    spanish = content_editor_client.get(f"/es/admin/pages/page/{page.pk}/change/")
    assert "Título (francés):" in labels(spanish.content.decode())


def test_the_slug_is_called_the_web_address(content_editor_client):
    page = Page.objects.get(slug="background")
    html = content_editor_client.get(f"/admin/pages/page/{page.pk}/change/").content.decode()
    assert "Web address (slug) and history" in html
    assert ">Address<" not in html
    assert (
        "Web address (slug)"
        in content_editor_client.get("/admin/pages/update/add/").content.decode()
    )


def test_the_pages_list_shows_the_menu_label_and_web_address_beside_the_title(
    content_editor_client,
):
    Page.objects.filter(slug="background").update(nav_title="The gap")
    html = content_editor_client.get("/admin/pages/page/").content.decode()
    (row,) = [row for row in html.split("<tr") if "<small>/background/</small>" in row]
    assert "The gender gap in migration<small>/background/</small>" in row
    assert '<td class="field-menu_name">The gap</td>' in row
    # The position edited in the list is named with its page.
    (position,) = [i for i in tags(row, "input") if i.get("name", "").endswith("nav_position")]
    assert position["aria-label"] == "Menu position of “The gender gap in migration”"
    assert "aria-describedby" not in position


@pytest.mark.parametrize(
    "prefix, when, starts",
    [
        ("", "Scheduled for 20 January 2027, 14:05", "20 January 2027, 14:05 Europe/Zurich"),
        ("/fr", "20 janvier 2027, 14:05", "20 janvier 2027, 14:05 Europe/Zurich"),
        ("/es", "20 de enero de 2027, 14:05", "20 de enero de 2027, 14:05 Europe/Zurich"),
    ],
)
def test_one_date_format_per_language(content_editor_client, prefix, when, starts):
    geneva = zoneinfo.ZoneInfo("Europe/Zurich")
    Update.objects.create(
        kind="webinar",
        title="A webinar",
        slug="a-webinar",
        summary="On care work.",
        date=datetime.date(2027, 1, 20),
        start_time=datetime.time(14, 5),
        published=True,
        publish_at=datetime.datetime(2027, 1, 20, 14, 5, tzinfo=geneva),
    )
    html = content_editor_client.get(f"{prefix}/admin/pages/update/").content.decode()
    assert when in html
    assert starts in html
    assert "2027-01-20" not in re.sub(r'(href|datetime|value)="[^"]*"', "", html)


def test_the_time_zone_offers_the_zones_iom_events_use_first(content_editor_client):
    html = content_editor_client.get("/admin/pages/update/add/").content.decode()
    select = re.search(r'<select name="time_zone".*?</select>', html, re.S).group(0)
    groups = re.findall(r'<optgroup label="([^"]+)">', select)
    assert groups == ["Where IOM events usually take place", "Every other time zone"]
    values = [option["value"] for option in tags(select, "option")]
    assert values[:4] == ["Europe/Zurich", "America/New_York", "Europe/Brussels", "Europe/Vienna"]
    assert {"Africa/Nairobi", "Asia/Bangkok", "Africa/Cairo", "America/Panama"} <= set(values[:12])
    assert len(values) == len(set(values))  # each zone once, so one option is selected
    assert "Asia/Kathmandu" in values
    assert '<option value="Europe/Zurich" selected>Geneva (Europe/Zurich)</option>' in select
    french = content_editor_client.get("/fr/admin/pages/update/add/").content.decode()
    assert "Genève (Europe/Zurich)" in french and "Le Caire (Africa/Cairo)" in french


def test_sign_in_and_sign_out_are_the_words_throughout(content_editor_client):
    page = Client().get("/admin/login/").content.decode()
    assert 'value="Sign in"' in page and "Log in" not in page
    admin = content_editor_client.get("/admin/").content.decode()
    assert ">Sign out</button>" in admin and "Log out" not in admin
    french = Client().get("/fr/admin/login/").content.decode()
    assert 'value="Se connecter"' in french


def test_the_browser_language_leads_to_the_admin_in_it_on_a_first_visit():
    french_browser = Client(headers={"accept-language": "fr-CH,fr;q=0.9,en;q=0.5"})
    response = french_browser.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/fr/admin/login/?next=/admin/"
    assert "Accept-Language" in response["Vary"]
    # An English browser, a form sent and the public site stay where they are.
    assert Client().get("/admin/login/").status_code == 200
    assert french_browser.post("/admin/login/", {"username": "x"}).status_code == 200
    assert french_browser.get("/background/").status_code == 200
    assert french_browser.get("/fr/admin/login/").status_code == 200


def test_the_switch_keeps_the_choice_over_the_browser_language(content_editor_client):
    content_editor_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "es"
    assert content_editor_client.get("/admin/pages/page/")["Location"] == "/es/admin/pages/page/"
    switch = content_editor_client.get("/es/admin/pages/page/").content.decode()
    buttons = {b["value"]: b for b in tags(switch, "button") if b.get("name") == "language"}
    assert set(buttons) == {"en", "fr"}  # the current one is not a button
    assert "Español</span>" in switch
    # Each language under its own name, whatever the admin's language.
    assert ">English</button>" in switch and ">Français</button>" in switch
    chosen = content_editor_client.post(
        "/i18n/setlang/", {"language": "en", "next": "/es/admin/pages/page/?published__exact=1"}
    )
    assert chosen["Location"] == "/admin/pages/page/?published__exact=1"
    assert chosen.cookies["django_language"].value == "en"
    # English chosen: the browser's Spanish no longer moves the admin.
    assert content_editor_client.get("/admin/pages/page/").status_code == 200
    to_french = content_editor_client.post(
        "/i18n/setlang/", {"language": "fr", "next": "/admin/pages/page/"}
    )
    assert to_french["Location"] == "/fr/admin/pages/page/"
    assert content_editor_client.get("/admin/")["Location"] == "/fr/admin/"
    # The public site's addresses keep their language whatever was chosen.
    assert 'lang="en"' in content_editor_client.get("/background/").content.decode()


def test_the_erase_buttons_are_red_and_say_what_they_do(staff_client):
    from partners.models import Enquiry

    Enquiry.objects.create(
        topic="media",
        name="Ana",
        email="ana@example.org",
        organisation_type="individual",
        message="Hello",
        submitted_at=timezone.now(),
    )
    page = staff_client.get("/admin/personal-data/?email=ana@example.org").content.decode()
    (erase,) = [b for b in tags(page, "button") if "danger-button" in b.get("class", "")]
    assert "Erase everything held on ana@example.org…" in page
    confirm = staff_client.post(
        "/admin/personal-data/", {"email": "ana@example.org", "action": "confirm"}
    ).content.decode()
    assert '<button type="submit" class="button danger-button">Yes, erase it for good</button>' in (
        confirm
    )


def test_recovery_codes_can_be_downloaded_as_text_and_printed(django_user_model):
    from tests.test_staff_factors import password_sign_in, set_up_app

    django_user_model.objects.create_superuser("keeper", "keeper@iom.int", "a-long-test-password")
    client, _response = password_sign_in()
    _device, codes, done = set_up_app(client)
    html = done.content.decode()
    (download,) = [a for a in tags(html, "a") if a.get("download")]
    assert download["download"] == "genmig-recovery-codes.txt"
    assert download["href"].startswith("data:text/plain;charset=utf-8,")
    text = unquote(download["href"].split(",", 1)[1])
    assert text.startswith("GenMig website: recovery codes (keeper)\n")
    assert [line for line in text.splitlines() if line in codes] == codes
    (print_button,) = [b for b in tags(html, "button") if "data-print" in b]
    assert "hidden" in print_button  # shown by its script, which the page loads
    assert "js/staff-print" in html


def test_a_typed_date_is_read_day_first_in_every_language():
    from django import forms
    from django.utils import translation

    class DateForm(forms.Form):
        day = forms.DateField()

    for language in ("en", "fr", "es"):
        with translation.override(language):
            form = DateForm({"day": "08/12/2026"})
            assert form.is_valid(), (language, form.errors)
            assert form.cleaned_data["day"] == datetime.date(2026, 12, 8), language
