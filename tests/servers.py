"""The production stack in tests: real gunicorn processes with DEBUG off, and a small client.

The client plays the TLS proxy: every request says X-Forwarded-Proto: https, as the proxy in
front of the instances does, so the instances run with exactly the production settings.
"""

import http.client
import itertools
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60

# Variables of the developer's own environment that must not leak into a test instance.
OWN_VARIABLES = ("DATABASE_URL", "REDIS_URL", "CACHE_KEY_PREFIX", "CACHE_DIR", "WEB_CONCURRENCY")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(**overrides):
    """The environment of a production instance, as .env.example describes it."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "GUNICORN_")) and key not in OWN_VARIABLES
    }
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_PROXY_SSL_HEADER="X-Forwarded-Proto",
        # The client plays the one TLS proxy in front (from 127.0.0.1, in FORWARDED_ALLOW_IPS).
        TRUSTED_PROXY_COUNT="1",
        # Production refuses to start without a mail server; nothing listens on this one, so
        # notifications stay pending unless a test names a real one.
        EMAIL_URL=f"smtp://127.0.0.1:{free_port()}",
        WEB_CONCURRENCY="2",
        LOG_LEVEL="INFO",
        # Without Redis the cache is a folder the instance's workers share; one of its own,
        # never the project's var/cache that the test process or `make serve` use.
        CACHE_DIR=tempfile.mkdtemp(prefix="genmig-cache-"),
    )
    env.update(overrides)
    return env


def manage(env, *args, root=ROOT):
    result = subprocess.run(  # noqa: S603 (the tests' own arguments)
        [sys.executable, "manage.py", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stderr}"
    return result


def create_editor(env, password):
    """The superuser "editor" (editor@iom.int) in the database `env` names."""
    manage(
        dict(env, DJANGO_SUPERUSER_PASSWORD=password),
        "createsuperuser",
        "--noinput",
        "--username",
        "editor",
        "--email",
        "editor@iom.int",
    )
    give_second_factor(env, "editor")


# Local accounts need a second factor: test accounts get an authenticator app and these
# recovery codes, and each sign-in of the run uses the next one (each works once).
RECOVERY_CODES = [f"recovery{n:05d}" for n in range(300)]
_next_code = itertools.count()
SECOND_FACTOR = """
from django.contrib.auth.models import User
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
for user in User.objects.filter(username__in={usernames!r}):
    TOTPDevice.objects.create(user=user, name="Authenticator app")
    device = StaticDevice.objects.create(user=user, name="Recovery codes")
    StaticToken.objects.bulk_create([StaticToken(device=device, token=t) for t in {codes!r}])
