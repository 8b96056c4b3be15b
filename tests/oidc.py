"""The OpenID provider the staff sign-in tests run against (tests/oidc_provider/), on loopback
in a process of its own, and the site configured to use it."""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.servers import ROOT, free_port

CLIENT_ID = "genmig-website"
ROLE_GROUPS = (
    "GenMig.Editors=Content editors,GenMig.Enquiries=Enquiry handlers,GenMig.Admins=superuser"
)
PROVIDER_PASSWORD = "provider-pw"


class Provider:
    """django-oauth-toolkit with OpenID Connect, PKCE required, RS256 with a key made here."""

    def __init__(self, folder, people, redirect_uri):
        self.folder = Path(folder)
        self.people_file = self.folder / "people.json"
        self.secret = secrets.token_urlsafe(24)
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}/o"
        self.redirect_uri = redirect_uri
        self.set_people(people)
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.key_file = self.folder / "provider-key.pem"
        self.key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        self.process = None

    def set_people(self, people):
        """Who the provider knows, with their roles and any change to their ID token."""
        self.people_file.write_text(json.dumps(people))

    def start(self):
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "DATABASE_URL"))
        }
        env.update(
            PROVIDER_SECRET_KEY=secrets.token_urlsafe(40),
            PROVIDER_DATABASE=str(self.folder / "provider.sqlite3"),
            PROVIDER_KEY_FILE=str(self.key_file),
            PROVIDER_ISSUER=self.issuer,
            PROVIDER_PEOPLE=str(self.people_file),
        )
        self.log = open(self.folder / "provider.log", "ab")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(  # noqa: S603 (the tests' own arguments)
            [
                sys.executable,
                "-m",
                "tests.oidc_provider.run",
                str(self.port),
                CLIENT_ID,
                self.secret,
                self.redirect_uri,
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_for_port(self.port, self.process, self.folder / "provider.log")
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.log.close()

    def site_env(self):
        return {
            "STAFF_OIDC_ISSUER": self.issuer,
            "STAFF_OIDC_CLIENT_ID": CLIENT_ID,
            "STAFF_OIDC_CLIENT_SECRET": self.secret,
            "STAFF_OIDC_ROLE_GROUPS": ROLE_GROUPS,
        }


def wait_for_port(port, process, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited at start:\n{Path(log_path).read_text(errors='replace')}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"did not listen within {timeout} s")


def provider_sign_in(tab, username):
    """On the provider's sign-in page: the person's name and password."""
    tab.fill("#id_username", username)
    tab.fill("#id_password", PROVIDER_PASSWORD)
    tab.click("#provider-submit")
