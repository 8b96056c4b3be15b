"""Staff sign in with their IOM account: the whole OpenID Connect flow in Chromium, against a
real provider on loopback (django-oauth-toolkit, PKCE required, RS256 ID tokens), to the
site served by gunicorn with DEBUG off."""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.oidc import Provider, provider_sign_in
from tests.servers import (
    Gunicorn,
    PostgresDatabase,
    free_port,
    manage,
    postgres_url,
    production_env,
)

LOCAL_PASSWORD = "a-long-password-of-the-site"
EDITOR = {"oid": "oid-editor-1", "email": "editor@iom.int", "roles": ["GenMig.Editors"]}
PEOPLE = {
    "editor": EDITOR,
    "handler": {
        "oid": "oid-handler-2",
        "email": "handler@iom.int",
        "roles": ["GenMig.Editors", "GenMig.Enquiries"],
    },
    "admin": {"oid": "oid-admin-3", "email": "admin@iom.int", "roles": ["GenMig.Admins"]},
    "visitor": {"oid": "oid-visitor-4", "email": "visitor@iom.int", "roles": ["Other.App"]},
    "expired": {**EDITOR, "oid": "oid-5", "token": {"exp_in": -300}},
    "other-client": {**EDITOR, "oid": "oid-6", "token": {"aud": "another-application"}},
    "wrong-issuer": {**EDITOR, "oid": "oid-7", "token": {"iss": "https://login.example.org/v2.0"}},
    "same-email": {"oid": "oid-8", "email": "editor@iom.int", "roles": ["GenMig.Editors"]},
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("staff-oidc")
    site_port = free_port()
    provider = Provider(folder, PEOPLE, f"http://127.0.0.1:{site_port}/admin/oidc/callback/")
    provider.start()
    database = PostgresDatabase(postgres_url()).create() if postgres_url() else None
    env = production_env(
        DATABASE_URL=database.url if database else f"sqlite:///{folder / 'db.sqlite3'}",
        # Plain HTTP from the browser: no TLS proxy in front, so no redirect to HTTPS.
        DJANGO_PROXY_SSL_HEADER="",
        DJANGO_SECURE_SSL_REDIRECT="0",
        # Passkeys belong to a host name: the browser reaches the site as localhost for them.
        STAFF_PASSKEY_ORIGINS=f"http://localhost:{site_port}",
        **provider.site_env(),
    )
    manage(env, "migrate", "--noinput")
    # A local account (a password of this site), without a second factor yet.
    manage(
        dict(env, DJANGO_SUPERUSER_PASSWORD=LOCAL_PASSWORD),
        "createsuperuser",
        "--noinput",
        "--username",
        "keeper",
        "--email",
        "keeper@iom.int",
    )
    manage(
        dict(env, DJANGO_SUPERUSER_PASSWORD=LOCAL_PASSWORD),
        "createsuperuser",
        "--noinput",
        "--username",
        "holder",
        "--email",
        "holder@iom.int",
    )
    site = Gunicorn(env, folder / "gunicorn.log").start(site_port)
    yield {"site": site, "provider": provider, "base": f"http://127.0.0.1:{site_port}", "env": env}
    site.stop()
    provider.stop()
    if database:
        database.drop()


@pytest.fixture
def tab(browser):
    context = browser.new_context()
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def sign_in(tab, base, username):
    tab.goto(base + "/admin/login/")
    tab.get_by_role("link", name=re.compile("IOM account")).click()
    provider_sign_in(tab, username)
    tab.wait_for_load_state()
    return tab


def error_message(tab):
    return tab.locator(".messagelist .error").inner_text()


def status(tab, url):
    return tab.goto(url).status


def test_an_editor_signs_in_and_edits_pages_but_not_users(stack, tab):
    base = stack["base"]
    sign_in(tab, base, "editor")
    assert urlsplit(tab.url).path == "/admin/"
    assert "editor@iom.int" in tab.content()
    assert status(tab, base + "/admin/pages/page/add/") == 200
    assert status(tab, base + "/admin/auth/user/") == 403
    assert status(tab, base + "/admin/partners/enquiry/") == 403


def test_a_role_removed_at_the_provider_is_gone_at_the_next_sign_in(stack, browser):
    base, provider = stack["base"], stack["provider"]
    first = browser.new_context()
    tab = sign_in(first.new_page(), base, "handler")
    assert status(tab, base + "/admin/partners/enquiry/") == 200
    first.close()

    provider.set_people({**PEOPLE, "handler": {**PEOPLE["handler"], "roles": ["GenMig.Editors"]}})
    try:
        second = browser.new_context()
        tab = sign_in(second.new_page(), base, "handler")
        assert urlsplit(tab.url).path == "/admin/"
        assert status(tab, base + "/admin/partners/enquiry/") == 403
        assert status(tab, base + "/admin/pages/page/") == 200
        second.close()
    finally:
        provider.set_people(PEOPLE)


def test_no_mapped_role_no_admin(stack, tab):
    base = stack["base"]
    sign_in(tab, base, "visitor")
    assert urlsplit(tab.url).path == "/admin/login/"
    assert "no role on this site" in error_message(tab)
    assert status(tab, base + "/admin/") == 200
    assert urlsplit(tab.url).path == "/admin/login/"  # still not signed in


def test_a_superuser_role_sees_the_sign_in_records(stack, tab):
    base = stack["base"]
    sign_in(tab, base, "admin")
    assert status(tab, base + "/admin/staff/signinrecord/") == 200
    rows = tab.locator("#result_list tbody tr").all_inner_texts()
    assert any("admin@iom.int" in row and "IOM account" in row for row in rows)


def test_people_are_matched_on_their_stable_claim_not_their_email(stack, browser):
    base = stack["base"]
    for username in ("editor", "same-email"):
        context = browser.new_context()
        sign_in(context.new_page(), base, username)
        context.close()
    context = browser.new_context()
    tab = sign_in(context.new_page(), base, "admin")
    tab.goto(base + "/admin/auth/user/?q=editor%40iom.int")
    assert tab.locator("#result_list tbody tr").count() == 2
    context.close()


@pytest.mark.parametrize("username", ["expired", "other-client", "wrong-issuer"])
def test_an_id_token_that_does_not_check_out_is_refused(stack, tab, username):
    sign_in(tab, stack["base"], username)
    assert urlsplit(tab.url).path == "/admin/login/"
    assert "could not be checked" in error_message(tab)
    assert status(tab, stack["base"] + "/admin/pages/page/") == 200
    assert urlsplit(tab.url).path == "/admin/login/"


def start_flow(tab, stack, username="editor"):
    """Signed in at the provider, start a sign-in at the site without the browser following
    the redirects: the address the provider sends the browser back to (code and state)."""
    base, provider = stack["base"], stack["provider"]
    tab.goto(f"http://127.0.0.1:{provider.port}/accounts/login/?next=/o/userinfo/")
    provider_sign_in(tab, username)
    tab.wait_for_load_state()
    request = tab.context.request
    authorize = request.get(base + "/admin/staff/oidc/sign-in/", max_redirects=0)
    assert authorize.status == 302
    location = authorize.headers["location"]
    assert "code_challenge_method=S256" in location
    callback = request.get(location, max_redirects=0)
    assert callback.status == 302, callback.text()
    return callback.headers["location"]


def test_refused_sign_ins_are_recorded_for_superusers(stack, browser):
    base = stack["base"]
    context = browser.new_context()
    sign_in(context.new_page(), base, "wrong-issuer")
    context.close()
    context = browser.new_context()
    tab = sign_in(context.new_page(), base, "admin")
    tab.goto(base + "/admin/staff/signinrecord/?event__exact=failed")
    rows = tab.locator("#result_list tbody tr").all_inner_texts()
    assert any("ID token refused: Invalid issuer" in row for row in rows), rows
    context.close()


def test_a_tampered_state_is_refused_and_a_replay_too(stack, tab):
    callback = start_flow(tab, stack)
    url = urlsplit(callback)
    query = dict(parse_qsl(url.query))
    query["state"] = query["state"][:-4] + "abcd"
    tab.goto(url._replace(query=urlencode(query)).geturl())
    assert urlsplit(tab.url).path == "/admin/login/"
    assert "could not be checked" in error_message(tab)
    # The real state is still good, once: the flow is not spoiled for its owner...
    tab.goto(callback)
    assert urlsplit(tab.url).path == "/admin/"
    # ...but the same answer again (a replay) is refused.
    tab.goto(callback)
    tab.locator("#logout-form button").click()
    tab.goto(callback)
    assert urlsplit(tab.url).path == "/admin/login/"
    assert "could not be checked" in error_message(tab)


def test_the_provider_s_error_is_a_message(stack, tab):
    base = stack["base"]
    callback = start_flow(tab, stack)
    state = dict(parse_qsl(urlsplit(callback).query))["state"]
    tab.goto(
        base + "/admin/oidc/callback/?" + urlencode({"error": "access_denied", "state": state})
    )
    assert urlsplit(tab.url).path == "/admin/login/"
    assert "cancelled or refused" in error_message(tab)
    # The state is used up: the code that came with it no longer signs anyone in.
    tab.goto(callback)
    assert urlsplit(tab.url).path == "/admin/login/"


@pytest.mark.parametrize(
    ("prefix", "label"),
    [("", "IOM account"), ("/fr", "compte OIM"), ("/es", "cuenta de la OIM")],
)
def test_the_sign_in_page_offers_the_iom_account_in_every_language(stack, tab, prefix, label):
    tab.goto(stack["base"] + prefix + "/admin/login/")
    button = tab.locator(".staff-oidc-button")
    assert label in button.inner_text()
    # Above the password form.
    assert button.bounding_box()["y"] < tab.locator("#id_password").bounding_box()["y"]
    result = Axe().run(tab, options={"resultTypes": ["violations"]})
    assert result.violations_count == 0, result.generate_report()


def test_signing_out_offers_to_sign_out_at_the_provider(stack, tab):
    base = stack["base"]
    sign_in(tab, base, "editor")
    tab.locator("#logout-form button").click()
    link = tab.get_by_role("link", name=re.compile("Also sign out of your IOM account"))
    assert link.get_attribute("href").startswith(stack["provider"].issuer)
    assert status(tab, base + "/admin/") == 200
    assert urlsplit(tab.url).path == "/admin/login/"


def axe_violations(tab):
    result = Axe().run(tab, options={"resultTypes": ["violations"]})
    return result.violations_count, result.generate_report()


def test_a_local_account_sets_up_an_app_then_signs_in_with_its_codes(stack, browser):
    from base64 import b32decode

    from django_otp.oath import TOTP

    base = stack["base"]
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(base + "/admin/login/")
    tab.fill("#id_username", "keeper")
    tab.fill("#id_password", LOCAL_PASSWORD)
    tab.click("#login-form input[type=submit]")
    tab.wait_for_url(re.compile(".*/admin/staff/second-factor/set-up/.*"))
    count, report = axe_violations(tab)
    assert count == 0, report
    key = tab.locator("#totp-key").inner_text().replace(" ", "")
    code = f"{TOTP(b32decode(key)).token():06d}"
    tab.fill("#id_code", code)
    tab.click("#content-main input[type=submit]")
    tab.wait_for_url(re.compile(".*/admin/staff/second-factor/recovery-codes/.*"))
    codes = tab.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    count, report = axe_violations(tab)
    assert count == 0, report
    tab.get_by_role("link", name="I have kept them: continue").click()
    tab.wait_for_url(base + "/admin/")
    context.close()

    # The next sign-in asks for a code after the password: a recovery code, once.
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(base + "/admin/login/")
    tab.fill("#id_username", "keeper")
    tab.fill("#id_password", LOCAL_PASSWORD)
    tab.click("#login-form input[type=submit]")
    tab.wait_for_url(re.compile(".*/admin/staff/second-factor/[?].*"))
    count, report = axe_violations(tab)
    assert count == 0, report
    tab.fill("#id_code", codes[0])
    tab.click("#content-main input[type=submit]")
    tab.wait_for_url(base + "/admin/")
    context.close()


def password_sign_in(tab, base, username):
    tab.goto(base + "/admin/login/")
    tab.fill("#id_username", username)
    tab.fill("#id_password", LOCAL_PASSWORD)
    tab.click("#login-form input[type=submit]")


def test_a_local_account_creates_a_passkey_and_signs_in_with_it(stack, browser):
    base = f"http://localhost:{stack['site'].port}"
    context = browser.new_context()
    context.set_default_timeout(15_000)
    tab = context.new_page()
    devtools = context.new_cdp_session(tab)
    devtools.send("WebAuthn.enable")
    authenticator = devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )["authenticatorId"]
    password_sign_in(tab, base, "holder")
    tab.wait_for_url(re.compile(".*/admin/staff/second-factor/set-up/.*"))
    tab.get_by_role("button", name="Create a passkey").click()
    tab.wait_for_url(re.compile(".*/admin/staff/second-factor/recovery-codes/.*"))
    assert len(tab.locator("#recovery-codes li").all_inner_texts()) == 10
    tab.get_by_role("link", name="I have kept them: continue").click()
    tab.wait_for_url(base + "/admin/")
    stored = devtools.send("WebAuthn.getCredentials", {"authenticatorId": authenticator})
    assert len(stored["credentials"]) == 1
    tab.locator("#logout-form button").click()

    # The next sign-in: the password, then the passkey.
    password_sign_in(tab, base, "holder")
    tab.wait_for_url(re.compile(".*/admin/staff/second-factor/[?].*"))
    count, report = axe_violations(tab)
    assert count == 0, report
    tab.get_by_role("button", name="Use your passkey").click()
    tab.wait_for_url(base + "/admin/")
    context.close()
