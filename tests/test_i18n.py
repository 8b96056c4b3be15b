"""English, French and Spanish: addresses, interface strings, content and its fallback."""

import xml.etree.ElementTree as ET
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.test import Client

from pages.models import Page
from partners.models import Benefit, Enquiry, Partner, PartnerType
from tests.helpers import learn_the_clock, tags

LANGUAGES = [code for code, _name in settings.LANGUAGES]
PREFIX = {"en": "", "fr": "/fr", "es": "/es"}
PUBLIC_PATHS = [
    "/",
    "/background/",
    "/partners/",
    "/resources/",
    "/updates/",
    "/contact/",
    "/contact/thanks/",
]
LOCALE = Path(settings.BASE_DIR) / "locale"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def alternates(html):
    return {
        link["hreflang"]: link["href"]
        for link in tags(html, "link")
        if link.get("rel") == "alternate" and "hreflang" in link
    }


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_every_public_page_answers_in_each_language_with_its_lang(client, language, path):
    response = client.get(PREFIX[language] + path)
    assert response.status_code == 200
    html = response.content.decode()
    assert [t["lang"] for t in tags(html, "html")] == [language]
    assert len(tags(html, "h1")) == 1
    versions = alternates(html)
    assert set(versions) == {"en", "fr", "es", "x-default"}
    for code in LANGUAGES:
        assert versions[code] == f"http://testserver{PREFIX[code]}{path}"
    assert versions["x-default"] == versions["en"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_switcher_links_to_the_same_page_in_the_other_languages(client, language):
    html = client.get(f"{PREFIX[language]}/background/").content.decode()
    nav = html[
        html.index('class="languages"') : html.index("</nav>", html.index('class="languages"'))
    ]
    links = tags(nav, "a")
    assert {(a["lang"], a["hreflang"]) for a in links} == {
        (code, code) for code in LANGUAGES if code != language
    }
    for link in links:
        assert link["href"] == f"http://testserver{PREFIX[link['lang']]}/background/"
        assert client.get(link["href"]).status_code == 200
    names = {"en": "English", "fr": "Français", "es": "Español"}
    for code, name in names.items():
        assert f'lang="{code}"' in nav and name in nav


@pytest.mark.django_db
def test_links_keep_the_language_while_browsing(client):
    html = client.get("/fr/").content.decode()
    start = html.index('class="site-nav"')
    menu = html[start : html.index("</nav>", start)]
    hrefs = [a["href"] for a in tags(menu, "a")]
    assert hrefs and all(href.startswith("/fr/") for href in hrefs), hrefs


@pytest.mark.django_db
def test_interface_and_content_are_translated(client):
    french = client.get("/fr/background/").content.decode()
    assert "Aller au contenu principal" in french or "Passer au contenu" in french
    assert "L’écart entre les genres dans la migration" in french
    assert "1,5 point de pourcentage" in french
    spanish = client.get("/es/partners/").content.decode()
    assert "Socios de GenMig" in spanish
    assert "Diálogos y debates multipartitos" in spanish
    assert "Inmigración, Refugiados y Ciudadanía de Canadá (IRCC)" in spanish
    home = client.get("/fr/").content.decode()
    assert "Pacte mondial pour des migrations sûres, ordonnées et régulières" in home
    assert "Organisation internationale pour les migrations (OIM)" in home


@pytest.mark.django_db
def test_chart_numbers_follow_the_language(client):
    french = client.get("/fr/background/").content.decode()
    assert ">49,2</text>" in french and "49,24\u00a0%" in french
    english = client.get("/background/").content.decode()
    assert ">49.2</text>" in english and "49.24%" in english
    # Coordinates stay machine-readable in every language.
    for html in (french, english):
        for circle in tags(html, "circle"):
            assert "," not in circle["cx"] and "," not in circle["cy"]


@pytest.mark.django_db
def test_untranslated_text_falls_back_to_english_marked_lang_en(client):
    Partner.objects.create(
        name="Gender Lab",
        slug="gender-lab",
        type=PartnerType.RESEARCH,
        description="Studies care work.",
        published=True,
    )
    html = client.get("/fr/partners/").content.decode()
    assert '<p class="partner__description"' in html or "Studies care work." in html
    described = [p for p in tags(html, "p") if p.get("lang") == "en"]
    assert described, "the English description is not marked lang=en"
    # A translated text carries no such mark.
    benefits = html[html.index('class="benefits"') :]
    assert 'lang="en"' not in benefits[: benefits.index("</ul>")]


@pytest.mark.django_db
def test_editor_adds_a_spanish_description_in_admin_and_it_shows_at_es(staff_client, client):
    partner = Partner.objects.create(
        name="Gender Lab", slug="gender-lab", type=PartnerType.RESEARCH, published=True
    )
    response = staff_client.get(f"/admin/partners/partner/{partner.pk}/change/")
    html = response.content.decode()
    for field in ["description_en", "description_fr", "description_es"]:
        assert f'name="{field}"' in html
    response = staff_client.post(
        f"/admin/partners/partner/{partner.pk}/change/",
        {
            "name_en": "Gender Lab",
            "slug": "gender-lab",
            "role": "partner",
            "type": "research",
            "description_en": "Studies care work.",
            "description_es": "Estudia el trabajo de cuidados.",
            "published": "on",
            "position": 100,
            "joined": "2026-01-15",
        },
    )
    assert response.status_code == 302
    assert "Estudia el trabajo de cuidados." in client.get("/es/partners/").content.decode()
    assert "Studies care work." in client.get("/partners/").content.decode()
    assert "Studies care work." in client.get("/fr/partners/").content.decode()


@pytest.mark.django_db
def test_slugs_are_the_same_in_every_language(client):
    page = Page.objects.get(slug="background")
    for language in LANGUAGES:
        assert client.get(f"{PREFIX[language]}/{page.slug}/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", ["/", "/background/", "/partners/", "/updates/"])
def test_query_budget_holds_in_every_language(
    client, language, path, django_assert_max_num_queries
):
    Benefit.objects.bulk_create(Benefit(text=f"Benefit {i}", position=i) for i in range(50))
    learn_the_clock()
    with django_assert_max_num_queries(4):
        assert client.get(PREFIX[language] + path).status_code == 200


@pytest.mark.django_db
def test_page_cache_keeps_one_copy_per_language_and_an_edit_clears_all(settings):
    settings.PAGE_CACHE_SECONDS = 600
    cache.clear()
    visitor = Client()
    first = {code: visitor.get(f"{PREFIX[code]}/background/").content for code in LANGUAGES}
    assert len(set(first.values())) == 3
    again = {code: visitor.get(f"{PREFIX[code]}/background/").content for code in LANGUAGES}
    assert again == first
    page = Page.objects.get(slug="background")
    page.title_fr = "Le fossé entre les genres"
    page.title_es = "La brecha de género"
    page.title_en = "The gap"
    page.save()
    for code, title in [("en", "The gap"), ("fr", "Le fossé entre les genres"),
                        ("es", "La brecha de género")]:  # fmt: skip
        assert title in visitor.get(f"{PREFIX[code]}/background/").content.decode()


@pytest.mark.django_db
def test_sitemap_lists_every_language_with_alternates(client):
    root = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314
    locations = [url.findtext(f"{SITEMAP}loc") for url in root.iter(f"{SITEMAP}url")]
    for path in ["/background/", "/fr/background/", "/es/background/", "/fr/updates/"]:
        assert f"http://testserver{path}" in locations
    first = next(root.iter(f"{SITEMAP}url"))
    hreflangs = {link.get("hreflang") for link in first.iter(f"{XHTML}link")}
    assert hreflangs == {"en", "fr", "es", "x-default"}


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_feed_exists_in_every_language(client, language):
    response = client.get(f"{PREFIX[language]}/updates/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")


@pytest.mark.django_db
def test_enquiry_in_french_is_notified_in_english_with_its_language(
    client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ENQUIRY_MIN_SECONDS = 0
    form = client.get("/fr/contact/?topic=partnership")
    assert form.status_code == 200
    html = form.content.decode()
    assert "Envoyer" in html or "envoyer" in html
    token = next(i["value"] for i in tags(html, "input") if i.get("name") == "csrfmiddlewaretoken")
    started = next(i["value"] for i in tags(html, "input") if i.get("name") == "started")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/fr/contact/",
            {
                "csrfmiddlewaretoken": token,
                "started": started,
                "topic": "partnership",
                "name": "Amina Diallo",
                "email": "amina@example.org",
                "organisation_type": "ngo",
                "organisation": "Femmes et Migrations",
                "message": "Nous souhaitons devenir partenaires.",
                "privacy": "on",
            },
        )
    assert response.status_code == 302
    assert response["Location"] == "/fr/contact/thanks/"
    enquiry = Enquiry.objects.get()
    assert enquiry.language == "fr"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[GenMig] Partnership enquiry from Femmes et Migrations"
    assert "Language of the form: French" in message.body
    assert "Type of organization: Non-governmental organization" in message.body


@pytest.mark.parametrize("language", ["fr", "es"])
def test_catalogues_are_complete_and_compiled(language):
    po = polib.pofile(LOCALE / language / "LC_MESSAGES" / "django.po")
    assert po.untranslated_entries() == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert po.percent_translated() == 100
    mo = polib.mofile(LOCALE / language / "LC_MESSAGES" / "django.mo")
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    written = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in po.translated_entries()}
    assert compiled == written, "the .mo file is out of date: compile the .po again"