"""


def give_second_factor(env, *usernames):
    """An authenticator app and the recovery codes for the accounts (in `env`'s database)."""
    manage(env, "shell", "-c", SECOND_FACTOR.format(usernames=usernames, codes=RECOVERY_CODES))


def next_recovery_code():
    return RECOVERY_CODES[next(_next_code)]


def postgres_url():
    """The PostgreSQL server the suite runs on, or None when it runs on SQLite."""
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


class PostgresDatabase:
    """A database of its own on the suite's PostgreSQL server, migrated, dropped at the end."""

    def __init__(self, server_url):
        parts = urlsplit(server_url)
        self.name = f"genmig_stack_{secrets.token_hex(4)}"
        self.admin_dsn = parts._replace(path="/postgres").geturl()
        self.url = parts._replace(path=f"/{self.name}").geturl()

    def _execute(self, statement):
        import psycopg

        with psycopg.connect(self.admin_dsn, autocommit=True) as connection:
            connection.execute(statement)

    def create(self):
        self._execute(f'CREATE DATABASE "{self.name}"')
        return self

    def drop(self):
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def execute(self, statement, params=()):
        """Run SQL straight on the database: no Django, so no signals."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            cursor = connection.execute(statement, params)
            return cursor.fetchall() if cursor.description else None


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def header(self, name):
        return self.headers.get(name)

    def __repr__(self):
        return f"<Response {self.status} {self.text[:200]!r}>"


class Gunicorn:
    """One instance: `gunicorn -c genmig/gunicorn.conf.py` on a free loopback port."""

    def __init__(self, env, log_path, host=None, root=ROOT):
        self.env = env
        self.root = root  # where the site's code is: a copy of it, to test a release
        self.log_path = Path(log_path)
        self.process = None
        self.port = None
        # The Host header sent; instances behind one load balancer all get the site's name.
        self._host = host

    def start(self, port=None):
        """Start on `port` (a restart keeps the address a proxy knows) or on a free one."""
        self.port = port or free_port()
        env = dict(self.env, GUNICORN_BIND=f"127.0.0.1:{self.port}")
        self.log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "genmig/gunicorn.conf.py"],
            cwd=self.root,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start:\n{self.log_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not listen within {START_TIMEOUT} s:\n{self.log_text()}")

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.process:
            self.log.close()

    def log_text(self):
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    @property
    def host(self):
        return self._host or f"127.0.0.1:{self.port}"

    @property
    def origin(self):
        return f"https://{self.host}"

    def request(self, method, path, headers=None, body=None, https=True, source=None):
        """`source` is the client's own loopback address (127.0.0.1, the proxy's, if None)."""
        connection = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(source, 0) if source else None
        )
        sent = {"Host": self.host}
        if https:
            sent["X-Forwarded-Proto"] = "https"
        sent.update(headers or {})
        connection.request(method, path, body=body, headers=sent)
        answer = connection.getresponse()
        response = Response(answer.status, answer.headers, answer.read())
        connection.close()
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)


class Browser:
    """Keeps cookies like a browser would over HTTPS, and sends forms with their CSRF token."""

    def __init__(self, forwarded_for=None, source=None):
        self.cookies = {}
        self.forwarded_for = forwarded_for
        # Connecting from another address than the proxy's: a client reaching gunicorn directly.
        self.source = source

    def _headers(self, instance, extra=None):
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        headers.update(extra or {})
        return headers

    def _keep_cookies(self, response):
        for line in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(line).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, instance, path):
        response = instance.get(path, headers=self._headers(instance), source=self.source)
        self._keep_cookies(response)
        return response

    def post(self, instance, path, fields):
        headers = self._headers(
            instance,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": instance.origin,
                "Referer": instance.origin + path,
            },
        )
        response = instance.request(
            "POST", path, headers=headers, body=urlencode(fields, True), source=self.source
        )
        self._keep_cookies(response)
        return response

    def second_factor(self, instance, path="/admin/staff/second-factor/"):
        """The second step of a password sign-in: a recovery code."""
        response = self.submit(instance, path, {"code": next_recovery_code(), "next": "/admin/"})
        assert response.status == 302, response
        return response

    def submit(self, instance, path, changes=None):
        """Fill in the main form of the page at `path` as it is, apply `changes`, send it."""
        page = self.get(instance, path)
        assert page.status == 200, page
        changes = changes or {}
        fields = [(k, v) for k, v in form_fields(page.text) if k not in changes]
        return self.post(instance, path, [*fields, *changes.items()])


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append([])
        if not self.forms:
            return
        fields = self.forms[-1]
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    fields.append((name, attrs.get("value", "on")))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                fields.append((name, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]
        elif tag == "select" and name:
            self._select = [name, None]
        elif (
            tag == "option"
            and self._select is not None
            and ("selected" in attrs or self._select[1] is None)
        ):
            self._select[1] = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.forms[-1].append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if self._select[1] is not None:
                self.forms[-1].append(tuple(self._select))
            self._select = None


def form_fields(html):
    """The fields of the page's main form (the one with most fields; the admin's pages also
    have a sign-out form), as (name, value) pairs a browser would send unchanged."""
    parser = _FormParser()
    parser.feed(html)
    form = max(parser.forms, key=len)
    # A browser drops the one line break that may follow <textarea>.
    return [(name, value.removeprefix("\n")) for name, value in form]


def require_redis(url):
    """Redis at `url`, emptied; skip when it does not answer, or fail under CI."""
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        message = f"Redis at {url} does not answer ({error}): start redis-server"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    client.flushdb()
    return client
