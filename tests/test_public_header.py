"""The public header, the Background page's video and the resource filters, in a real browser:
where the language switcher stands, the folded menu on narrow screens, the section marked as
current, and the checks every changed page gets (axe-core, the Nu Html Checker)."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone, translation

from pages.models import Resource, SiteSettings, Update
from tests.browser import in_ci, missing_tools
from tests.nu_checker import nu_errors
from tests.test_browser import AXE_TAGS, axe_report

if missing_tools() and not in_ci():
    pytest.skip(missing_tools(), allow_module_level=True)

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("restore_migrated_content"),
]

UPDATE_SLUG = "partners-meet-in-nairobi"
VIDEO = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
CAPTION = "Why the gender gap in migration matters (3 minutes)"
PAGES = [
    "/",
    "/background/",
    "/partners/",
    "/resources/",
    "/updates/",
    f"/updates/{UPDATE_SLUG}/",
    "/contact/",
    "/privacy/",
    "/search/?q=genmig",
    "/no-such-page/",
]
MAIN = {"": "Main", "/fr": "Menu principal", "/es": "Principal"}
ALL_PAGES = PAGES + [f"/{language}{path}" for language in ("fr", "es") for path in PAGES]


@pytest.fixture(autouse=True)
def content():
    with translation.override("en"):
        Update.objects.create(
            title="Partners meet in Nairobi",
            slug=UPDATE_SLUG,
            summary="What happened and what comes next.",
            date=timezone.localdate() - datetime.timedelta(days=3),
            published=True,
        )
        settings = SiteSettings.load()
        settings.video_url = VIDEO
        settings.video_caption = CAPTION
        settings.save()


def switcher_box(tab):
    box = tab.locator("nav.languages").bounding_box()
    return tuple(round(box[key], 1) for key in ("x", "y", "width", "height"))


@pytest.mark.parametrize("width", [320, 360, 390, 800, 1280])
def test_the_language_switcher_stands_in_the_same_place_on_every_page(live_server, open_tab, width):
    tab = open_tab(width=width)
    boxes = {}
    for path in ALL_PAGES:
        tab.goto(live_server.url + path)
        boxes[path] = switcher_box(tab)
    first = boxes["/"]
    moved = {path: box for path, box in boxes.items() if box != first}
    assert not moved, f"at {width} px the switcher is at {first} on / but elsewhere on {moved}"
    # Top right, within the screen.
    assert first[1] < 20 and first[0] + first[2] <= width - 15


@pytest.mark.parametrize("path", ["/", "/fr/background/", "/es/partners/"])
def test_the_header_is_compact_on_a_phone(live_server, open_tab, path):
    tab = open_tab(width=360, height=740)
    tab.goto(live_server.url + path)
    header = tab.locator("header").bounding_box()
    assert header["height"] <= 110, f"the header takes {header['height']} px of 740"
    # The menu's links wait behind the button; the page's heading is on the first screen.
    assert not tab.get_by_role("navigation", name="Main").is_visible()
    assert tab.locator("h1").bounding_box()["y"] < 200


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_menu_opens_with_the_keyboard(live_server, open_tab, javascript):
    tab = open_tab(width=360, java_script_enabled=javascript)
    tab.goto(live_server.url + "/fr/")
    menu_open = "document.querySelector('details.site-menu').open"
    for _ in range(6):
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    assert tab.evaluate("document.activeElement.innerText.trim()") == "Menu"
    assert not tab.evaluate(menu_open)
    tab.keyboard.press("Enter")
    # A <summary>: screen readers hear it as a button that is now expanded.
    assert tab.evaluate(menu_open)
    menu = tab.get_by_role("navigation", name="Menu principal")
    assert menu.is_visible()
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.innerText.trim()") == "Accueil"
    tab.keyboard.press("Tab")
    assert tab.evaluate("document.activeElement.innerText.trim()") == "Contexte"
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert tab.url == live_server.url + "/fr/background/"
    # Space closes it again, as on any button.
    tab.locator("summary").focus()
    tab.keyboard.press(" ")
    assert tab.evaluate(menu_open)
    tab.keyboard.press(" ")
    assert not tab.evaluate(menu_open)
    assert not tab.get_by_role("navigation", name="Menu principal").is_visible()


def test_wide_screens_show_the_menu_without_a_button(live_server, open_tab):
    tab = open_tab(width=1280)
    tab.goto(live_server.url + "/")
    assert not tab.locator("summary").is_visible()
    menu = tab.get_by_role("navigation", name="Main")
    assert menu.get_by_role("link", name="Updates").is_visible()
    # One row: every link of the menu at the same height.
    tops = {round(box["y"]) for box in (a.bounding_box() for a in menu.locator("a").all())}
    assert len(tops) == 1


@pytest.mark.parametrize(
    ("prefix", "name"), [("", "Updates"), ("/fr", "Actualités"), ("/es", "Novedades")]
)
def test_an_updates_own_page_marks_updates_as_the_current_section(
    live_server, open_tab, prefix, name
):
    tab = open_tab(width=1280)
    tab.goto(f"{live_server.url}{prefix}/updates/{UPDATE_SLUG}/")
    menu = tab.get_by_role("navigation", name=MAIN[prefix])
    assert menu.get_by_role("link", name=name).get_attribute("aria-current") == "true"
    current = menu.locator("[aria-current]")
    assert current.count() == 1
    tab.goto(f"{live_server.url}{prefix}/updates/")
    assert menu.get_by_role("link", name=name).get_attribute("aria-current") == "page"


# The Background page's video


def requests_elsewhere(tab, live_server, path):
    """Load the page; the addresses it asked for outside the site."""
    asked = []
    tab.on("request", lambda request: asked.append(request.url))
    response = tab.goto(live_server.url + path)
    tab.wait_for_load_state("load")
    return response, [url for url in asked if not url.startswith(live_server.url)]


@pytest.mark.parametrize(("prefix", "note"), [("", "Video, opens"), ("/es", "Video; se abre")])
def test_the_video_is_a_card_with_its_title_and_asks_nothing_of_another_site(
    live_server, open_tab, prefix, note
):
    tab = open_tab(width=390)
    response, elsewhere = requests_elsewhere(tab, live_server, f"{prefix}/background/")
    assert elsewhere == []
    assert "frame-src" not in response.headers["content-security-policy"]
    card = tab.get_by_role("link", name=CAPTION)
    assert card.get_attribute("href") == VIDEO
    assert note in card.inner_text()
    assert card.locator("svg.video-card__play").is_visible()
    assert tab.locator("iframe").count() == 0
    box = card.bounding_box()
    assert box["height"] >= 48 and box["width"] <= 390


def test_an_editor_may_choose_to_play_the_video_in_the_page(live_server, open_tab):
    settings = SiteSettings.load()
    settings.embed_video = True
    settings.save()
    tab = open_tab(width=1280)
    response = tab.goto(live_server.url + "/background/")
    frame = tab.locator("iframe")
    assert frame.get_attribute("src") == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert frame.get_attribute("title") == CAPTION
    policy = response.headers["content-security-policy"]
    assert "frame-src https://www.youtube-nocookie.com" in policy
    assert tab.get_by_role("link", name=CAPTION).get_attribute("href") == VIDEO
    # Other pages still allow no frame.
    other = tab.goto(live_server.url + "/partners/")
    assert "frame-src" not in other.headers["content-security-policy"]


# Resource filters


def make_resource(title, kind):
    return Resource.objects.create(
        title=title, type=kind, year=2024, url="https://publications.iom.int/x", published=True
    )


def filters(tab):
    return tab.get_by_role("navigation", name="Filter resources by type")


def test_resource_filters_show_only_when_there_is_a_choice(live_server, open_tab):
    tab = open_tab(width=390)
    tab.goto(live_server.url + "/resources/")
    assert filters(tab).count() == 0
    make_resource("World Migration Report", Resource.Type.REPORT)
    make_resource("Another report", Resource.Type.REPORT)
    tab.goto(live_server.url + "/resources/")
    assert filters(tab).count() == 0
    make_resource("Gender toolkit", Resource.Type.TOOLKIT)
    tab.goto(live_server.url + "/resources/")
    links = [a.inner_text() for a in filters(tab).get_by_role("link").all()]
    assert links == ["All", "Report", "Toolkit"]
    filters(tab).get_by_role("link", name="Toolkit").click()
    assert tab.locator(".resource-list li").count() == 1
    assert filters(tab).get_by_role("link", name="Toolkit").get_attribute("aria-current") == "page"


# The checks every changed page gets


CHECKED = [
    "/background/",
    "/es/background/",
    "/resources/",
    "/fr/resources/",
    f"/updates/{UPDATE_SLUG}/",
    f"/fr/updates/{UPDATE_SLUG}/",
    "/es/",
]


def with_filters():
    make_resource("World Migration Report", Resource.Type.REPORT)
    make_resource("Gender toolkit", Resource.Type.TOOLKIT)


@pytest.mark.parametrize("width", [360, 1280])
def test_axe_finds_nothing_on_the_changed_pages_menu_open_or_closed(live_server, open_tab, width):
    with_filters()
    reports = []
    tab = open_tab(width=width)
    for path in CHECKED:
        tab.goto(live_server.url + path)
        if width < 960:
            # Closed, the menu is checked with every page in test_browser; here it is open.
            tab.locator("summary").click()
        results = Axe().run(
            tab,
            options={"runOnly": {"type": "tag", "values": AXE_TAGS}},
        )
        assert results.response["passes"], f"axe checked nothing on {path}"
        if violations := results.response["violations"]:
            reports.append(f"axe on {path} at {width} px:\n{axe_report(violations)}")
    assert not reports, "\n".join(reports)


def test_nu_html_checker_finds_no_error_on_the_changed_pages(
    live_server, open_tab, browser_tools, tmp_path
):
    with_filters()
    tab = open_tab()
    for path in CHECKED:
        html = tab.goto(live_server.url + path).text()
        (tmp_path / (path.strip("/").replace("/", "-") + ".html")).write_text(html)
    settings = SiteSettings.load()
    settings.embed_video = True
    settings.save()
    html = tab.goto(live_server.url + "/background/").text()
    (tmp_path / "background-player.html").write_text(html)
    assert len(list(tmp_path.iterdir())) == len(CHECKED) + 1
    errors = nu_errors(browser_tools["java"], tmp_path, {})
    assert not errors, "Nu Html Checker:\n" + errors
