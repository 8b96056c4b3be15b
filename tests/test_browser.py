"""The public site in a real browser: accessibility, valid HTML, layout and the keyboard.

Every page in PUBLIC_PAGES gets the axe-core check, the Nu Html Checker, screenshots at phone
and desktop widths and the horizontal-scrolling check. A new page needs one line there.
"""

import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.utils import timezone, translation
from PIL import Image

from pages.images import WIDTHS, make_renditions
from pages.models import Update
from partners.logos import process_logo
from partners.models import Partner
from tests.browser import in_ci, missing_tools
from tests.nu_checker import nu_errors

# Outside CI, one line says what to install; under CI the browser_tools fixture fails each test.
if missing_tools() and not in_ci():
    pytest.skip(missing_tools(), allow_module_level=True)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_migrated_content"),
]


@dataclass(frozen=True)
class PublicPage:
    name: str
    path: str
    status: int = 200
    # Brings the loaded page into the state to check (fills in and submits a form, say) and
    # returns the response whose HTML is then checked.
    then: Callable | None = None


def send_the_form_empty(tab):
    with tab.expect_navigation() as navigation:
        tab.locator(".enquiry-form [type=submit]").click()
    assert tab.get_by_role("alert").count() == 1, "no summary of errors"
    return navigation.value


EVENT_SLUG = "care-work-in-migration-webinar"

ENGLISH_PAGES = [
    PublicPage("home", "/"),
    PublicPage("update", f"/updates/{EVENT_SLUG}/"),
    PublicPage("background", "/background/"),
    PublicPage("partners", "/partners/"),
    PublicPage("resources", "/resources/"),
    PublicPage("updates", "/updates/"),
    PublicPage("contact", "/contact/"),
    PublicPage("contact-errors", "/contact/", then=send_the_form_empty),
    PublicPage("contact-thanks", "/contact/thanks/"),
    PublicPage("privacy", "/privacy/"),
    PublicPage("not-found", "/no-such-page/", status=404),
    PublicPage("search", "/search/"),
    PublicPage("search-results", "/search/?q=genmig"),
    PublicPage("search-no-results", "/search/?q=zzyzx+qwxv"),
    PublicPage("search-error", "/search/?q=-+%22+or"),
]
# The same pages in French and Spanish, under /fr/ and /es/.
PUBLIC_PAGES = ENGLISH_PAGES + [
    replace(page, name=f"{language}-{page.name}", path=f"/{language}{page.path}")
    for language in ("fr", "es")
    for page in ENGLISH_PAGES
]


@pytest.fixture(scope="session")
def pictures(tmp_path_factory):
    """Lead image renditions and a logo, made once for the run: each test only refers to them."""
    from tests.test_updates import photo

    folder = tmp_path_factory.mktemp("media")
    storage = FileSystemStorage(location=folder)
    files, info = make_renditions(io.BytesIO(photo(size=(1600, 1067))), "panel")
    for file in files:
        storage.save(f"updates/renditions/{file.name}", file)
    for entries in info["sources"].values():
        for entry in entries:
            entry[1] = f"updates/renditions/{entry[1]}"
    info["share"] = f"updates/renditions/{info['share']}"
    logo = io.BytesIO()
    Image.new("RGB", (600, 200), (0, 51, 160)).save(logo, format="PNG")
    logo_name = storage.save(
        "partners/logos/lab.webp", process_logo(ContentFile(logo.getvalue()), "lab")
    )
    return folder, info, logo_name


