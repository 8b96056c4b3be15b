"""The admin as a new communications officer meets it, in a real browser: lists readable at
1280 px, the admin in French from the header's switch or the browser's language, a question
before leaving unsaved changes, the Markdown preview styled as the page, the enquiry inbox.

gunicorn serves the site with DEBUG off and the production Content-Security-Policy. Each
screen is checked by axe at 1280 and 390 px and saved for a look under /tmp/shots/admin/.
"""

import base64
from pathlib import Path

import pytest

from tests.browser import signed_in_tab
from tests.nu_checker import nu_errors
from tests.servers import Gunicorn, create_editor, give_second_factor, manage, production_env
from tests.test_history_browser import axe_violations

PASSWORD = "a-long-test-password-for-the-browser"
SHOTS = Path("/tmp/shots/admin")  # noqa: S108 (screenshots to look at after a run)
WIDTHS = [1280, 390]

SETUP = f"""
import datetime
from django.contrib.auth.models import Group, User
from django.utils import timezone
from pages.models import Page, Update
from partners.models import Enquiry, Partner
writer = User.objects.create_user("writer", password="{PASSWORD}", is_staff=True)
User.objects.create_superuser("newcomer", "newcomer@iom.int", "{PASSWORD}")
writer.groups.add(Group.objects.get(name="Content editors"))
handler = User.objects.create_user("handler", password="{PASSWORD}", is_staff=True)
handler.groups.add(Group.objects.get(name="Enquiry handlers"))
Page.objects.filter(slug="background").update(nav_title="Background")
Update.objects.create(
    kind="webinar", title="Care work across borders: a webinar with four researchers",
    slug="care-work", summary="Four researchers.", date=datetime.date(2027, 1, 20),
    start_time=datetime.time(14, 5), time_zone="Europe/Zurich", published=True,
    publish_at=timezone.now() + datetime.timedelta(days=3),
)
Partner.objects.create(
    name="Institute for Migration and Gender Studies of the University of Somewhere",
    slug="imgs", type="research", country="Senegal", published=True,
    publish_at=timezone.now() + datetime.timedelta(days=2),
)
enquiry = Enquiry.objects.create(
    topic="research", name="Amina Diallo", email="amina+genmig@example.org",
    organisation_type="research", organisation="Institute for Migration Studies",
    message="We would like to discuss a research partnership on remittances.\\nBest, Amina",
    last_delivery_error="ConnectionRefusedError: [Errno 111] Connection refused",
    delivery_attempts=2, next_delivery_at=timezone.now() + datetime.timedelta(minutes=4),
)
print("KEYS", Page.objects.get(slug="background").pk, enquiry.pk)
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("admin-everyday")
    env = production_env(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        DJANGO_PROXY_SSL_HEADER="",
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        MEDIA_ROOT=str(folder / "media"),
    )
    manage(env, "migrate", "--noinput")
    output = manage(env, "shell", "-c", SETUP).stdout
    give_second_factor(env, "writer", "handler")
    create_editor(env, PASSWORD)  # a superuser, for the personal-data pages
    keys = next(line for line in output.splitlines() if line.startswith("KEYS "))
    instance = Gunicorn(env, folder / "gunicorn.log").start()
    instance.page_pk, instance.enquiry_pk = keys.split()[1:]
    instance.base = f"http://127.0.0.1:{instance.port}"
    yield instance
    instance.stop()


@pytest.fixture(scope="module")
def pages_seen(tmp_path_factory):
    """The HTML of every screen looked at, for one run of the Nu Html Checker at the end."""
    return tmp_path_factory.mktemp("admin-everyday-html")


@pytest.fixture
def writer(browser, server):
    context, tab = signed_in_tab(browser, server.base, "writer", PASSWORD)
    yield tab
    context.close()


@pytest.fixture
def handler(browser, server):
    context, tab = signed_in_tab(browser, server.base, "handler", PASSWORD)
    yield tab
    context.close()


def look_at(tab, name, pages_seen):
    """Screenshots at 1280 and 390 px, axe at both; the HTML kept for the Nu checker."""
    reports = []
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        tab.set_viewport_size({"width": width, "height": 900})
        tab.screenshot(path=SHOTS / f"{name}-{width}.png", full_page=True)
        if report := axe_violations(tab):
            reports.append(f"{name} at {width} px:\n{report}")
    tab.set_viewport_size({"width": 1280, "height": 900})
    # The HTML as the server sent it (the live DOM holds what Django's scripts add).
    html = tab.request.get(tab.url).text()
    (pages_seen / f"{name}.html").write_text(html, encoding="utf-8")
    return reports


def overflows(tab, selector):
    """Cells of the list whose text is cut off or runs out of the cell."""
    return tab.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector))
            .filter((cell) => cell.scrollWidth > cell.clientWidth + 1)
            .map((cell) => cell.className + ': ' + cell.textContent.trim())""",
        selector,
    )


