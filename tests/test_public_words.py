"""What visitors read in their own language: dates, the Spanish word for partners, partners'
countries and the time zone a staff preview names."""

import datetime
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from pages.dates import long_date, long_datetime, zone_city
from pages.models import Update
from partners.countries import country_code
from partners.models import Partner, PartnerType


def make_update(title, day, **fields):
    fields.setdefault("slug", title.lower().replace(" ", "-"))
    fields.setdefault("summary", "What happened.")
    fields.setdefault("published", True)
    return Update.objects.create(title_en=title, date=day, **fields)


@pytest.mark.parametrize(
    ("language", "day", "written"),
    [
        ("en", datetime.date(2027, 1, 20), "20 January 2027"),
        ("en", datetime.date(2026, 12, 1), "1 December 2026"),
        ("fr", datetime.date(2026, 12, 1), "1er décembre 2026"),
        ("fr", datetime.date(2027, 1, 20), "20 janvier 2027"),
        ("es", datetime.date(2026, 12, 1), "1 de diciembre de 2026"),
        ("es", datetime.date(2027, 1, 20), "20 de enero de 2027"),
    ],
)
def test_dates_are_written_in_each_languages_own_form(language, day, written):
    with translation.override(language):
        assert long_date(day) == written


def test_times_follow_the_date_and_the_current_time_zone():
    moment = datetime.datetime(2026, 12, 1, 13, 30, tzinfo=datetime.UTC)
    with translation.override("es"):
        from django.utils import timezone

        with timezone.override("Europe/Zurich"):
            assert long_datetime(moment) == "1 de diciembre de 2026, 14:30"
    with translation.override("fr"), timezone.override("Europe/Zurich"):
        assert long_datetime(moment) == "1er décembre 2026, 14:30"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "written"),
    [("", "20 January 2027"), ("/fr", "20 janvier 2027"), ("/es", "20 de enero de 2027")],
)
def test_update_list_page_and_search_results_write_the_date_alike(client, prefix, written):
    make_update(
        "Remittances report",
        datetime.date(2027, 1, 20),
        title_fr="Rapport sur les transferts de fonds",
        title_es="Informe sobre las remesas",
    )
    listing = client.get(f"{prefix}/updates/").content.decode()
    assert f'<time datetime="2027-01-20">{written}</time>' in listing
    page = client.get(f"{prefix}/updates/remittances-report/").content.decode()
    assert f'<time datetime="2027-01-20">{written}</time>' in page
    word = {"": "remittances", "/fr": "transferts", "/es": "remesas"}[prefix]
    results = client.get(f"{prefix}/search/", {"q": word}).content.decode()
    assert f'<time datetime="2027-01-20">{written}</time>' in results
    assert "Jan. 20, 2027" not in results


@pytest.mark.django_db
def test_the_first_of_the_month_is_an_ordinal_in_french(client):
    make_update("Launch", datetime.date(2026, 12, 1))
    html = client.get("/fr/updates/").content.decode()
    assert ">1er décembre 2026</time>" in html
    assert ">1 de diciembre de 2026</time>" in client.get("/es/updates/").content.decode()


@pytest.mark.parametrize(
    ("language", "city"), [("en", "Geneva"), ("fr", "Genève"), ("es", "Ginebra")]
)
def test_a_time_zone_is_named_by_its_city_in_the_visitors_language(language, city):
    with translation.override(language):
        assert zone_city("Europe/Zurich") == city
        # A zone without a name of ours: the city part of the zone's name.
        assert zone_city("America/Argentina/Buenos_Aires") == "Buenos Aires"


@pytest.mark.django_db
def test_the_staff_preview_names_geneva_in_french(staff_client):
    make_update(
        "Monday launch",
        datetime.date(2030, 1, 14),
        publish_at=datetime.datetime(2030, 1, 14, 8, tzinfo=datetime.UTC),
    )
    html = staff_client.get("/fr/updates/monday-launch/").content.decode()
    assert "14 janvier 2030, 09:00 (heure de Genève)" in html
    assert "Europe/Zurich" not in html


# One Spanish word for partners


def test_spanish_catalogue_says_socios_never_asociados():
    po = polib.pofile(Path(settings.BASE_DIR) / "locale/es/LC_MESSAGES/django.po")
    asociados = [e.msgid for e in po if not e.obsolete and "sociad" in e.msgstr.lower()]
    assert asociados == []
    assert po.find("Partners").msgstr == "Socios"
    assert po.find("Partners and enquiries").msgstr == "Socios y consultas"


@pytest.mark.django_db
def test_spanish_pages_and_admin_say_socios(client, staff_client):
    for path in ["/es/", "/es/partners/", "/es/background/"]:
        html = client.get(path).content.decode()
        assert "sociad" not in html.lower(), path
    partners = client.get("/es/partners/").content.decode()
    assert "Socios de GenMig" in partners
    assert ">Socios</a>" in partners  # the menu
    admin = staff_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "sociad" not in admin.lower()


# Partners' countries


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("Kenya", "KE"),
        ("kenia", "KE"),
        ("Pérou", "PE"),
        ("Peru", "PE"),
        ("Côte d’Ivoire", "CI"),
        ("USA", "US"),
        ("United Kingdom", "GB"),
        ("CAN", "CA"),
        ("ch", "CH"),
        ("Global", ""),
        ("  ", ""),
        ("Atlantis", None),
    ],
)
def test_typed_country_names_are_read_as_codes(typed, code):
    assert country_code(typed) == code


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("prefix", "name"), [("", "Germany"), ("/fr", "Allemagne"), ("/es", "Alemania")]
)
def test_partner_countries_are_named_in_the_visitors_language(client, prefix, name):
    Partner.objects.create(
        name_en="Gender Lab", slug="gender-lab", type=PartnerType.RESEARCH, country="DE",
        published=True,
    )  # fmt: skip
    html = client.get(f"{prefix}/partners/").content.decode()
    assert f'<p class="partner__country">{name}</p>' in html


@pytest.mark.django_db
def test_partners_are_found_by_their_country_in_the_visitors_language(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Partner.objects.create(
            name_en="Gender Lab", slug="gender-lab", type=PartnerType.RESEARCH, country="DE",
            published=True,
        )  # fmt: skip
    assert "Gender Lab" in client.get("/es/search/", {"q": "Alemania"}).content.decode()
    assert "Gender Lab" in client.get("/fr/search/", {"q": "Allemagne"}).content.decode()


@pytest.mark.django_db
def test_the_admin_offers_the_list_of_countries_and_finds_partners_by_country(staff_client):
    Partner.objects.create(
        name_en="Gender Lab", slug="gender-lab", type=PartnerType.RESEARCH, country="KE",
        published=True,
    )  # fmt: skip
    form = staff_client.get("/admin/partners/partner/add/").content.decode()
    assert '<option value="KE">Kenya</option>' in form
    found = staff_client.get("/admin/partners/partner/", {"q": "keny"}).content.decode()
    assert "Gender Lab" in found
