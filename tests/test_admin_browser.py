"""The admin and the public pages in a real browser under the production Content-Security-Policy.

gunicorn serves them with DEBUG off and the policy of genmig/settings.py; Chromium reports
every blocked script, style or image as a `securitypolicyviolation` event, and there must be
none. The admin's own scripts must still run: the address filled in from the title, the
counter of selected rows.
"""

import pytest

from tests.servers import Gunicorn, manage, production_env

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
    manage(
        dict(env, DJANGO_SUPERUSER_PASSWORD=PASSWORD),
        "createsuperuser",
        "--noinput",
        "--username",
        "editor",
        "--email",
        "editor@iom.int",
    )
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
    tab.wait_for_url(base + "/admin/")
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
