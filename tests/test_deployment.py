"""The site as deployed: one TLS proxy in front of gunicorn, a load balancer's health probe,
a real mail server, and clients that try to pass for others.

These tests start real gunicorn processes (genmig/gunicorn.conf.py, DEBUG off) on a SQLite
database of their own. The test client plays the proxy from 127.0.0.1 (in FORWARDED_ALLOW_IPS);
a client that reaches gunicorn directly connects from 127.0.0.2.
"""

import secrets
import sqlite3
import time

import pytest

from tests.conftest import SMTPServer
from tests.servers import Browser, Gunicorn, create_editor, free_port, manage, production_env

PASSWORD = "a-long-test-password-for-deployment"
LOGIN = "/admin/login/?next=/admin/"
LOGIN_FAILURE_LIMIT = 3
DIRECT_CLIENT = "127.0.0.2"


@pytest.fixture(scope="module")
def mail_server():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    return tmp_path_factory.mktemp("deployment") / "db.sqlite3"


@pytest.fixture(scope="module")
def site_env(database, mail_server):
    env = production_env(
        DATABASE_URL=f"sqlite:///{database}",
        EMAIL_URL=f"smtp://127.0.0.1:{mail_server.port}",
        TRUSTED_PROXY_COUNT="1",
        FORWARDED_ALLOW_IPS="127.0.0.1,::1",
        LOGIN_FAILURE_LIMIT=str(LOGIN_FAILURE_LIMIT),
        ENQUIRY_MIN_SECONDS="0",
        WEB_CONCURRENCY="2",
    )
    manage(env, "migrate", "--noinput")
    create_editor(env, PASSWORD)
    return env


@pytest.fixture(scope="module")
def site(site_env, tmp_path_factory):
    instance = Gunicorn(site_env, tmp_path_factory.mktemp("logs") / "gunicorn.log").start()
    yield instance
    instance.stop()


def sign_in(instance, username, password, browser):
    response = browser.submit(instance, LOGIN, {"username": username, "password": password})
    if response.status == 302:
        browser.second_factor(instance)
    return response


def recorded_addresses(database):
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT DISTINCT ip_address FROM axes_accessattempt")
        return {address for (address,) in rows}


def log_lines_after(instance, marker, timeout=5):
    """The log from the line that holds `marker` on, once it has been written."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = instance.log_text()
        if marker in log:
            return log[log.index(marker) :]
        time.sleep(0.05)
    raise AssertionError(f"{marker!r} never reached the log:\n{instance.log_text()[-3000:]}")


# Behind a proxy: whose address counts.


def test_a_client_reaching_gunicorn_directly_is_counted_by_its_own_address(site, database):
    forged = "203.0.113.9"
    direct = Browser(forwarded_for=forged, source=DIRECT_CLIENT)
    assert sign_in(site, "nobody-direct", "wrong", direct).status == 200
    # Through the proxy, the address it appended is the visitor's.
    proxied = Browser(forwarded_for="6.6.6.6, 198.51.100.7")
    assert sign_in(site, "nobody-proxied", "wrong", proxied).status == 200

    addresses = recorded_addresses(database)
    assert DIRECT_CLIENT in addresses
    assert "198.51.100.7" in addresses
    assert forged not in addresses and "6.6.6.6" not in addresses


# Admin lockout: a stranger cannot lock an administrator out.


def test_a_stranger_locks_only_themselves_out_and_the_administrator_signs_in(site):
    stranger = Browser(forwarded_for="203.0.113.50")
    statuses = [
        sign_in(site, "editor", "wrong", stranger).status for _ in range(LOGIN_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (LOGIN_FAILURE_LIMIT - 1) + [429]
    # The stranger stays locked out, even with the right password.
    assert sign_in(site, "editor", PASSWORD, stranger).status == 429

    administrator = Browser(forwarded_for="198.51.100.20")
    signed_in = sign_in(site, "editor", PASSWORD, administrator)
    assert signed_in.status == 302
    assert signed_in.header("Location") == "/admin/"
    assert administrator.get(site, "/admin/").status == 200


# Health checks a load balancer can use.


def test_healthz_answers_a_load_balancer_over_plain_http_by_ip(site):
    response = site.get("/healthz", headers={"Host": "10.20.30.40"}, https=False)
    assert response.status == 200
    assert response.text == "ok\n"
    assert "no-store" in response.header("Cache-Control")
    # Everything else still goes to HTTPS, and other hosts are still refused.
    assert site.get("/background/", https=False).status == 301
    assert site.get("/background/", headers={"Host": "10.20.30.40"}).status == 400


def test_healthz_stays_200_with_redis_down_and_says_the_cache_is_degraded(site_env, tmp_path):
    env = dict(site_env, REDIS_URL=f"redis://127.0.0.1:{free_port()}/0", WEB_CONCURRENCY="1")
    instance = Gunicorn(env, tmp_path / "gunicorn.log").start()
    try:
        health = instance.get("/healthz", headers={"Host": "10.20.30.40"}, https=False)
        page = instance.get("/background/")
    finally:
        instance.stop()
    assert health.status == 200
    assert health.text == "ok\ncache: degraded\n"
    assert page.status == 200


def test_healthz_is_503_when_the_database_is_unreachable(site_env, tmp_path):
    env = dict(
        site_env,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/genmig",
        WEB_CONCURRENCY="1",
    )
    instance = Gunicorn(env, tmp_path / "gunicorn.log").start()
    try:
        health = instance.get("/healthz", headers={"Host": "10.20.30.40"}, https=False)
    finally:
        instance.stop()
    assert health.status == 503
    assert health.text == "unavailable\n"
    assert "Health check failed: the database does not answer" in instance.log_text()


# Mail: never the enquiry's content in the log.

ENQUIRY = {
    "topic": "research",
    "organisation_type": "individual",
    "country": "Atlantis",
    "privacy": "on",
}


def personal_enquiry():
    marker = secrets.token_hex(6)
    return {
        **ENQUIRY,
        "name": f"Zelda Quintero-{marker}",
        "email": f"zelda.{marker}@example.org",
        "message": f"My confidential message {marker} about partnering.",
    }


def assert_no_enquiry_content(log, fields):
    for key in ("name", "email", "message"):
        assert fields[key] not in log, f"the {key} is in the log"
    assert fields["name"].split("-")[-1] not in log  # nor any part that makes it unique


def test_no_enquiry_content_reaches_the_log_whether_mail_is_sent_or_printed(
    site, mail_server, site_env, tmp_path
):
    # Through a real mail server: the notification carries the content, the log does not.
    fields = personal_enquiry()
    response = Browser(forwarded_for="198.51.100.60").submit(site, "/contact/", fields)
    assert response.status == 302, response
    delivered = [m for m in mail_server.messages if fields["email"] in str(m["Reply-To"])]
    assert len(delivered) == 1
    assert fields["message"] in delivered[0].get_content()
    log_lines_after(site, "notification sent to")
    assert_no_enquiry_content(site.log_text(), fields)

    # With the console as mail server (make serve's trial), nothing of it is printed either.
    env = dict(site_env, EMAIL_URL="consolemail://", WEB_CONCURRENCY="1")
    instance = Gunicorn(env, tmp_path / "gunicorn.log").start()
    try:
        fields = personal_enquiry()
        response = Browser(forwarded_for="198.51.100.61").submit(instance, "/contact/", fields)
        assert response.status == 302, response
        log = log_lines_after(instance, "Email not sent (EMAIL_URL is the console)")
    finally:
        instance.stop()
    assert "research@iom.int" in log
    assert_no_enquiry_content(instance.log_text(), fields)