LISTS = {
    "pages-list": "/admin/pages/page/",
    "updates-list": "/admin/pages/update/",
    "partners-list": "/admin/partners/partner/",
}


def test_lists_fit_1280_px_with_dates_in_one_format(server, writer, pages_seen):
    reports = []
    for name, path in LISTS.items():
        writer.goto(server.base + path)
        writer.wait_for_selector("#result_list")
        reports += look_at(writer, name, pages_seen)
        # Nothing runs past the window, and no column's text is cut off.
        assert writer.evaluate("document.documentElement.scrollWidth") <= 1280, name
        assert overflows(writer, "#result_list td, #result_list th, .results") == [], name
    assert not reports, "\n".join(reports)


MARKDOWN = "## What we found\n\nThree findings:\n\n- one\n- two\n\nSee [the report](https://example.org/report)."

STYLE_OF = """(root) => {
    const box = document.querySelector(root);
    const style = (selector, property) =>
        getComputedStyle(box.querySelector(selector)).getPropertyValue(property);
    return {
        bullet: style("ul li", "list-style-type"),
        indent: parseFloat(style("ul", "margin-left")) + parseFloat(style("ul", "padding-left")),
        heading: parseFloat(style("h2", "font-size")) / parseFloat(style("p", "font-size")),
        heading_weight: style("h2", "font-weight"),
        heading_case: style("h2", "text-transform"),
        link: style("a", "text-decoration-line"),
        paragraph_gap: parseFloat(style("p", "margin-bottom")),
    };
}"""


def test_the_preview_looks_like_the_public_page(server, writer, visitor, pages_seen):
    change = f"{server.base}/admin/pages/page/{server.page_pk}/change/"
    writer.goto(change)
    writer.fill("#id_body_en", MARKDOWN)
    preview = writer.locator(".markdown-preview[lang=en]")
    preview.locator("li").first.wait_for()
    seen = writer.evaluate(STYLE_OF, ".markdown-preview[lang=en]")
    reports = look_at(writer, "page-change-form", pages_seen)
    writer.click("input[name=_continue]")
    writer.wait_for_selector(".messagelist .success")

    visitor.goto(server.base + "/background/")
    public = visitor.evaluate(STYLE_OF, "main .prose")
    assert seen["bullet"] == public["bullet"] == "disc"
    assert seen["indent"] > 10
    assert seen["link"] == public["link"] == "underline"
    assert seen["heading_case"] == public["heading_case"] == "none"
    assert seen["heading_weight"] == public["heading_weight"]
    assert abs(seen["heading"] - public["heading"]) < 0.2, (seen, public)
    assert seen["paragraph_gap"] > 0
    assert not reports, "\n".join(reports)


