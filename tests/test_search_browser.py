"""The search page in a real browser: a misspelling offers the word that finds something, a
French search labels what it finds in English, excerpts keep headings and list items apart;
axe-core and the Nu Html Checker find nothing on these pages, at phone and desktop widths."""

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.utils import translation

from pages.models import Page, Update
from tests.browser import in_ci, missing_tools
from tests.nu_checker import nu_errors
from tests.test_browser import AXE_TAGS, axe_report

if missing_tools() and not in_ci():
    pytest.skip(missing_tools(), allow_module_level=True)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_migrated_content"),
]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots" / "search"
BODY = (
    "## Findings\n\nMigrant women send remittances home.\n\n"
    "### Next steps\n\n- Survey of households\n- Training of staff\n"
)
PAGES = [
    ("misspelling", "/search/?q=remitances"),
    ("fr-misspelling", "/fr/search/?q=tranferts"),
    ("fr-in-english", "/fr/search/?q=households"),
    ("excerpt", "/search/?q=households"),
    ("no-results", "/search/?q=zzyzx"),
    ("fr-no-results", "/fr/search/?q=zzyzx"),
]


@pytest.fixture(autouse=True)
def content():
    with translation.override("en"):
        Page.objects.create(
            pk=9101,
            title="Household study",
            slug="household-study",
            summary="A study",
            body=BODY,
            published=True,
        )
        Update.objects.create(
            pk=9101,
            title="Money sent home",
            title_fr="L’argent envoyé",
            slug="money-home",
            summary="Remittances.",
            summary_fr="Des transferts de fonds vers les familles.",
            published=True,
        )


def test_a_misspelling_offers_the_word_that_finds_something(live_server, open_tab):
    tab = open_tab()
    tab.goto(f"{live_server.url}/search/?q=remitances")
    offer = tab.locator(".search-suggestion")
    assert offer.inner_text() == "Did you mean remittances?"
    assert "same words in English" not in tab.locator(".search-empty").inner_text()
    offer.get_by_role("link", name="remittances").click()
    tab.wait_for_url("**/search/?q=remittances")
    titles = tab.locator(".search-result__title").all_inner_texts()
    assert sorted(titles) == ["Household study", "Money sent home"]

    tab.goto(f"{live_server.url}/fr/search/?q=tranferts")
    assert tab.locator(".search-suggestion").inner_text() == "Vouliez-vous dire transferts ?"


def test_a_french_search_labels_what_it_finds_in_english(live_server, open_tab):
    tab = open_tab()
    tab.goto(f"{live_server.url}/fr/search/?q=households")
    result = tab.locator(".search-result")
    assert result.count() == 1
    label = result.locator(".tag--language")
    assert label.is_visible() and label.text_content() == "En anglais"
    assert result.locator(".search-result__title").get_attribute("lang") == "en"
    assert result.locator(".search-result__excerpt").get_attribute("lang") == "en"
    tab.goto(f"{live_server.url}/fr/search/?q=transferts")
    assert tab.locator(".search-result .tag--language").count() == 0


def test_excerpts_keep_headings_and_list_items_apart(live_server, open_tab):
    tab = open_tab()
    tab.goto(f"{live_server.url}/search/?q=households")
    excerpt = tab.locator(".search-result__excerpt").inner_text()
    assert "home. Next steps · Survey of households · Training of staff" in excerpt


def test_axe_and_screenshots(live_server, open_tab):
    SHOTS.mkdir(parents=True, exist_ok=True)
    reports = []
    for width in (360, 1280):
        tab = open_tab(width=width)
        for name, path in PAGES:
            tab.goto(live_server.url + path)
            tab.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)
            scroll = tab.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{path} scrolls sideways at {width} px"
            results = Axe().run(
                tab,
                options={
                    "runOnly": {"type": "tag", "values": AXE_TAGS},
                    "resultTypes": ["violations"],
                },
            )
            assert results.response["passes"], f"axe checked nothing on {path}"
            if results.response["violations"]:
                violations = axe_report(results.response["violations"])
                reports.append(f"{path} at {width} px:\n{violations}")
    assert not reports, "\n".join(reports)


def test_nu_html_checker_finds_no_error(live_server, open_tab, browser_tools, tmp_path):
    tab = open_tab()
    for name, path in PAGES:
        html = tab.goto(live_server.url + path).text()
        (tmp_path / f"{name}.html").write_text(html, encoding="utf-8")
    errors = nu_errors(browser_tools["java"], tmp_path, {})
    assert not errors, "Nu Html Checker:\n" + errors
