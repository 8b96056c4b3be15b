"""manage.py check_links against a local HTTP server that answers 200, 301, 404 and never.

The server listens on 127.0.0.1, which the checker refuses unless LINK_CHECK_ALLOW_PRIVATE is
on: the tests turn it on, except those that show what it refuses.
"""

import datetime
import io
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.management import call_command
from django.utils import timezone

from pages import links
from pages.links import collect_links
from pages.models import LinkCheck, Page, Resource, SiteSettings, Update
from partners.models import Partner

pytestmark = pytest.mark.django_db


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(self.path)
        if self.path == "/ok":
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path.startswith("/to/"):  # /to/<address>: a redirect there
            self.send_response(302)
            self.send_header("Location", self.path[len("/to/") :])
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/hang":
            self.server.release.wait(30)  # never answers while the check waits
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def web():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.requests = []
    server.release = threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def content(web, settings):
    """Only content that links to the local server: nothing else is ever requested."""
    settings.LINK_CHECK_ALLOW_PRIVATE = True
    for model in (Page, Update, Resource, Partner):
        model.objects.all().delete()
    SiteSettings.objects.all().delete()
    web.requests.clear()
    base = f"http://127.0.0.1:{web.server_port}"
    page = Page.objects.create(
        title_en="About",
        slug="about",
        summary_en="About us.",
        body_en=f"See [our work]({base}/ok) and {base}/moved.",
        body_fr=f"Voir <{base}/gone>.",
    )
    partner = Partner.objects.create(
        name_en="Slow Institute", slug="slow", type="research", website=f"{base}/hang"
    )
    Resource.objects.create(
        title_en="Report", year=2024, summary_en="A report.", url=f"{base}/gone"
    )
    return base, page, partner


def test_every_external_link_is_found_with_where_it_is_used(content):
    base, page, partner = content
    found = collect_links()
    assert set(found) == {f"{base}/ok", f"{base}/moved", f"{base}/gone", f"{base}/hang"}
    gone = {(place["model"], place["field"], place["language"]) for place in found[f"{base}/gone"]}
    assert gone == {("pages.Page", "body", "fr"), ("pages.Resource", "url", "")}
    assert found[f"{base}/hang"][0]["pk"] == partner.pk


def test_broken_links_are_recorded_once_a_day_and_bounded_in_time(settings, content, web):
    base, page, partner = content
    settings.LINK_CHECK_TIMEOUT = 1
    started = time.monotonic()
    call_command("check_links")
    assert time.monotonic() - started < 5
    checks = {check.url: check for check in LinkCheck.objects.all()}
    assert not checks[f"{base}/ok"].broken and checks[f"{base}/ok"].status == 200
    assert not checks[f"{base}/moved"].broken and checks[f"{base}/moved"].status == 200
    assert checks[f"{base}/gone"].broken and checks[f"{base}/gone"].status == 404
    assert checks[f"{base}/hang"].broken and checks[f"{base}/hang"].status is None
    assert "no answer within 1 seconds" in checks[f"{base}/hang"].error
    assert len(checks[f"{base}/gone"].places) == 2

    # A second run the same day asks nothing again; a day later it does.
    web.requests.clear()
    call_command("check_links")
    assert web.requests == []
    LinkCheck.objects.update(checked_at=timezone.now() - datetime.timedelta(days=1))
    page.body_fr = ""  # no longer used there
    page.save()
    call_command("check_links")
    assert "/gone" in web.requests
    gone = LinkCheck.objects.get(url=f"{base}/gone")
    assert [place["model"] for place in gone.places] == ["pages.Resource"]
    page.body_en = ""
    page.save()
    call_command("check_links")
    assert not LinkCheck.objects.filter(url=f"{base}/ok").exists()


@pytest.fixture(scope="module")
def inner_web():
    """A server on another loopback address, standing for one on the internal network."""
    server = ThreadingHTTPServer(("127.0.0.2", 0), Handler)
    server.daemon_threads = True
    server.requests = []
    server.release = threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_only_public_addresses_count_as_global():
    for private in (
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",  # noqa: S104 (an address refused, not bound)
        "::1",
        "fe80::1%eth0",
        "fd00::1",
        "::ffff:10.0.0.1",
        "not an address",
    ):
        assert not links.is_global(private), private
    for public in ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "::ffff:8.8.8.8"):
        assert links.is_global(public), public


def test_private_addresses_and_redirects_into_them_are_not_fetched(
    settings, content, web, inner_web, monkeypatch
):
    base, page, partner = content
    settings.LINK_CHECK_ALLOW_PRIVATE = False
    inner = f"http://127.0.0.2:{inner_web.server_port}/ok"
    named = f"http://localhost:{web.server_port}/ok"
    page.body_en = (
        f"{base}/ok {named} {base}/to/{inner} {base}/to/ftp://127.0.0.2/file {base}/to/{base}/ok"
    )
    page.body_fr = ""
    page.save()
    partner.delete()
    Resource.objects.all().delete()

    # Off, as in production: the loopback server is not even asked.
    call_command("check_links")
    assert web.requests == []
    checks = {check.url: check for check in LinkCheck.objects.all()}
    assert checks[f"{base}/ok"].error == "not checked: private address"
    assert checks[named].error == "not checked: private address"
    assert not any(check.broken for check in checks.values())

    # The test server on 127.0.0.1 taken for a public one: what it redirects to is checked
    # again, so the internal server is never asked, nor an ftp address.
    original = links.is_global
    monkeypatch.setattr(links, "is_global", lambda ip: ip == "127.0.0.1" or original(ip))
    LinkCheck.objects.all().delete()
    call_command("check_links")
    assert inner_web.requests == []
    assert {f"/to/{inner}", "/to/ftp://127.0.0.2/file", f"/to/{base}/ok", "/ok"} <= set(
        web.requests
    )
    checks = {check.url: check for check in LinkCheck.objects.all()}
    assert checks[f"{base}/to/{inner}"].error == "not checked: private address"
    assert checks[f"{base}/to/ftp://127.0.0.2/file"].error == (
        "not checked: redirects to a non-web address"
    )
    assert checks[f"{base}/to/{base}/ok"].status == 200
    assert not any(check.broken for check in checks.values())


def test_an_address_too_long_to_record_is_left_out_and_said_so(content):
    base, page, partner = content
    too_long = f"{base}/ok?" + "q" * 2000
    page.body_es = f"Ver {too_long} ."
    page.save()
    out = io.StringIO()
    call_command("check_links", stdout=out)
    assert not LinkCheck.objects.filter(url=too_long).exists()
    assert LinkCheck.objects.get(url=f"{base}/ok").status == 200
    assert LinkCheck.objects.count() == 4
    assert (
        f"Not checked, longer than 2000 characters: {too_long[:100]}… used in About (body es)"
        in (out.getvalue())
    )