@pytest.fixture
def visitor(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_leaving_unsaved_changes_asks_first_and_saving_does_not(server, writer):
    change = f"{server.base}/admin/pages/page/{server.page_pk}/change/"
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    writer.on("dialog", stay)
    writer.goto(change)
    writer.wait_for_load_state("load")
    # Nothing changed: leaving asks nothing.
    writer.click(".breadcrumbs a >> nth=0")
    writer.wait_for_url(server.base + "/admin/")
    assert dialogs == []

    writer.goto(change)
    writer.wait_for_load_state("load")
    writer.locator("#id_summary_en").press_sequentially(" A change not saved.")
    writer.click(".breadcrumbs a >> nth=0")
    writer.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    assert writer.url == change  # the person chose to stay: the text is still there
    assert "A change not saved." in writer.input_value("#id_summary_en")
    # Switching the admin's language asks too: the page would come back without the change.
    writer.click(".admin-languages button[value=fr]")
    writer.wait_for_timeout(500)
    assert dialogs == ["beforeunload", "beforeunload"]
    assert writer.url == change
    assert "A change not saved." in writer.input_value("#id_summary_en")
    dialogs.pop()

    # Saving leaves without a question, and the change is kept.
    writer.click("input[name=_continue]")
    writer.wait_for_selector(".messagelist .success")
    assert dialogs == ["beforeunload"]
    assert "A change not saved." in writer.input_value("#id_summary_en")

    # Leaving for good: accepted, the browser goes.
    writer.remove_listener("dialog", stay)
    writer.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.accept()))
    writer.locator("#id_summary_en").press_sequentially(" Another.")
    writer.click(".breadcrumbs a >> nth=0")
    writer.wait_for_url(server.base + "/admin/")
    assert dialogs == ["beforeunload", "beforeunload"]


def test_the_admin_speaks_the_browsers_language_and_the_switch_keeps_a_choice(
    server, browser, pages_seen
):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="fr-FR", extra_http_headers={}
    )
    tab = context.new_page()
    try:
        # First visit, browser in French: the sign-in page comes in French.
        tab.goto(server.base + "/admin/")
        assert tab.url.startswith(server.base + "/fr/admin/login/")
        assert tab.locator("html").get_attribute("lang") == "fr"
        assert tab.locator("#login-form input[type=submit]").get_attribute("value") == (
            "Se connecter"
        )
        tab.fill("#id_username", "writer")
        tab.fill("#id_password", PASSWORD)
        tab.click("#login-form input[type=submit]")
        from tests.servers import next_recovery_code

        tab.wait_for_selector("#id_code")
        tab.fill("#id_code", next_recovery_code())
        tab.click("input[type=submit]")
        tab.wait_for_url(server.base + "/fr/admin/")
        tab.goto(server.base + "/fr/admin/pages/update/")
        assert "20 janvier 2027" in tab.text_content("#result_list")
        reports = look_at(tab, "updates-list-fr", pages_seen)

        # The switch: Spanish, for this page and the next visits.
        tab.click(".admin-languages button[value=es]")
        tab.wait_for_url(server.base + "/es/admin/pages/update/")
        assert "20 de enero de 2027" in tab.text_content("#result_list")
        assert tab.locator(".admin-language-current").text_content() == "Español"
        tab.goto(server.base + "/admin/pages/page/")
        assert tab.url == server.base + "/es/admin/pages/page/"
        # English chosen: the English addresses stay English, whatever the browser says.
        tab.click(".admin-languages button[value=en]")
        tab.wait_for_url(server.base + "/admin/pages/page/")
        tab.goto(server.base + "/admin/")
        assert tab.url == server.base + "/admin/"
        # Public pages keep their own addresses' language.
        tab.goto(server.base + "/background/")
        assert tab.locator("html").get_attribute("lang") == "en"
        tab.goto(server.base + "/fr/background/")
        assert tab.locator("html").get_attribute("lang") == "fr"
    finally:
        context.close()
    assert not reports, "\n".join(reports)


