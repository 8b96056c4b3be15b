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


def test_an_account_is_locked_after_repeated_failures_from_anywhere(editor):
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [sign_in("editor", "wrong", f"10.0.0.{n}").status_code for n in range(limit)]
    assert statuses == [200] * (limit - 1) + [429]
    locked = sign_in("editor", PASSWORD, "10.0.1.1")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Too many failed sign-in attempts" in html
    assert "GenMig website administration" in html  # the admin's own page
    assert f"locked for {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in html


def test_an_address_is_locked_after_failures_for_any_names(editor):
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [sign_in(f"guess{n}", "wrong", "10.0.2.1").status_code for n in range(limit)]
    assert statuses[-1] == 429
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
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "203.0.113.9", "127.0.0.9"),  # no proxy: the header is the visitor's own word
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # what the visitor wrote is skipped
        (2, "6.6.6.6, 203.0.113.9, 10.1.1.1", "203.0.113.9"),
        (1, "", "127.0.0.9"),
    ],
)
def test_the_client_address_trusts_only_the_configured_proxies(
    settings, proxies, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.9", HTTP_X_FORWARDED_FOR=forwarded_for)
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
