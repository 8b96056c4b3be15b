"""A provider that is down or slow at sign-in: a message within seconds, and local accounts
still sign in with their password."""

import socket
import threading
import time
from types import SimpleNamespace

import pytest
from django.test import Client

from tests.servers import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def silent_provider():
    """Accepts connections and never answers: a provider that hangs."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield SimpleNamespace(url=f"http://127.0.0.1:{listener.getsockname()[1]}/o", connections=held)
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


@pytest.fixture
def oidc_settings(settings):
    settings.STAFF_OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = "genmig-website"
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    settings.STAFF_OIDC_ROLE_GROUPS = {"GenMig.Editors": "Content editors"}
    return settings


@pytest.mark.parametrize("provider", ["silent", "down"])
def test_a_provider_that_does_not_answer_gives_a_message_in_time(
    oidc_settings, silent_provider, provider, django_user_model
):
    oidc_settings.STAFF_OIDC_ISSUER = (
        silent_provider.url if provider == "silent" else f"http://127.0.0.1:{free_port()}/o"
    )
    client = Client()
    started = time.monotonic()
    response = client.get("/admin/staff/oidc/sign-in/", follow=True)
    took = time.monotonic() - started
    assert took < 10, took
    assert response.redirect_chain[-1][0] == "/admin/login/"
    html = response.content.decode()
    assert "does not answer at the moment" in html
    assert "Sign in with your IOM account" in html
    # The password form still works for local accounts.
    django_user_model.objects.create_superuser("keeper", "keeper@iom.int", "a-long-password-1")
    signed_in = client.post(
        "/admin/login/?next=/admin/", {"username": "keeper", "password": "a-long-password-1"}
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == "/admin/"


def test_without_the_variables_there_is_no_iom_account_button(client):
    html = client.get("/admin/login/").content.decode()
    assert "IOM account" not in html
    assert client.get("/admin/staff/oidc/sign-in/").status_code == 404
    assert client.get("/admin/oidc/callback/?code=x&state=y").status_code == 404


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        (
            {"STAFF_OIDC_ISSUER": "https://login.example.org/t/v2.0"},
            "missing: STAFF_OIDC_CLIENT_ID",
        ),
        (
            {
                "STAFF_OIDC_ISSUER": "https://login.example.org/t/v2.0",
                "STAFF_OIDC_CLIENT_ID": "id",
                "STAFF_OIDC_CLIENT_SECRET": "secret",
                "STAFF_OIDC_ROLE_GROUPS": "GenMig.Editors",
            },
            "STAFF_OIDC_ROLE_GROUPS holds 'GenMig.Editors'",
        ),
    ],
)
def test_start_up_names_what_is_missing(variables, message):
    import os
    import subprocess
    import sys

    from tests.servers import ROOT

    env = {k: v for k, v in os.environ.items() if not k.startswith("STAFF_OIDC_")}
    env.update(variables)
    result = subprocess.run(  # noqa: S603 (the tests' own arguments)
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_an_id_token_signed_with_another_key_is_refused(oidc_settings):
    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa
    from django.core.cache import cache
    from django.core.exceptions import SuspiciousOperation

    from genmig.staff.oidc import StaffOIDCBackend

    oidc_settings.STAFF_OIDC_ISSUER = issuer = "https://login.example.org/tenant/v2.0"
    cache.set(f"staff-oidc-discovery:{issuer}", {"issuer": issuer}, 60)
    providers_key, other_key = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(2)
    )
    claims = {
        "iss": issuer,
        "aud": "genmig-website",
        "sub": "someone",
        "iat": int(time.time()),
        "exp": int(time.time()) + 300,
    }
    backend = StaffOIDCBackend()
    good = jwt.encode(claims, providers_key, algorithm="RS256")
    assert backend._verify_jws(good, providers_key.public_key())["sub"] == "someone"
    forged = jwt.encode(claims, other_key, algorithm="RS256")
    with pytest.raises(SuspiciousOperation, match="Signature verification failed"):
        backend._verify_jws(forged, providers_key.public_key())
    unsigned = jwt.encode(claims, None, algorithm="none")
    with pytest.raises(SuspiciousOperation):
        backend._verify_jws(unsigned, providers_key.public_key())


def test_a_password_form_with_a_code_in_its_address_never_reaches_the_provider(
    oidc_settings, silent_provider, django_user_model
):
    """The token request happens only from the callback, after `state` was checked."""
    oidc_settings.STAFF_OIDC_ISSUER = silent_provider.url
    oidc_settings.AUTHENTICATION_BACKENDS = [
        *oidc_settings.AUTHENTICATION_BACKENDS,
        "genmig.staff.oidc.StaffOIDCBackend",
    ]
    response = Client().post(
        "/admin/login/?code=stolen&state=forged", {"username": "x", "password": "y"}
    )
    assert response.status_code == 200
    time.sleep(0.5)  # for the listener to take a connection, had one been made
    assert silent_provider.connections == []
