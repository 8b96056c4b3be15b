import os

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections
from django.test import Client, override_settings
from django.utils import translation

from pages.models import Page
from tests.browser import CHROMIUM, CHROMIUM_ARGS, in_ci, java, missing_tools
from tests.helpers import sign_in_verified


@pytest.fixture(scope="session", autouse=True)
def plain_http():
    """The test client and the live server speak plain HTTP: no redirect to HTTPS.

    Production redirects to HTTPS (DJANGO_SECURE_SSL_REDIRECT defaults to on without DEBUG);
    tests of that run the production stack itself (test_production.py).
    """
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(scope="session", autouse=True)
def cache_folder(tmp_path_factory):
    """The file cache (the default without REDIS_URL) in a folder of the run's own."""
    caches = {
        name: dict(config, LOCATION=str(tmp_path_factory.mktemp(f"cache-{name}")))
        if config["BACKEND"].endswith("FileBasedCache")
        else config
        for name, config in settings.CACHES.items()
    }
    with override_settings(CACHES=caches):
        yield


@pytest.fixture(scope="session", autouse=True)
def sequences_follow_restored_rows():
    """After the migrated content is loaded again (serialized_rollback, and
    restore_migrated_content below), new rows get keys after it, as in a real database.

    The content comes back under the keys it had, while PostgreSQL's sequences were reset
    when the tables were emptied: the next row saved (a partner, or the search index entry
    that every save writes) would take a key already in use.
    """
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db.backends.base.creation import BaseDatabaseCreation

    load = BaseDatabaseCreation.deserialize_db_from_string

    def load_then_reset_sequences(creation, data):
        load(creation, data)
        models = apps.get_models(include_auto_created=True)
        statements = creation.connection.ops.sequence_reset_sql(no_style(), models)
        with creation.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BaseDatabaseCreation, "deserialize_db_from_string", load_then_reset_sequences)
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, so no page cached by an earlier test is served."""
    cache.clear()


@pytest.fixture(autouse=True)
def english_to_begin_with():
    """Each test starts in English, whatever language an earlier test's request left active in
    the thread (a request to /fr/ leaves French on)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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
    sign_in_verified(staff, user)
    return staff


@pytest.fixture
def content_editor_client(db, django_user_model):
    """A member of Content editors, signed in with the second factor given."""
    user = django_user_model.objects.create_user(
        username="writer", password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Content editors"))
    return sign_in_verified(Client(), user)


@pytest.fixture
def make_page(db):
    def make(**fields):
        fields.setdefault("title", "A page")
        fields.setdefault("slug", "a-page")
        fields.setdefault("summary", "What the page is about.")
        fields.setdefault("published", True)
        return Page.objects.create(**fields)

    return make


@pytest.fixture(scope="session")
def browser_tools():
    """Chromium and Java for the real-browser tests: skipped without them, failed under CI."""
    message = missing_tools()
    if message:
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return {"chromium": CHROMIUM, "java": java()}


@pytest.fixture(scope="session")
def browser(browser_tools):
    """One headless Chromium for the whole run; each test opens its own context."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio event loop running on this thread, so Django takes
    # the thread for an async one: it refuses ORM calls, and hands out new database connections
    # in place of the test database's. The ORM is still only called synchronously here, so the
    # guard is lifted and the test database's connections are handed out as before.
    test_connections = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, connection in test_connections.items():
            connections[alias] = connection
        chromium = playwright.chromium.launch(
            executable_path=browser_tools["chromium"], args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def open_tab(browser):
    """Open a page in a fresh browser context (no cookies) with the given viewport."""
    contexts = []

    def open_tab(width=1280, height=800, **options):
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_tab
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def live_server(request):
    """pytest-django's live server, with the static files served as in production.

    pytest-django's own serves static files from the source folders under their plain names,
    while pages name the hashed files of the production storage, so no stylesheet would load.
    Here WhiteNoise serves what collectstatic wrote, as it does in production.
    """
    from pytest_django.live_server_helper import LiveServer

    address = (
        request.config.getvalue("liveserver")
        or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(address, start=False)
    server.thread.static_handler = lambda application: application
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def restore_migrated_content(django_db_setup, django_db_blocker):
    """The content that migrations create, as they left it, before and after a module's tests.

    A transactional test (live_server) empties every table when it ends; with
    serialized_rollback the content is loaded again when each test starts, but only under the
    primary keys it first had. On PostgreSQL, an earlier transactional test without it leaves
    content types recreated under new keys, and loading the content again then fails. So the
    tables are emptied and the content loaded before the module's first test, and once more
    after its last one for the tests that follow.
    """
    _reload_migrated_content(django_db_blocker)
    yield
    _reload_migrated_content(django_db_blocker)


def _reload_migrated_content(django_db_blocker):
    with django_db_blocker.unblock():
        for alias in connections:
            connection = connections[alias]
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                call_command(
                    "flush",
                    verbosity=0,
                    interactive=False,
                    database=alias,
                    inhibit_post_migrate=True,
                )
                connection.creation.deserialize_db_from_string(contents)


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
