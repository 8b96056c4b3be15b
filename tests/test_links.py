"""manage.py check_links against a local HTTP server that answers 200, 301, 404 and never.

The server listens on 127.0.0.1, which the checker refuses unless LINK_CHECK_ALLOW_PRIVATE is
on: the tests turn it on, except those that show what it refuses.
"""

import datetime
import io
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from pages import probe
from pages.links import NOT_CHECKED_YET, addresses_in, collect_links
from pages.models import LinkCheck, Page, Resource, SiteSettings, Update
from partners.models import Partner

pytestmark = pytest.mark.django_db


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(self.path)
        if self.path in ("/ok", "/caf%C3%A9", "/wiki/Migration_(human)", "/%C3%A9t%C3%A9?q=%C3%BC"):
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
    settings.LINK_CHECK_TIMEOUT = 1  # the server's /hang answers never
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
        assert not probe.is_global(private), private
    for public in ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "::ffff:8.8.8.8"):
        assert probe.is_global(public), public


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
    original = probe.is_global
    monkeypatch.setattr(probe, "is_global", lambda ip: ip == "127.0.0.1" or original(ip))
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


class Trickle(socketserver.BaseRequestHandler):
    """Answers with headers that go on for 20 seconds, a byte every tenth of a second.

    Each byte comes well within any per-read timeout; a checker without a deadline for the
    whole probe waits the 20 seconds (forever, were the headers endless).
    """

    def handle(self):
        self.request.recv(65536)
        self.request.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        ends = time.monotonic() + 20
        while not self.server.stopping.wait(0.1) and time.monotonic() < ends:
            try:
                self.request.sendall(b"a")
            except OSError:
                return


@pytest.fixture(scope="module")
def trickle():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Trickle)
    server.daemon_threads = True
    server.stopping = threading.Event()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/slow"
    server.stopping.set()
    server.shutdown()
    server.server_close()


def run_check_links():
    out = io.StringIO()
    started = time.monotonic()
    call_command("check_links", stdout=out)
    return time.monotonic() - started, out.getvalue()


def test_a_server_answering_a_byte_at_a_time_is_cut_off_at_the_probes_deadline(
    settings, content, trickle
):
    base, page, partner = content
    partner.website = trickle
    partner.save()
    settings.LINK_CHECK_TIMEOUT = 1
    took, _out = run_check_links()
    assert took < 6
    slow = LinkCheck.objects.get(url=trickle)
    assert slow.broken and slow.status is None
    assert slow.error == "no answer within 1 seconds"
    assert LinkCheck.objects.get(url=f"{base}/ok").status == 200


def test_the_whole_run_ends_at_its_deadline_and_records_what_it_learnt(settings, content, trickle):
    base, page, partner = content
    partner.website = trickle
    partner.save()
    settings.LINK_CHECK_TIMEOUT = 60
    settings.LINK_CHECK_THREADS = 1
    settings.LINK_CHECK_RUN_TIMEOUT = 2
    took, out = run_check_links()
    assert took < 6
    slow = LinkCheck.objects.get(url=trickle)
    assert not slow.broken and slow.error == NOT_CHECKED_YET
    assert LinkCheck.objects.get(url=f"{base}/ok").status == 200
    assert LinkCheck.objects.get(url=f"{base}/gone").status == 404
    assert "Not checked, the run's 2 seconds (LINK_CHECK_RUN_TIMEOUT) being up: 1 addresses" in out
    # The next run, a day later, asks the address it missed before any other.
    LinkCheck.objects.exclude(url=trickle).update(
        checked_at=timezone.now() - datetime.timedelta(days=1)
    )
    settings.LINK_CHECK_TIMEOUT = 1
    settings.LINK_CHECK_RUN_TIMEOUT = 1.5
    run_check_links()
    slow.refresh_from_db()
    assert slow.error == "no answer within 1 seconds" and slow.broken


def test_addresses_keep_the_parentheses_they_pair_up():
    text = (
        "[people](https://en.wikipedia.org/wiki/Migration_(human)) moved "
        "(see https://example.org/a_(b)_c), https://example.org/x). "
        "<https://example.org/café> https://example.org/q?x=(1)."
    )
    assert addresses_in(text) == [
        "https://en.wikipedia.org/wiki/Migration_(human)",
        "https://example.org/a_(b)_c",
        "https://example.org/x",
        "https://example.org/café",
        "https://example.org/q?x=(1)",
    ]


def test_addresses_are_sent_encoded_as_browsers_send_them():
    assert (
        probe.request_address("https://bücher.example:8443/été/a b%20c?q=ü&r=(1)#part")
        == "https://xn--bcher-kva.example:8443/%C3%A9t%C3%A9/a%20b%20c?q=%C3%BC&r=(1)"
    )
    assert probe.request_address("http://[2001:db8::1]/é") == "http://[2001:db8::1]/%C3%A9"


def test_working_addresses_with_accents_or_parentheses_are_not_broken(content, web):
    base, page, partner = content
    page.body_en = (
        f"[Le café]({base}/café), [migration]({base}/wiki/Migration_(human)) and {base}/été?q=ü."
    )
    page.save()
    call_command("check_links")
    checks = {check.url: check for check in LinkCheck.objects.all()}
    for address in (f"{base}/café", f"{base}/wiki/Migration_(human)", f"{base}/été?q=ü"):
        assert checks[address].status == 200 and not checks[address].broken, address


def test_a_long_address_in_any_script_is_recorded(content):
    # Some 1,990 characters of three bytes each, varied so that PostgreSQL cannot compress
    # them: far past the 2,704 bytes an index row holds there.
    base, page, partner = content
    long_address = f"{base}/" + "".join(
        chr(0x4E00 + (i * 7919) % 20000) for i in range(1990 - len(base))
    )
    page.body_en = f"See {long_address} ."
    page.save()
    call_command("check_links")
    check = LinkCheck.objects.get(url=long_address)
    assert check.broken and check.status == 404
    call_command("check_links")  # and found again the next run, under the same key
    assert LinkCheck.objects.filter(url=long_address).count() == 1


def test_addresses_that_carry_a_private_ipv4_address_are_private():
    for private in (
        "64:ff9b::10.0.0.1",  # NAT64
        "64:ff9b::7f00:1",
        "64:ff9b:1::8.8.8.8",  # NAT64 for a local network
        "2002:a00:1::1",  # 6to4 of 10.0.0.1
        "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
        "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo, client 10.0.0.1
        "2001:0:a00:1::1",  # Teredo, server 10.0.0.1
        "::10.0.0.1",  # IPv4-compatible
    ):
        assert not probe.is_global(private), private
    for public in ("64:ff9b::8.8.8.8", "2002:808:808::1"):
        assert probe.is_global(public), public


def test_the_readme_cron_line_never_starts_a_run_while_one_is_busy():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    lines = [line for line in readme.splitlines() if "manage.py check_links" in line]
    cron = [line for line in lines if line.split()[:1] and line.split()[0][:1].isdigit()]
    assert cron and all(" flock -n " in line for line in cron), cron
