import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from pages.models import Page


@pytest.fixture(scope="session", autouse=True)
def plain_http():
    """The test client and the live server speak plain HTTP: no redirect to HTTPS.

    Production redirects to HTTPS (DJANGO_SECURE_SSL_REDIRECT defaults to on without DEBUG);
    tests of that run the production stack itself (test_production.py).
    """
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, so no page cached by an earlier test is served."""
    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads go to a folder of the test's own, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def staff_client(db, django_user_model):
    """A logged-in superuser, separate from the anonymous `client`."""
    user = django_user_model.objects.create_superuser(
        username="editor", email="editor@iom.int", password="a-long-test-password"
    )
    staff = Client()
    staff.force_login(user)
    return staff


@pytest.fixture
def make_page(db):
    def make(**fields):
        fields.setdefault("title", "A page")
        fields.setdefault("slug", "a-page")
        fields.setdefault("summary", "What the page is about.")
        fields.setdefault("published", True)
        return Page.objects.create(**fields)

    return make


class SMTPServer:
    """A real SMTP server (aiosmtpd) on a free loopback port, keeping what it receives.

    `stop()` and `start()` take it down and bring it back on the same port; `delay` makes
    it slow to accept each message, `slow_mail` slow to answer MAIL FROM (past the client's
    timeout, so nothing is delivered), and `refuse` answers DATA with that reply.
    """

    def __init__(self):
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.envelopes = []
        self.delay = 0
        self.slow_mail = 0
        self.refuse = None
        self.controller = None

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(_SMTPHandler(self), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        """What arrived, parsed, each with the envelope's recipients as `rcpt_tos`."""
        import email
        from email import policy

        parsed = []
        for envelope in list(self.envelopes):
            message = email.message_from_bytes(envelope.original_content, policy=policy.default)
            message.rcpt_tos = list(envelope.rcpt_tos)
            parsed.append(message)
        return parsed


class _SMTPHandler:
    def __init__(self, server):
        self.server = server

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        import asyncio

        if self.server.slow_mail:
            await asyncio.sleep(self.server.slow_mail)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        if self.server.refuse:
            return self.server.refuse
        if self.server.delay:
            await asyncio.sleep(self.server.delay)
        self.server.envelopes.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A running SMTP server that the site's email goes to, for this test."""
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 2
    yield server
    server.stop()
