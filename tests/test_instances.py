"""Two gunicorn instances sharing PostgreSQL and Redis behave as one site.

Runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://... make test, as .ci/run does)
with Redis on TEST_REDIS_URL (redis://127.0.0.1:6379/15 unless set; that database is emptied).
Each instance has two worker processes, so a count kept in one process's memory would show.
"""

import os
import re
import secrets

import pytest

from tests.servers import (
    Browser,
    Gunicorn,
    PostgresDatabase,
    give_second_factor,
    manage,
    postgres_url,
    production_env,
    require_redis,
)

PASSWORD = "a-long-test-password-for-instances"
LOGIN = "/admin/login/?next=/admin/"
LOGIN_FAILURE_LIMIT = 3
LOGIN_ADDRESS_FAILURE_LIMIT = 5
ENQUIRY_RATE_LIMIT = 3


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    server = postgres_url()
    if not server:
        pytest.skip("runs on PostgreSQL only: DATABASE_URL=postgres://... make test")
    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    redis = require_redis(redis_url)
    database = PostgresDatabase(server).create()
    logs = tmp_path_factory.mktemp("instances")
    env = production_env(
        DATABASE_URL=database.url,
        CONN_MAX_AGE="60",
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=f"genmig-test-{secrets.token_hex(4)}",
        # The client plays the TLS proxy, and says who the visitor is in X-Forwarded-For.
        TRUSTED_PROXY_COUNT="1",
        LOGIN_FAILURE_LIMIT=str(LOGIN_FAILURE_LIMIT),
        LOGIN_ADDRESS_FAILURE_LIMIT=str(LOGIN_ADDRESS_FAILURE_LIMIT),
        ENQUIRY_RATE_LIMIT=str(ENQUIRY_RATE_LIMIT),
        ENQUIRY_MIN_SECONDS="0",
    )
    instances = []
    try:
        manage(env, "migrate", "--noinput")
        for username in ("editor", "second-editor"):
            manage(
                dict(env, DJANGO_SUPERUSER_PASSWORD=PASSWORD),
                "createsuperuser",
                "--noinput",
                "--username",
                username,
                "--email",
                f"{username}@iom.int",
            )
        give_second_factor(env, "editor", "second-editor")
        for name in ("a", "b"):
            # Both answer to one host name, as behind a load balancer.
            instances.append(Gunicorn(env, logs / f"{name}.log", host="localhost").start())
        yield {"a": instances[0], "b": instances[1], "database": database}
    finally:
        for instance in instances:
            instance.stop()
        database.drop()
        redis.flushdb()


def sign_in(instance, username, password, address):
    browser = Browser(forwarded_for=address)
    response = browser.submit(instance, LOGIN, {"username": username, "password": password})
    if response.status == 302:
        browser.second_factor(instance)
    return browser, response


def test_an_edit_through_one_instance_is_seen_at_once_through_the_other(site):
    a, b, database = site["a"], site["b"], site["database"]
    visitor = Browser(forwarded_for="198.51.100.1")
    first = visitor.get(b, "/background/")
    assert first.status == 200
    assert "The gender gap in migration" in first.text

    # Changed behind Django's back (no signal): both instances keep serving the cached page,
    # which shows that B cached it, and that A reads the same cache.
    database.execute("UPDATE pages_page SET title = 'Changed in SQL' WHERE slug = 'background'")
    for instance in (b, a, b):
        again = visitor.get(instance, "/background/")
        assert again.header("ETag") == first.header("ETag")
        assert "Changed in SQL" not in again.text

    editor, response = sign_in(a, "editor", PASSWORD, "198.51.100.2")
    assert response.status == 302 and response.header("Location") == "/admin/"
    [(pk,)] = database.execute("SELECT id FROM pages_page WHERE slug = 'background'")
    saved = editor.submit(a, f"/admin/pages/page/{pk}/change/", {"title_en": "Edited through A"})
    assert saved.status == 302, re.findall(r'<ul class="errorlist[^>]*>.*?</ul>', saved.text, re.S)

    after = visitor.get(b, "/background/")
    assert after.status == 200
    assert "Edited through A" in after.text
    assert after.header("ETag") != first.header("ETag")


def send_enquiry(instance, address, number):
    return Browser(forwarded_for=address).submit(
        instance,
        "/contact/",
        {
            "topic": "partnership",
            "name": f"Visitor {number}",
            "email": f"visitor{number}@example.org",
            "organisation_type": "research",
            "organisation": "An institute",
            "message": "We would like to know more about partnering with GenMig.",
            "privacy": "on",
        },
    )


def test_the_enquiry_rate_limit_counts_across_instances(site):
    a, b, database = site["a"], site["b"], site["database"]
    address = "203.0.113.40"
    for number in range(ENQUIRY_RATE_LIMIT):
        response = send_enquiry((a, b)[number % 2], address, number)
        assert response.status == 302, response
        assert response.header("Location") == "/contact/thanks/"
    for instance in (a, b):
        refused = send_enquiry(instance, address, 99)
        assert refused.status == 429
    # Another visitor is not affected.
    assert send_enquiry(b, "203.0.113.41", 100).status == 302
    stored = database.execute("SELECT count(*) FROM partners_enquiry")
    assert stored == [(ENQUIRY_RATE_LIMIT + 1,)]


def test_the_admin_lockout_of_an_account_counts_across_instances(site):
    a, b = site["a"], site["b"]
    # Failures from one address, through both instances: the account there is what counts.
    statuses = [
        sign_in((a, b)[attempt % 2], "second-editor", "wrong", "192.0.2.99")[1].status
        for attempt in range(LOGIN_FAILURE_LIMIT)
    ]
    # The failure that reaches the limit is answered with the lock already.
    assert statuses == [200] * (LOGIN_FAILURE_LIMIT - 1) + [429]
    for instance in (a, b):
        _, locked = sign_in(instance, "second-editor", PASSWORD, "192.0.2.99")
        assert locked.status == 429
        assert "Too many failed sign-in attempts" in locked.text
        assert f"After {LOGIN_FAILURE_LIMIT} failed attempts" in locked.text
    # Whoever failed cannot lock the account for its owner elsewhere.
    _, response = sign_in(a, "second-editor", PASSWORD, "192.0.2.100")
    assert response.status == 302


def test_the_admin_lockout_of_an_address_counts_across_instances(site):
    a, b = site["a"], site["b"]
    address = "192.0.2.200"
    # Failures for different names, through both instances: the address is what counts.
    statuses = [
        sign_in((a, b)[attempt % 2], f"guess{attempt}", "wrong", address)[1].status
        for attempt in range(LOGIN_ADDRESS_FAILURE_LIMIT)
    ]
    assert statuses == [200] * (LOGIN_ADDRESS_FAILURE_LIMIT - 1) + [429]
    for instance in (a, b):
        _, locked = sign_in(instance, "editor", PASSWORD, address)
        assert locked.status == 429
    # The account itself is not locked: from elsewhere, its owner signs in.
    _, response = sign_in(b, "editor", PASSWORD, "192.0.2.201")
    assert response.status == 302
