"""Admin sign-in: lockout after repeated failures (django-axes) and the password rules."""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory

from genmig.http import client_ip

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "a-long-test-password"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser(
        username="editor", email="editor@iom.int", password=PASSWORD
    )


def sign_in(username, password, address):
    return Client().post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_failures_lock_an_account_only_at_the_address_they_came_from(editor):
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [sign_in("editor", "wrong", "10.0.0.1").status_code for _ in range(limit)]
    assert statuses == [200] * (limit - 1) + [429]
    locked = sign_in("editor", PASSWORD, "10.0.0.1")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Too many failed sign-in attempts" in html
    assert "GenMig website administration" in html  # the admin's own page
    assert f"locked for {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in html
    # Whoever guessed cannot lock the administrator out: from elsewhere, she signs in.
    assert sign_in("editor", PASSWORD, "10.0.1.1").status_code == 302


def test_failures_from_many_addresses_do_not_lock_the_account(editor):
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [sign_in("editor", "wrong", f"10.0.4.{n}").status_code for n in range(limit * 2)]
    assert 429 not in statuses
    assert sign_in("editor", PASSWORD, "10.0.5.1").status_code == 302


def test_an_address_is_locked_after_failures_for_any_names(editor, settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = limit = settings.AXES_FAILURE_LIMIT * 2
    statuses = [sign_in(f"guess{n}", "wrong", "10.0.2.1").status_code for n in range(limit)]
    assert statuses == [200] * (limit - 1) + [429]
    assert sign_in("editor", PASSWORD, "10.0.2.1").status_code == 429
    assert sign_in("editor", PASSWORD, "10.0.2.2").status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(editor):
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        assert sign_in("editor", "wrong", "10.0.3.1").status_code == 200
    assert sign_in("editor", PASSWORD, "10.0.3.1").status_code == 302
    for _ in range(limit - 1):
        assert sign_in("editor", "wrong", "10.0.3.1").status_code == 200


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded_for", "expected"),
    [
        (0, "127.0.0.1", "203.0.113.9", "127.0.0.1"),  # no proxy: the header is the visitor's
        (1, "127.0.0.1", "203.0.113.9", "203.0.113.9"),
        (1, "127.0.0.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the visitor's part skipped
        (2, "127.0.0.1", "6.6.6.6, 203.0.113.9, 10.1.1.1", "203.0.113.9"),
        (1, "127.0.0.1", "", "127.0.0.1"),
        (1, "::1", "2001:db8::7", "2001:db8::7"),
        (1, "10.0.0.5", "203.0.113.9", "203.0.113.9"),  # a proxy of the allowed network
        # A client that reaches the site directly is its own address, whatever it writes.
        (1, "192.0.2.44", "203.0.113.9", "192.0.2.44"),
        (1, "127.0.0.9", "203.0.113.9", "127.0.0.9"),
        (1, "2001:db8::1", "203.0.113.9", "2001:db8::1"),
    ],
)
def test_the_forwarded_address_is_read_only_from_a_trusted_proxy(
    settings, proxies, remote, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1", "::1", "10.0.0.0/24"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pw", "This password is too short"),
        ("password1234", "This password is too common"),
        ("739184625039", "This password is entirely numeric"),
    ],
)
def test_staff_passwords_go_through_the_validators(
    staff_client, django_user_model, password, message
):
    response = staff_client.post(
        "/admin/auth/user/add/",
        {
            "username": "newcomer",
            "password1": password,
            "password2": password,
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not django_user_model.objects.filter(username="newcomer").exists()
