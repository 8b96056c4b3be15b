"""The admin and the public pages in a real browser under the production Content-Security-Policy.

gunicorn serves them with DEBUG off and the policy of genmig/settings.py; Chromium reports
every blocked script, style or image as a `securitypolicyviolation` event, and there must be
none. The admin's own scripts must still run: the address filled in from the title, the
counter of selected rows.
"""

import pytest

from tests.browser import give_code
from tests.servers import Gunicorn, create_editor, manage, production_env

PASSWORD = "a-long-test-password-for-the-browser"

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""

ADMIN_PAGES = [
    "/admin/",
    "/admin/pages/page/",
    "/admin/pages/page/add/",
    "/admin/partners/partner/add/",
    "/admin/pages/update/add/",
    "/admin/pages/update/",
    "/admin/partners/partner/",
    "/admin/auth/user/",
    "/admin/auth/user/1/change/",
    "/admin/auth/user/1/password/",
]
PUBLIC_PAGES = ["/", "/background/", "/partners/", "/contact/"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("admin-browser")
    # Plain HTTP from the browser: no TLS proxy in front, so no redirect to HTTPS.
    env = production_env(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        DJANGO_PROXY_SSL_HEADER="",
        DJANGO_SECURE_SSL_REDIRECT="0",
    )
    manage(env, "migrate", "--noinput")
    create_editor(env, PASSWORD)
    instance = Gunicorn(env, folder / "gunicorn.log").start()
    yield instance
    instance.stop()


@pytest.fixture
def tab(browser):
    context = browser.new_context()
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_VIOLATIONS)
    yield context.new_page()
    context.close()


def visit(tab, url):
    response = tab.goto(url)
    assert response.status == 200, url
    assert response.headers["content-security-policy"]
    return tab


def violations(tab):
    return tab.evaluate("window.__violations")


def test_the_admin_works_under_the_policy(server, tab):
    base = f"http://127.0.0.1:{server.port}"
    visit(tab, base + "/admin/login/")
    tab.fill("#id_username", "editor")
    tab.fill("#id_password", PASSWORD)
    tab.click("input[type=submit]")
    give_code(tab, base)
    assert violations(tab) == []

    for path in ADMIN_PAGES:
        visit(tab, base + path)
        assert tab.evaluate("document.styleSheets.length") > 0, path
        assert violations(tab) == [], path

    # The admin's scripts run: the address is filled in from the title as it is typed...
    visit(tab, base + "/admin/pages/page/add/")
    tab.locator("#id_title_en").press_sequentially("Policy test page")
    assert tab.input_value("#id_slug") == "policy-test-page"
    # ...and selecting a row updates the action counter.
    visit(tab, base + "/admin/pages/page/")
    tab.locator("input.action-select").first.check()
    assert tab.text_content(".action-counter").strip().startswith("1 of")
    assert violations(tab) == []


def sign_in(tab, base):
    visit(tab, base + "/admin/login/")
    tab.fill("#id_username", "editor")
    tab.fill("#id_password", PASSWORD)
    tab.click("input[type=submit]")
    give_code(tab, base)


def test_an_editor_adds_a_webinar_with_a_lead_image(server, tab, tmp_path):
    from tests.test_updates import photo

    base = f"http://127.0.0.1:{server.port}"
    sign_in(tab, base)
    good = tmp_path / "panel.jpg"
    good.write_bytes(photo(size=(1800, 1200)))
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(photo(size=(1800, 1200))[:30_000])

    def fill_in(image):
        visit(tab, base + "/admin/pages/update/add/")
        tab.select_option("#id_kind", "webinar")
        tab.locator("#id_title_en").press_sequentially("Care work webinar")
        tab.fill("#id_summary_en", "Four researchers on the care work migrant women do.")
        tab.fill("#id_date", "2026-12-02")
        tab.fill("#id_start_time", "14:00")
        tab.fill("#id_end_time", "15:30")
        tab.fill("#id_image_alt_en", "Four speakers on a panel")
        tab.check("#id_published")
        tab.set_input_files("#id_image", str(image))
        tab.click("input[name=_save]")
        tab.wait_for_load_state()

    # A cut-off file: a message next to the field, and the server still answers.
    fill_in(cut)
    assert "damaged or incomplete" in tab.locator(".errorlist").first.inner_text()
    assert violations(tab) == []
    fill_in(good)
    tab.wait_for_url(base + "/admin/pages/update/")
    preview = tab.locator("img.logo-preview")
    assert preview.count() == 1 and preview.evaluate("img => img.naturalWidth") == 480
    visit(tab, base + "/updates/care-work-webinar/")
    image = tab.locator("img.lead-image")
    image.scroll_into_view_if_needed()
    tab.wait_for_function("() => document.querySelector('img.lead-image').complete")
    assert image.evaluate("img => img.currentSrc").endswith(".avif")
    assert image.evaluate("img => img.naturalWidth") > 0
    assert violations(tab) == []
    response = tab.request.get(base + "/updates/care-work-webinar.ics")
    assert response.status == 200 and b"BEGIN:VEVENT" in response.body()
    assert b"TZID=Europe/Zurich:20261202T140000" in response.body()


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_break_no_rule_of_the_policy(server, tab, path):
    visit(tab, f"http://127.0.0.1:{server.port}{path}")
    assert violations(tab) == []


def test_an_inline_style_would_be_refused_and_reported(server, tab):
    # Shows that the policy is enforced and that the checks above would see a breach.
    visit(tab, f"http://127.0.0.1:{server.port}/")
    tab.evaluate(
        """document.querySelector("main").insertAdjacentHTML(
            "beforeend", "<p id='styled' style='color: rgb(255, 0, 0)'>styled</p>")"""
    )
    tab.wait_for_function("window.__violations.length > 0")
    assert violations(tab)[0].startswith("style-src")
    color = tab.evaluate("getComputedStyle(document.getElementById('styled')).color")
    assert color != "rgb(255, 0, 0)"
