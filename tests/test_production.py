"""The production stack: gunicorn with DEBUG off, its headers, health check, logs and failures.

These tests start real gunicorn processes (genmig/gunicorn.conf.py) on a database of their own
and read real responses. They need the static files collected (make test does it).
"""

import re
import secrets
import subprocess
import sys
import time

import pytest

from tests.helpers import tags
from tests.servers import ROOT, Gunicorn, free_port, manage, production_env


@pytest.fixture(scope="module")
def sqlite_env(tmp_path_factory):
    """A production environment on a migrated SQLite database of this module's own."""
    folder = tmp_path_factory.mktemp("stack")
    env = production_env(DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}")
    manage(env, "migrate", "--noinput")
    return env


@pytest.fixture(scope="module")
def server(sqlite_env, tmp_path_factory):
    instance = Gunicorn(sqlite_env, tmp_path_factory.mktemp("logs") / "gunicorn.log").start()
    yield instance
    instance.stop()


def start(env, tmp_path):
    return Gunicorn(env, tmp_path / "gunicorn.log").start()


def stylesheet(server):
    home = server.get("/")
    return next(t["href"] for t in tags(home.text, "link") if t.get("rel") == "stylesheet")


EXPECTED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
}


def csp_directives(response):
    header = response.header("Content-Security-Policy")
    assert header, "no Content-Security-Policy"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("kind", ["page", "static file"])
def test_every_security_header_on_pages_and_static_files(server, kind):
    path = "/" if kind == "page" else stylesheet(server)
    response = server.get(path)
    assert response.status == 200
    if kind == "static file":
        assert response.header("Content-Type").startswith("text/css")
    for name, value in EXPECTED_HEADERS.items():
        assert response.header(name) == value, name

    csp = csp_directives(response)
    assert csp["default-src"] == ["'none'"]
    for directive in ("script-src", "style-src"):
        assert csp[directive] == ["'self'"]
    for values in csp.values():
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]

    permissions = dict(
        item.strip().split("=") for item in response.header("Permissions-Policy").split(",")
    )
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert permissions[feature] == "()"


def test_plain_http_is_redirected_to_https(server):
    response = server.get("/background/?x=1", https=False)
    assert response.status == 301
    assert response.header("Location") == f"https://127.0.0.1:{server.port}/background/?x=1"
    # No HSTS over plain HTTP: browsers only take it from an HTTPS response.
    assert response.header("Strict-Transport-Security") is None


def test_pages_have_no_inline_script_or_style(server):
    for path in ("/", "/background/", "/partners/"):
        html = server.get(path).text
        assert "style=" not in html
        assert not re.search(r"<style[\s>]", html)
        # Only scripts from files; an inline <script> may only hold data (JSON-LD).
        for script in tags(html, "script"):
            assert script.get("src") or script.get("type") == "application/ld+json"


def test_a_revisit_costs_a_304(server):
    first = server.get("/background/")
    assert first.status == 200
    assert first.header("Cache-Control").startswith("max-age=0, s-maxage=")
    assert first.header("ETag") and first.header("Last-Modified")
    again = server.get("/background/", headers={"If-None-Match": first.header("ETag")})
    assert again.status == 304 and again.body == b""
    since = server.get("/background/", headers={"If-Modified-Since": first.header("Last-Modified")})
    assert since.status == 304


def test_healthz_answers_ok_and_is_never_cached(server):
    response = server.get("/healthz")
    assert response.status == 200
    assert response.text == "ok\n"
    assert "no-store" in response.header("Cache-Control")


def test_admin_login_is_served_under_the_policy(server):
    response = server.get("/admin/login/")
    assert response.status == 200
    assert csp_directives(response)["script-src"] == ["'self'"]
    assert "private" in response.header("Cache-Control")


def test_access_log_has_one_line_per_request(server):
    marker = secrets.token_hex(6)
    server.get(f"/no-such-page-{marker}/")
    # The worker writes its access line just after the response has gone out.
    for _ in range(100):
        lines = [line for line in server.log_text().splitlines() if marker in line]
        access = [line for line in lines if " ACCESS " in line]
        if access:
            break
        time.sleep(0.05)
    assert len(access) == 1
    assert f'"GET /no-such-page-{marker}/ HTTP/1.1" 404' in access[0]
    # Django's own line for the 404, also on one line.
    assert any("WARNING django.request Not Found" in line for line in lines)


def test_database_down_gives_a_friendly_503_page(sqlite_env, tmp_path):
    port = free_port()  # nothing listens there
    env = dict(sqlite_env, DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/genmig")
    instance = start(env, tmp_path)
    try:
        page = instance.get("/background/")
        health = instance.get("/healthz")
    finally:
        instance.stop()
    assert page.status == 503
    assert page.header("Retry-After")
    assert "The site is temporarily unavailable" in page.text
    assert len(tags(page.text, "h1")) == 1
    for detail in ("Traceback", "OperationalError", "psycopg", str(port)):
        assert detail not in page.text
    assert page.header("Content-Security-Policy")

    assert health.status == 503
    assert health.text == "unavailable\n"
    # The cause is in the log, each event on one line of its own.
    log = instance.log_text()
    assert "OperationalError" in log
    for line in log.splitlines():
        assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ [A-Z]+ ", line), line


def test_cache_down_degrades_the_health_check_and_pages_still_answer(sqlite_env, tmp_path):
    env = dict(sqlite_env, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    instance = start(env, tmp_path)
    try:
        page = instance.get("/background/")
        health = instance.get("/healthz")
    finally:
        instance.stop()
    assert page.status == 200
    assert "female share" in page.text.lower()
    assert health.status == 200 and health.text == "ok\ncache: degraded\n"


def read_env_example():
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def test_deploy_check_is_clean_with_the_documented_production_environment():
    documented = read_env_example()
    assert documented["DJANGO_DEBUG"] == "0"
    documented["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    env = production_env(**documented)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output


def test_search_through_gunicorn_finds_migrated_content_noindex_cached_like_other_pages(server):
    # `migrate` indexed the content it created: nothing else ran before this search.
    found = server.get("/fr/search/?q=migrations")
    assert found.status == 200
    assert 'class="search-result"' in found.text and "<mark>" in found.text
    assert found.header("X-Robots-Tag") == "noindex"
    assert found.header("Cache-Control") == server.get("/background/").header("Cache-Control")
    description = server.get("/opensearch.xml")
    assert description.header("Content-Type").startswith("application/opensearchdescription+xml")
    assert "/search/?q={searchTerms}" in description.text