@pytest.fixture(autouse=True)
def updates_with_pictures(pictures, settings, media_root):
    """The home page's sections filled: the next webinar, pictured updates and a partner's logo."""
    folder, info, logo_name = pictures
    settings.MEDIA_ROOT = folder
    today = timezone.localdate()
    picture = {
        "image": info["sources"]["image/jpeg"][-1][1],
        "image_renditions": info,
        "image_alt": "Four speakers on a panel in front of an audience",
    }
    # Keys of their own: on PostgreSQL the content reloaded for each test leaves the sequences
    # behind the keys it restored, and the next key handed out may be taken.
    with translation.override("en"):
        Update.objects.create(
            pk=9001,
            kind="webinar",
            title="Care work in migration: a webinar",
            slug=EVENT_SLUG,
            summary="Researchers and policy makers on the care work that migrant women do.",
            body="## Speakers\n\nFour researchers from three continents.",
            date=today + datetime.timedelta(days=12),
            start_time=datetime.time(14),
            end_time=datetime.time(15, 30),
            place="Palais des Nations, Geneva",
            online_url="https://events.example.org/care-work",
            registration_url="https://events.example.org/care-work/register",
            published=True,
            **picture,
        )
        for pk, days, title in [
            (9002, 2, "A new data brief"),
            (9003, 9, "Partners meet in Nairobi"),
        ]:
            Update.objects.create(
                pk=pk,
                title=title,
                slug=title.lower().replace(" ", "-"),
                summary="What happened and what comes next.",
                date=today - datetime.timedelta(days=days),
                published=True,
                **picture,
            )
        Update.objects.create(
            pk=9004,
            title="Call for papers",
            slug="call-for-papers",
            summary="Send a paper on gender and migration by March.",
            date=today - datetime.timedelta(days=20),
            published=True,
        )
        Partner.objects.create(
            pk=9001,
            name="Gender and Migration Lab",
            slug="gender-migration-lab",
            type="research",
            logo=logo_name,
            logo_width=480,
            logo_height=160,
            published=True,
        )


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SCREENSHOT_WIDTHS = [360, 1280]
# WCAG 2.1 reflow: content must fit 320 CSS pixels without scrolling sideways.
NO_SCROLL_WIDTHS = [320, *SCREENSHOT_WIDTHS]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"

# The keyboard journey follows the main menu in this order, starting on the home page.
# Each entry: the link's text, the address it leads to, the heading of the page there.
MENU_JOURNEY = [
    ("Background", "/background/", "The gender gap in migration"),
    ("Partners", "/partners/", "GenMig partners"),
    ("Contact", "/contact/", "Send an enquiry"),
    ("Home", "/", "Gender and Migration Research Policy Action Lab"),
]


def page_ids(pages):
    return [p.name for p in pages]


def load(tab, live_server, public_page):
    """Open the page, bring it into the state to check, and return the response with its HTML.

    Every stylesheet, image and other file the page asks for must arrive.
    """
    missing = []

    def on_response(response):
        if response.status >= 400 and response.request.resource_type != "document":
            missing.append(f"{response.status} {response.url}")

    def on_failure(request):
        # Aborted: cut short by the next navigation (the favicon often is), not missing.
        if request.failure != "net::ERR_ABORTED":
            missing.append(f"{request.failure} {request.url}")

    tab.on("response", on_response)
    tab.on("requestfailed", on_failure)
    try:
        response = tab.goto(live_server.url + public_page.path)
        if public_page.then is not None:
            response = public_page.then(tab)
    finally:
        tab.remove_listener("response", on_response)
        tab.remove_listener("requestfailed", on_failure)
    assert response.status == public_page.status, f"{public_page.path}: {response.status}"
    assert not missing, f"{public_page.path} is missing files: {missing}"
    return response


