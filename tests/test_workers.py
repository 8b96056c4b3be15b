"""One machine without Redis: three gunicorn workers behave as one site.

The cache is then a folder the workers share (CACHE_DIR) and the enquiry limit is counted in
the database. To be sure that different workers answer, requests are pinned: each is sent
but for its last line break on a connection of its own, so that each worker holds one and
cannot take another; then they are completed. The access log names the worker (its pid).
"""

import http.client
import re
import socket
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.helpers import tags
from tests.servers import Browser, Gunicorn, form_fields, manage, production_env

WORKERS = 3
ENQUIRY_RATE_LIMIT = 2


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("workers")
    env = production_env(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        WEB_CONCURRENCY=str(WORKERS),
        # The client plays the proxy and says who the visitor is in X-Forwarded-For.
        TRUSTED_PROXY_COUNT="1",
        ENQUIRY_RATE_LIMIT=str(ENQUIRY_RATE_LIMIT),
        ENQUIRY_MIN_SECONDS="0",
        # Each access line names the worker that answered, and the request's marker.
        GUNICORN_CMD_ARGS='--access-logformat=\'worker=%(p)s "%(r)s" %(s)s agent="%(a)s"\'',
    )
    manage(env, "migrate", "--noinput")
    instance = Gunicorn(env, folder / "gunicorn.log").start()
    # Every worker up and taking connections before any test pins requests to them.
    on_every_worker(instance, "/robots.txt", "started")
    yield instance
    instance.stop()


def raw_request(server, method, path, headers=None, body=b""):
    lines = [f"{method} {path} HTTP/1.1", f"Host: {server.host}", "X-Forwarded-Proto: https"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    lines += [f"Content-Length: {len(body)}", "Connection: close"]
    return ("\r\n".join(lines) + "\r\n").encode(), b"\r\n" + body


def pinned(server, requests):
    """Send each (head, rest) on a worker of its own; answer them one after the other."""
    assert len(requests) <= WORKERS
    connections = []
    for head, _rest in requests:
        connection = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        connection.sendall(head)  # the request is not complete: the worker waits for it
        connections.append(connection)
    responses = []
    for connection, (_head, rest) in zip(connections, requests, strict=True):
        with connection:
            connection.sendall(rest)
            answer = http.client.HTTPResponse(connection)
            answer.begin()
            responses.append((answer.status, dict(answer.getheaders()), answer.read()))
    return responses


def answering_workers(server, markers):
    """The pids of the workers whose access lines carry these request markers."""
    pattern = re.compile(r'worker=<(\d+)> .* agent="([^"]*)"')
    for _ in range(100):  # a worker writes its access line just after answering
        found = {
            m.group(2): m.group(1)
            for m in map(pattern.search, server.log_text().splitlines())
            if m and m.group(2) in markers
        }
        if len(found) == len(markers):
            return set(found.values())
        time.sleep(0.05)
    raise AssertionError(f"no access line for {set(markers) - set(found)}")


def on_every_worker(server, path, name):
    """GET `path` until each worker has answered it at once; every response, in order.

    A worker still starting takes no connection, so a round may be answered by fewer."""
    responses = []
    for attempt in range(20):
        markers = [f"{name}-{attempt}-{n}" for n in range(WORKERS)]
        requests = [raw_request(server, "GET", path, {"User-Agent": m}) for m in markers]
        responses += pinned(server, requests)
        if len(answering_workers(server, markers)) == WORKERS:
            return responses
    raise AssertionError(f"{WORKERS} workers never answered {path} at once")


def title_of(body):
    return re.search(r"<h1[^>]*>(.*?)</h1>", body.decode(), re.S).group(1).strip()


def test_an_edit_shows_through_every_worker_at_once(server):
    before = on_every_worker(server, "/background/", "warm")
    assert all(status == 200 for status, _headers, _body in before)
    # Every worker served the one copy in the shared cache.
    assert len({headers["ETag"] for _status, headers, _body in before}) == 1
    assert {title_of(body) for _status, _headers, body in before} == {"The gender gap in migration"}

    # Saved by another process, as the admin on another worker or a management command does.
    manage(
        server.env,
        "shell",
        "-c",
        "from pages.models import Page; page = Page.objects.get(slug='background'); "
        "page.title = 'Edited in another process'; page.save()",
    )

    after = on_every_worker(server, "/background/", "after-edit")
    assert {title_of(body) for _status, _headers, body in after} == {"Edited in another process"}


def enquiry_requests(server, address, count, marker="enquiry"):
    """`count` enquiries from `address`, each ready to be sent as a browser would."""
    browser = Browser(forwarded_for=address)
    form = browser.get(server, "/contact/")
    fields = dict(form_fields(form.text))
    fields.update(
        topic="partnership",
        name="A visitor",
        email="visitor@example.org",
        organisation_type="research",
        organisation="An institute",
        message="We would like to know more about partnering with GenMig.",
        privacy="on",
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": server.origin,
        "Referer": server.origin + "/contact/",
        "Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items()),
        "X-Forwarded-For": address,
    }
    body = urlencode(fields).encode()
    return [
        raw_request(server, "POST", "/contact/", {**headers, "User-Agent": f"{marker}-{n}"}, body)
        for n in range(count)
    ]


def test_the_enquiry_limit_counts_across_workers(server):
    requests = enquiry_requests(server, "203.0.113.7", ENQUIRY_RATE_LIMIT + 1, "limit")
    statuses = [status for status, _headers, _body in pinned(server, requests)]
    assert statuses == [302] * ENQUIRY_RATE_LIMIT + [429]
    # Each was answered by a worker of its own.
    markers = [f"limit-{n}" for n in range(ENQUIRY_RATE_LIMIT + 1)]
    assert len(answering_workers(server, markers)) == ENQUIRY_RATE_LIMIT + 1


def test_page_traffic_neither_fills_the_cache_nor_lets_another_enquiry_in(server):
    address = "203.0.113.8"
    for request in enquiry_requests(server, address, ENQUIRY_RATE_LIMIT):
        [(status, _headers, _body)] = pinned(server, [request])
        assert status == 302
    folder = Path(server.env["CACHE_DIR"])
    home = server.get("/")
    entries = len(list(folder.iterdir()))
    for number in range(1, 401):
        response = server.get(f"/?x={number}")
        assert response.status == 200
        assert response.header("ETag") == home.header("ETag")
    # One page, one entry: the parameter no page reads made no new one.
    assert len(list(folder.iterdir())) == entries
    links = [t["href"] for t in tags(response.text, "link") if t.get("href")]
    assert not [link for link in links if "x=" in link]
    [(status, _headers, _body)] = pinned(server, enquiry_requests(server, address, 1))
    assert status == 429


def test_ipv6_clients_are_limited_per_64_network(server):
    requests = [
        *enquiry_requests(server, "2001:db8:7:7::1", 1),
        *enquiry_requests(server, "2001:db8:7:7:aaaa::2", 1),
        *enquiry_requests(server, "2001:db8:7:8::1", 1),
    ]
    statuses = [status for status, _headers, _body in pinned(server, requests)]
    assert statuses == [302, 302, 302]
    more = enquiry_requests(server, "2001:db8:7:7:bbbb::3", 1)
    other = enquiry_requests(server, "2001:db8:7:9::1", 1)
    statuses = [status for status, _headers, _body in pinned(server, more + other)]
    assert statuses == [429, 302]