def test_an_enquiry_is_handled_from_the_list_and_answered_by_mail(server, handler, pages_seen):
    inbox = server.base + "/admin/partners/enquiry/"
    handler.goto(inbox)
    row = handler.locator("#result_list tbody tr").first
    assert "We would like to discuss a research partnership on remittances." in (row.text_content())
    assert "Best, Amina" not in row.text_content()
    reports = look_at(handler, "enquiries-list", pages_seen)

    handler.goto(f"{inbox}{server.enquiry_pk}/change/")
    problem = handler.text_content(".field-delivery_problem")
    assert "The mail server did not answer; the site will try again at" in problem
    assert "Errno" not in handler.text_content("#content")
    reply = handler.get_attribute("a.reply-link", "href")
    assert reply.startswith("mailto:amina%2Bgenmig@example.org?subject=")
    handler.fill("#id_note", "Forwarded to the research team.")
    reports += look_at(handler, "enquiry-change-form", pages_seen)
    handler.click("button[name=_mark][value=handled]")
    handler.wait_for_selector(".messagelist .success")

    row = handler.locator("#result_list tbody tr").first
    assert "Handled" in row.locator(".field-status").text_content()
    row.locator("button[value=new]").click()
    handler.wait_for_selector(".messagelist .success")
    assert "marked “New”" in handler.text_content(".messagelist")
    row = handler.locator("#result_list tbody tr").first
    assert "New" in row.locator(".field-status").text_content()
    handler.goto(f"{inbox}{server.enquiry_pk}/change/")
    assert handler.input_value("#id_note") == "Forwarded to the research team."
    assert not reports, "\n".join(reports)


def test_personal_data_erase_buttons_are_red_and_say_what_they_do(server, browser, pages_seen):
    context, tab = signed_in_tab(browser, server.base, "editor", PASSWORD)
    try:
        tab.goto(server.base + "/admin/personal-data/?email=amina%2Bgenmig@example.org")
        erase = tab.locator("button.danger-button")
        assert erase.text_content().strip() == "Erase everything held on amina+genmig@example.org…"
        red = erase.evaluate("button => getComputedStyle(button).backgroundColor")
        reports = look_at(tab, "personal-data", pages_seen)
        erase.click()
        confirm = tab.locator("button.danger-button")
        assert confirm.text_content().strip() == "Yes, erase it for good"
        assert confirm.evaluate("button => getComputedStyle(button).backgroundColor") == red
        assert red in ("rgb(186, 33, 33)", "rgb(164, 29, 29)"), red  # Django's delete red
        reports += look_at(tab, "personal-data-confirm", pages_seen)
    finally:
        context.close()
    assert not reports, "\n".join(reports)


def test_recovery_codes_are_printed_or_downloaded(server, browser, pages_seen, tmp_path):
    from django_otp.oath import TOTP

    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    try:
        tab.goto(server.base + "/admin/login/")
        tab.fill("#id_username", "newcomer")
        tab.fill("#id_password", PASSWORD)
        tab.click("#login-form input[type=submit]")
        tab.wait_for_selector("#totp-key")
        key = base64.b32decode(tab.text_content("#totp-key").replace(" ", ""))
        tab.fill("#id_code", f"{TOTP(key).token():06d}")
        tab.click("#content-main input[type=submit]")
        tab.wait_for_selector("#recovery-codes")
        codes = [code.strip() for code in tab.locator("#recovery-codes li").all_text_contents()]
        assert len(codes) == 10
        reports = look_at(tab, "recovery-codes", pages_seen)
        assert tab.locator("button[data-print]").is_visible()
        with tab.expect_download() as waiting:
            tab.click("a[download]")
        saved = tmp_path / "codes.txt"
        waiting.value.save_as(saved)
        assert waiting.value.suggested_filename == "genmig-recovery-codes.txt"
        assert [line for line in saved.read_text().splitlines() if line in codes] == codes
        tab.evaluate("window.print = () => { window.__printed = true; }")
        tab.click("button[data-print]")
        assert tab.evaluate("window.__printed") is True
        tab.emulate_media(media="print")
        assert not tab.locator("#header").is_visible()
        assert tab.locator("#recovery-codes").is_visible()
    finally:
        context.close()
    assert not reports, "\n".join(reports)


def test_the_screens_looked_at_pass_the_nu_html_checker(server, browser_tools, pages_seen):
    pages = sorted(path.name for path in pages_seen.glob("*.html"))
    assert pages, "no screen was kept: run the whole module"
    errors = nu_errors(browser_tools["java"], pages_seen, {})
    assert not errors, "Nu Html Checker:\n" + errors