def axe_report(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  - {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            lines.append(f"    {node['failureSummary']}".replace("\n", "\n    "))
    return "\n".join(lines)


@pytest.mark.parametrize("public_page", PUBLIC_PAGES, ids=page_ids(PUBLIC_PAGES))
def test_axe_finds_no_wcag_21_aa_violation(live_server, open_tab, public_page):
    reports = []
    # The narrow layout is checked too: it has its own colours, scrolling regions and order.
    for width in (320, 1280):
        tab = open_tab(width=width)
        load(tab, live_server, public_page)
        results = Axe().run(
            tab,
            options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
        )
        # A page that failed to load, or an axe that failed to start, passes no rule either.
        assert results.response["passes"], f"axe checked nothing on {public_page.path}"
        violations = results.response["violations"]
        if violations:
            reports.append(f"axe on {public_page.path} at {width} px:\n{axe_report(violations)}")
    assert not reports, "\n".join(reports)


def test_nu_html_checker_finds_no_error(live_server, open_tab, browser_tools, tmp_path):
    tab = open_tab()
    for public_page in PUBLIC_PAGES:
        html = load(tab, live_server, public_page).text()
        (tmp_path / f"{public_page.name}.html").write_text(html, encoding="utf-8")
    errors = nu_errors(browser_tools["java"], tmp_path, {})
    assert not errors, "Nu Html Checker:\n" + errors


@pytest.mark.parametrize("public_page", PUBLIC_PAGES, ids=page_ids(PUBLIC_PAGES))
def test_page_fits_narrow_and_wide_screens(live_server, open_tab, public_page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    too_wide = []
    for width in NO_SCROLL_WIDTHS:
        tab = open_tab(width=width)
        load(tab, live_server, public_page)
        scroll_width = tab.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            too_wide.append(f"{scroll_width} px wide at {width} px")
        if width in SCREENSHOT_WIDTHS:
            tab.screenshot(path=SCREENSHOTS / f"{public_page.name}-{width}.png", full_page=True)
    assert not too_wide, f"{public_page.path} scrolls sideways: {', '.join(too_wide)}"


@pytest.mark.parametrize("public_page", PUBLIC_PAGES, ids=page_ids(PUBLIC_PAGES))
def test_text_at_200_percent_does_not_scroll_sideways(live_server, open_tab, public_page):
    tab = open_tab(width=1280)
    load(tab, live_server, public_page)
    before = tab.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    # What a reader's browser does when told to make text twice as large.
    tab.evaluate("document.documentElement.style.setProperty('font-size', '200%', 'important')")
    after = tab.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert after == 2 * before
    scroll_width = tab.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 1280, f"{public_page.path} is {scroll_width} px wide"
    tab.screenshot(path=SCREENSHOTS / f"{public_page.name}-1280-text-200.png", full_page=True)


@pytest.mark.parametrize("public_page", PUBLIC_PAGES, ids=page_ids(PUBLIC_PAGES))
def test_nothing_moves_when_reduced_motion_is_asked_for(live_server, open_tab, public_page):
    tab = open_tab(reduced_motion="reduce")
    load(tab, live_server, public_page)
    moving = tab.evaluate(
        """() => [...document.querySelectorAll('*')].flatMap(el => {
            const s = getComputedStyle(el);
            const moves = s.animationName !== 'none'
                || s.transitionDuration.split(',').some(d => parseFloat(d) > 0)
                || s.scrollBehavior === 'smooth';
            return moves ? [el.tagName.toLowerCase() + ' ' + el.className] : [];
        })"""
    )
    assert moving == []


FOCUSED = """() => {
    const el = document.activeElement;
    const s = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {
        tag: el.tagName.toLowerCase(),
        id: el.id,
        text: el.innerText.trim(),
        href: el.getAttribute('href'),
        outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
        shadow: s.boxShadow !== 'none',
        onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
            && box.top < innerHeight && box.left < innerWidth,
    };
}"""


def tab_to(tab, text, limit=40):
    """Press Tab until the link with this text has the focus; each stop must show the focus."""
    for _ in range(limit):
        tab.keyboard.press("Tab")
        focused = tab.evaluate(FOCUSED)
        assert focused["tag"] != "body", f"Tab left the page before reaching {text!r}"
        assert focused["outline"] or focused["shadow"], f"no visible focus on {focused}"
        assert focused["onScreen"], f"focused element is off screen: {focused}"
        if focused["text"] == text:
            return focused
    raise AssertionError(f"{limit} presses of Tab did not reach {text!r}")


@pytest.mark.parametrize("width", [360, 1280])
def test_keyboard_journey_through_the_menu(live_server, open_tab, width):
    tab = open_tab(width=width)
    tab.goto(live_server.url + "/")

    skip = tab_to(tab, "Skip to main content", limit=1)
    assert skip["href"] == "#main"

    for link_text, path, heading in MENU_JOURNEY:
        if width < 960:
            # Narrow screens fold the menu behind its button, opened with the keyboard.
            tab_to(tab, "Menu")
            tab.keyboard.press("Enter")
        tab_to(tab, link_text)
        with tab.expect_navigation():
            tab.keyboard.press("Enter")
        assert tab.url == live_server.url + path
        assert tab.locator("h1").inner_text() == heading
        # The link to the page being shown says so.
        # (Folded behind its button on narrow screens, the menu still says it.)
        current = tab.get_by_role("navigation", name="Main", include_hidden=True).get_by_role(
            "link", name=link_text, include_hidden=True
        )
        assert current.get_attribute("aria-current") == "page"


def test_skip_link_moves_the_focus_to_the_main_content(live_server, open_tab):
    tab = open_tab(width=360)
    tab.goto(live_server.url + "/background/")
    tab_to(tab, "Skip to main content", limit=1)
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.id") == "main"
    # The next Tab goes to the first link inside the main content, not back to the menu.
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.closest('main') !== null")


@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_searching_from_the_header_with_the_keyboard(live_server, open_tab, width, javascript):
    tab = open_tab(width=width, java_script_enabled=javascript)
    tab.goto(live_server.url + "/fr/background/")
    for _ in range(40):
        tab.keyboard.press("Tab")
        focused = tab.evaluate(FOCUSED)
        assert focused["outline"] or focused["shadow"], f"no visible focus on {focused}"
        if focused["id"] == "site-search-q":
            break
    else:
        raise AssertionError("Tab never reached the search field")
    assert focused["onScreen"]
    tab.keyboard.type("GenMig")
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert tab.url == live_server.url + "/fr/search/?q=GenMig"
    status = tab.get_by_role("status")
    assert "résultat" in status.inner_text()
    assert tab.locator(".search-result mark").count() > 0
    # The first result is one Tab away from the form's button.
    tab.locator("#search-q").focus()
    tab.keyboard.press("Tab")
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.closest('.search-result') !== null")


def test_event_time_is_also_given_in_the_visitors_time_zone(live_server, open_tab):
    tab = open_tab(width=360, timezone_id="Asia/Tokyo")
    tab.goto(f"{live_server.url}/updates/{EVENT_SLUG}/")
    note = tab.locator("[data-local-time]").inner_text()
    # 14:00–15:30 in Geneva in December is 22:00–23:30 in Tokyo.
    assert "In your time zone:" in note and "22:00–23:30 (Asia/Tokyo)" in note
    # Without the script the note still gives the time in the event's zone and in UTC.
    tab = open_tab(width=360, java_script_enabled=False, timezone_id="Asia/Tokyo")
    tab.goto(f"{live_server.url}/updates/{EVENT_SLUG}/")
    note = tab.locator("[data-local-time]").inner_text()
    assert "Geneva time (CET)" in note and "13:00–14:30" in note
    assert "In your time zone" not in note


LAYOUT_SHIFTS = """() => new Promise(resolve => {
    let total = 0;
    new PerformanceObserver(list => {
        for (const entry of list.getEntries()) {
            if (!entry.hadRecentInput) total += entry.value;
        }
    }).observe({type: 'layout-shift', buffered: true});
    setTimeout(() => resolve(total), 500);
})"""

IMAGES = """() => [...document.querySelectorAll('main img')].map(img => {
    const box = img.getBoundingClientRect();
    return {
        alt: img.alt, lazy: img.loading === 'lazy', complete: img.complete,
        top: box.top + scrollY, width: box.width, height: box.height,
        source: img.currentSrc, natural: img.naturalWidth,
    };
})"""


@pytest.mark.parametrize("width", [360, 1280])
def test_home_images_keep_their_place_load_lazily_and_fit_the_screen(live_server, open_tab, width):
    tab = open_tab(width=width, height=800)
    tab.goto(live_server.url + "/")
    before = tab.evaluate(IMAGES)
    assert len(before) == 4, before  # the next webinar, two pictured updates, one logo
    for image in before:
        # Space is kept before the file arrives (width and height), so nothing moves later.
        assert image["width"] > 0 and image["height"] > 0, image
        if image["top"] > 800:
            assert image["lazy"], f"below the fold but not lazy: {image}"
    if width == 360:
        # The next webinar is under the long introduction on a phone: not loaded before it.
        assert any(not image["complete"] for image in before)
    tab.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    tab.wait_for_function("() => [...document.querySelectorAll('main img')].every(i => i.complete)")
    after = tab.evaluate(IMAGES)
    for image, first in zip(after, before, strict=True):
        # Less than a pixel: a smaller width's height is rounded to whole pixels.
        assert abs(image["height"] - first["height"]) < 1, f"{image['alt']} moved as it loaded"
        assert image["natural"] > 0, image
    pictures = [image for image in after if "/updates/renditions/" in image["source"]]
    assert len(pictures) == 3
    for image in pictures:
        # AVIF where the browser shows it, in the smallest width that covers the box: what
        # `sizes` says matches the layout.
        assert image["source"].endswith(".avif"), image
        chosen = int(re.search(r"-(\d+)w-", image["source"])[1])
        assert chosen == min(w for w in WIDTHS if w >= image["width"]), image
    assert tab.evaluate(LAYOUT_SHIFTS) < 0.01
