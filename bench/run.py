"""make bench: load the production stack with wrk and compare pages with static files.

Starts, on loopback only, a Redis of its own, a database of its own (PostgreSQL when
DATABASE_URL names a server, SQLite otherwise), seeds 500 partners, and starts gunicorn with
genmig/gunicorn.conf.py and DEBUG off. For /, /partners/ and /background/ it then measures
with wrk the requests per second, p50 and p99 latency and errors, next to the same figures
for a static file of the same size (a copy of the page) served by the same gunicorn through
WhiteNoise, and the ratio page/static. It also prints the queries each page costs when it is
rendered and when it is served from the cache, and the compressed size of each page with
its stylesheet. Then the same pages through the front (nginx with deploy/nginx/, over HTTPS,
with its short page cache and its access log as shipped), each next to nginx serving the same
bytes as a file (the machine's limit): page and file in turn, by the same wrk, FRONT_ROUNDS
times each, the ratio the median of the rounds' (a load that comes and goes on a shared
machine then weighs on both alike; page and file loaded at once would not measure their costs,
since nginx answers every ready connection in turn, whatever each answer costs); and the time
an edit takes to show through the front.
BENCH_FRONT_ONLY=1 measures the front alone (no gunicorn table, no search).

Then it seeds 10,000 updates and resources (in English, a third also in French and Spanish),
indexes them for the site search, and measures search results pages next to /background/,
both rendered for every request (a second gunicorn with the page cache off), in the same run.
Last, it times `manage.py import_audience` on a generated day of 100,000 and 1,000,000 lines
of the front's access log, with its peak memory (bench/audience.py).
Everything it starts, it stops; results also go to var/bench/results.txt.

BENCH_ONLY=search measures the search part alone. BENCH_KEEP_DATABASE=1 keeps the seeded
database (PostgreSQL: `<DATABASE_URL's name>_bench_<documents>`; SQLite:
var/bench/search-<documents>.sqlite3) and reuses it when it is there, for the curve at
100,000 documents, which takes long to build.
"""

import gzip
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import audience

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
PAGES = [("home", "/"), ("partners", "/partners/"), ("background", "/background/")]
PARTNERS = 500
SEARCH_DOCUMENTS = int(os.environ.get("BENCH_SEARCH_DOCUMENTS", "10000"))
UPLOAD_MB = int(os.environ.get("BENCH_UPLOAD_MB", "500"))
SEARCH_PATHS = [
    "/search/?q=migration",
    "/search/?q=women+remittances",
    "/search/?q=%22care+work%22+-policy",
    "/fr/search/?q=migrantes",
    "/es/search/?q=trabajadoras",
]
# A results page may take at most this many times as long (p50) as uncached /background/.
SEARCH_BUDGET = {"PostgreSQL": 2.0, "SQLite": 3.0}
WORDS = {
    "en": "migration migrant women men gender remittances care work domestic labour policy "
    "research data mobility return family border health education rights refugees displacement "
    "climate employment skills diaspora integration corridor evidence survey report",
    "fr": "migration migrantes femmes hommes genre transferts soins travail domestique politique "
    "recherche données mobilité retour famille frontière santé éducation droits réfugiés "
    "déplacement climat emploi compétences diaspora intégration corridor enquête",
    "es": "migración migrantes mujeres hombres género remesas cuidados trabajo doméstico política "
    "investigación datos movilidad retorno familia frontera salud educación derechos refugiados "
    "desplazamiento clima empleo trabajadoras diáspora integración corredor encuesta",
}
ONLY = os.environ.get("BENCH_ONLY", "")
KEEP_DATABASE = os.environ.get("BENCH_KEEP_DATABASE", "") not in ("", "0")
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = os.environ.get("BENCH_CONNECTIONS", "16")
THREADS = "2"
FRONT_ROUNDS = int(os.environ.get("BENCH_FRONT_ROUNDS", "3"))
FRONT_ONLY = os.environ.get("BENCH_FRONT_ONLY") == "1"
HOST = "127.0.0.1"


def say(message):
    print(message, flush=True)


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_for_port(port, process, what, log=None):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            detail = Path(log).read_text(errors="replace")[-3000:] if log else ""
            sys.exit(f"make bench: {what} stopped at start.\n{detail}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"make bench: {what} did not start within 60 s")


def stop(process):
    if process and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


class Stack:
    """Redis, a database and gunicorn, all of the benchmark's own."""

    def __init__(self):
        self.processes = []
        self.pg_database = None
        self.pg_admin_dsn = None

    def start_redis(self):
        if not shutil.which("redis-server"):
            sys.exit("make bench needs redis-server: apt-get install redis-server")
        port = free_port()
        process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                HOST,
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.processes.append(process)
        wait_for_port(port, process, "redis-server")
        return f"redis://{HOST}:{port}/0"

    def database_url(self):
        """(URL, kind, whether it is a kept database seeded by an earlier run)."""
        server = os.environ.get("DATABASE_URL", "")
        if server.startswith(("postgres://", "postgresql://")):
            import psycopg

            parts = urlsplit(server)
            self.pg_admin_dsn = parts._replace(path="/postgres").geturl()
            if KEEP_DATABASE:
                name = f"{parts.path.strip('/') or 'genmig'}_bench_{SEARCH_DOCUMENTS}"
            else:
                name = self.pg_database = f"genmig_bench_{secrets.token_hex(4)}"
            with psycopg.connect(self.pg_admin_dsn, autocommit=True) as connection:
                kept = connection.execute(
                    "SELECT 1 FROM pg_database WHERE datname = %s", [name]
                ).fetchone()
                if not kept:
                    connection.execute(f'CREATE DATABASE "{name}"')
            return parts._replace(path=f"/{name}").geturl(), "PostgreSQL", bool(kept)
        if KEEP_DATABASE:
            database = OUT / f"search-{SEARCH_DOCUMENTS}.sqlite3"
            return f"sqlite:///{database}", "SQLite", database.exists()
        database = OUT / "db.sqlite3"
        database.unlink(missing_ok=True)
        return f"sqlite:///{database}", "SQLite", False

    def start_gunicorn(self, env, name="gunicorn"):
        port = free_port()
        log = OUT / f"{name}.log"
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "genmig/gunicorn.conf.py"],
            cwd=ROOT,
            env=dict(env, GUNICORN_BIND=f"{HOST}:{port}"),
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        wait_for_port(port, process, "gunicorn", log)
        return port

    def close(self):
        for process in reversed(self.processes):
            stop(process)
        if self.pg_database:
            import psycopg

            with psycopg.connect(self.pg_admin_dsn, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{self.pg_database}" WITH (FORCE)')


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def seed_and_measure(env):
    """In this process, on the benchmark's database: seed partners, count queries, copy pages."""
    setup_django(env)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from genmig.cache import new_generation
    from partners.models import Partner, PartnerType

    types = PartnerType.values
    if not Partner.objects.filter(slug="benchmark-partner-000").exists():  # a kept database
        Partner.objects.bulk_create(
            Partner(
                name=f"Benchmark partner organization {n:03d}",
                slug=f"benchmark-partner-{n:03d}",
                type=types[n % len(types)],
                country=("KE", "MX", "PH", "", "CA")[n % 5],
                website=f"https://partner{n:03d}.example.org",
                description="A research institution working on gender and migration.",
                published=True,
                position=n,
            )
            for n in range(PARTNERS)
        )
    new_generation()  # bulk_create sends no signals

    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST=HOST)
    queries, bodies = {}, {}
    for _name, path in PAGES:
        with CaptureQueriesContext(connection) as rendered:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        with CaptureQueriesContext(connection) as cached:
            client.get(path)
        queries[path] = (len(rendered), len(cached))
        bodies[path] = response.content
    listed = set(re.findall(rb"Benchmark partner organization (\d{3})", bodies["/partners/"]))
    assert len(listed) == PARTNERS, len(listed)

    # Static copies of the pages, the same size, for WhiteNoise to serve side by side.
    copies = Path(settings.STATIC_ROOT) / "bench"
    copies.mkdir(parents=True, exist_ok=True)
    statics = {}
    for name, path in PAGES:
        (copies / f"{name}.html").write_bytes(bodies[path])
        statics[path] = f"{settings.STATIC_URL}bench/{name}.html"
    stylesheet = re.search(rb'<link rel="stylesheet" href="([^"]+)"', bodies["/"]).group(1)
    return queries, bodies, statics, stylesheet.decode(), copies


def setup_django(env):
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed_search():
    """In this process: SEARCH_DOCUMENTS updates and resources, indexed; (entries, seconds)."""
    import datetime
    import random

    from pages.models import Resource, Update
    from pages.search import rebuild_index

    rng = random.Random(14)  # noqa: S311 - made-up text, the same on every run
    words = {language: text.split() for language, text in WORDS.items()}

    def text(language, count):
        return " ".join(rng.choice(words[language]) for _ in range(count))

    def translated(n, name, count):
        fields = {f"{name}_en": text("en", count).capitalize()}
        if n % 3 == 0:  # a third translated; the rest is found in English
            fields[f"{name}_fr"] = text("fr", count).capitalize()
            fields[f"{name}_es"] = text("es", count).capitalize()
        return fields

    updates = SEARCH_DOCUMENTS * 6 // 10
    start = datetime.date(2015, 1, 1)
    Update.objects.bulk_create(
        (
            Update(
                slug=f"bench-update-{n}",
                date=start + datetime.timedelta(days=n % 3650),
                published=n % 10 != 0,
                **translated(n, "title", 6),
                **translated(n, "summary", 25),
                **translated(n, "body", 150),
            )
            for n in range(updates)
        ),
        batch_size=500,
    )
    Resource.objects.bulk_create(
        (
            Resource(
                year=2000 + n % 25,
                url=f"https://publications.example.org/{n}",
                published=n % 10 != 0,
                **translated(n, "title", 8),
                **translated(n, "summary", 60),
            )
            for n in range(SEARCH_DOCUMENTS - updates)
        ),
        batch_size=500,
    )
    began = time.monotonic()
    entries = rebuild_index()
    return entries, time.monotonic() - began


def measure_search_queries():
    """In this process: the queries and bytes of page 2 of each search."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_X_FORWARDED_PROTO="https", HTTP_HOST=HOST)
    queries, sizes = {}, {}
    for path in SEARCH_PATHS:
        with CaptureQueriesContext(connection) as rendered:
            response = client.get(path + "&page=2")
        assert response.status_code == 200, (path, response.status_code)
        assert b"search-result" in response.content, path
        queries[path] = len(rendered)
        sizes[path] = len(response.content)
    return queries, sizes


def answers_within(url, seconds):
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    deadline = time.monotonic() + seconds
    while True:
        try:
            if parts.scheme == "https":  # the front's self-signed certificate
                connection = http.client.HTTPSConnection(
                    parts.hostname,
                    parts.port,
                    timeout=seconds,
                    context=ssl._create_unverified_context(),  # noqa: S323
                )
            else:
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=seconds)
            connection.request("GET", path, headers={"X-Forwarded-Proto": "https"})
            status = connection.getresponse().status
            connection.close()
            if status == 200:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            sys.exit(f"make bench: {url} did not answer 200 within {seconds} s")
        time.sleep(0.5)


def wrk(url, duration=DURATION, warm=True):
    command = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{duration}",
        "--latency",
        "--timeout",
        "10s",
        "-H",
        "X-Forwarded-Proto: https",
        url,
    ]
    answers_within(url, 120)  # every worker started and the path answers
    if warm:
        subprocess.run([*command[:3], "-d3s", *command[4:]], capture_output=True, check=True)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", output, re.M))
    kinds = {k: int(n) for k, n in re.findall(r"(connect|read|write|timeout) (\d+)", output)}
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    kinds["non-2xx/3xx"] = int(non_2xx.group(1)) if non_2xx else 0
    errors = sum(kinds.values())
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    return {
        "rate": rate,
        "p50": percentiles.get("50", "?"),
        "p99": percentiles.get("99", "?"),
        "errors": errors,
        "error_kinds": ", ".join(f"{k} {n}" for k, n in kinds.items() if n),
        "requests": requests,
    }


def measure_front(port, bodies, statics):
    """The same pages through the front of deploy/nginx/ (HTTPS, its short page cache), each
    next to nginx serving the same bytes as a file; then how long an edit takes to show."""
    from deploy.nginx import local

    problem = local.missing()
    if problem:
        say(f"make bench: no front table: {problem}")
        return [], None
    https_port, http_port = free_port(), free_port()
    shutil.rmtree(OUT / "nginx", ignore_errors=True)  # no page cached by an earlier run
    certificate, key = local.self_signed_certificate(OUT / "tls")
    config = local.render(
        OUT / "nginx",
        https_port=https_port,
        http_port=http_port,
        upstreams=[f"{HOST}:{port}"],
        certificate=certificate,
        key=key,
    )
    nginx = local.Nginx(config).start(https_port)
    try:
        base = f"https://{HOST}:{https_port}"
        rows = []
        for _name, path in PAGES:
            wrk(base + path, duration="2s")  # warm both: TLS sessions, the page in the cache
            wrk(base + statics[path], duration="2s")
            rounds = []
            for _round in range(FRONT_ROUNDS):
                page = wrk(base + path, warm=False)
                static = wrk(base + statics[path], warm=False)
                rounds.append((page["rate"] / static["rate"], page, static))
            rounds.sort(key=lambda found: found[0])
            _ratio, page, static = rounds[len(rounds) // 2]
            page["ratios"] = [round(found[0], 2) for found in rounds]
            rows.append((path, len(bodies[path]), page, static))
        return rows, time_an_edit(base)
    finally:
        nginx.stop()


def time_an_edit(base):
    """Seconds from saving a page to the front showing it (at most PAGE_SHARED_CACHE_SECONDS)."""
    import urllib.request

    from pages.models import Page

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE

    def text():
        with urllib.request.urlopen(base + "/background/", context=context) as response:  # noqa: S310
            return response.read().decode()

    text()
    page = Page.objects.get(slug="background")
    page.title = f"Edited for the benchmark {secrets.token_hex(3)}"
    page.save()
    saved = time.monotonic()
    while page.title not in text():
        if time.monotonic() - saved > 60:
            return None
        time.sleep(0.02)
    return time.monotonic() - saved


def table(rows, static_label):
    header = (
        f"{'page':<13}{'bytes':>8}  {'req/s':>8} {'p50':>8} {'p99':>8} {'err':>4}  |"
        f"  {static_label + ' req/s':>12} {'p50':>8} {'p99':>8} {'err':>4}  |  {'page/static':>11}"
    )
    lines = [header, "-" * len(header)]
    for path, size, page, static in rows:
        lines.append(
            f"{path:<13}{size:>8}  {page['rate']:>8.0f} {page['p50']:>8} {page['p99']:>8} "
            f"{page['errors']:>4}  |  {static['rate']:>12.0f} {static['p50']:>8} "
            f"{static['p99']:>8} {static['errors']:>4}  |  {page['rate'] / static['rate']:>11.2f}"
        )
    for path, _size, page, _static in rows:
        if "ratios" in page:
            lines.append(f"  {path}: page/file in each round {page['ratios']}, the median above")
    for path, _size, page, static in rows:
        for kind, figures in (("page", page), ("static", static)):
            if figures["errors"]:
                lines.append(f"  errors, {path} {kind}: {figures['error_kinds']}")
    return lines


def milliseconds(figure):
    """wrk's latency figure ("812.00us", "2.31ms", "1.02s") in milliseconds."""
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", figure)
    if not found:
        return float("nan")
    value, unit = found.groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def transfer_size(port, path, encoding):
    """Bytes of the body gunicorn sends for `path` to a browser that accepts `encoding`."""
    connection = http.client.HTTPConnection(HOST, port, timeout=10)
    connection.request(
        "GET", path, headers={"Accept-Encoding": encoding, "X-Forwarded-Proto": "https"}
    )
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status == 200, (path, response.status)
    return len(body), response.headers.get("Content-Encoding") or "identity"


def main():
    if not shutil.which("wrk"):
        sys.exit("make bench needs wrk: apt-get install wrk")
    import brotli

    OUT.mkdir(parents=True, exist_ok=True)
    stack = Stack()
    copies = None
    try:
        redis_url = stack.start_redis()
        database_url, database_kind, kept = stack.database_url()
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "GUNICORN_")) and key != "WEB_CONCURRENCY"
        }
        env.update(
            DJANGO_SETTINGS_MODULE="genmig.settings",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS=f"{HOST},localhost",
            DJANGO_PROXY_SSL_HEADER="X-Forwarded-Proto",
            TRUSTED_PROXY_COUNT="1",
            EMAIL_URL="consolemail://",
            DATABASE_URL=database_url,
            CONN_MAX_AGE="60",
            REDIS_URL=redis_url,
            LOG_LEVEL="WARNING",
        )
        say(
            f"make bench: {database_kind}{' (kept from an earlier run)' if kept else ''}, "
            f"Redis and gunicorn on loopback; migrating"
        )
        manage(env, "collectstatic", "--noinput")
        manage(env, "migrate", "--noinput")
        rows, front_rows, edit_seconds, backup_lines, audience_lines = [], [], None, [], []
        if ONLY != "search":
            say(f"make bench: seeding {PARTNERS} partners")
            queries, bodies, statics, stylesheet, copies = seed_and_measure(env)
        else:
            setup_django(env)
        if not FRONT_ONLY:
            if kept:
                from pages.models import SearchDocument

                entries, indexed_in = SearchDocument.objects.count(), None
            else:
                say(f"make bench: seeding and indexing {SEARCH_DOCUMENTS} documents for search")
                entries, indexed_in = seed_search()
            search_queries, search_sizes = measure_search_queries()
        if not FRONT_ONLY and ONLY != "search":
            from backup import measure as measure_backup  # bench/backup.py, beside this file

            say(f"make bench: backing up and restoring, with {UPLOAD_MB} MB of uploads")
            backup_lines = measure_backup(env)

        workers = subprocess.run(
            [sys.executable, "-c", "import multiprocessing as m; print(m.cpu_count() * 2 + 1)"],
            capture_output=True,
            text=True,
        ).stdout.strip()
        say(
            f"wrk: {THREADS} threads, {CONNECTIONS} connections, {DURATION} a run after a 3 s "
            f"warm-up; gunicorn: {os.environ.get('WEB_CONCURRENCY', workers)} sync workers, "
            f"{os.cpu_count()} cores shared with wrk\n"
        )

        if ONLY != "search":
            port = stack.start_gunicorn(env)
            base = f"http://{HOST}:{port}"
            for _name, path in PAGES if not FRONT_ONLY else ():
                page = wrk(base + path)
                static = wrk(base + statics[path])
                rows.append((path, len(bodies[path]), page, static))

            front_rows, edit_seconds = measure_front(port, bodies, statics)
            if FRONT_ONLY:
                say("\n".join(table(front_rows, "file")))
                if edit_seconds is not None:
                    say(f"  an edit saved showed through the front after {edit_seconds:.1f} s")
                return

            css_sizes = {enc: transfer_size(port, stylesheet, enc) for enc in ("gzip", "br")}
            css_plain = transfer_size(port, stylesheet, "identity")[0]

        # Search next to /background/, both rendered for every request, in the same run.
        uncached_port = stack.start_gunicorn(dict(env, PAGE_CACHE_SECONDS="0"), "gunicorn-uncached")
        uncached = f"http://{HOST}:{uncached_port}"
        background = wrk(uncached + "/background/")
        searches = [(path, wrk(uncached + path)) for path in SEARCH_PATHS]
        if ONLY != "search":
            audience_lines = audience.run(env)
    finally:
        stack.close()
        if copies:
            shutil.rmtree(copies, ignore_errors=True)

    lines = []
    if rows:
        lines += [
            "gunicorn alone (plain HTTP), next to a static file it serves through WhiteNoise:"
        ]
        lines += table(rows, "static")
        if front_rows:
            lines.append("")
            lines.append(
                "through the front (nginx of deploy/nginx/, HTTPS, its page cache), next to the "
                "same bytes as a file nginx serves itself:"
            )
            lines += table(front_rows, "file")
            if edit_seconds is not None:
                lines.append(f"  an edit saved showed through the front after {edit_seconds:.1f} s")
        lines.append("")
        lines.append(
            "queries per page: rendered (first visit after a change) / served from the cache"
        )
        for path, (rendered, cached) in queries.items():
            lines.append(f"  {path:<13}{rendered:>3} / {cached}")
        lines.append("")
        lines.append(
            f"transfer, compressed: page (gzip -6 / brotli -q 5, as the TLS proxy would) + its "
            f"stylesheet ({css_plain} bytes; gzip {css_sizes['gzip'][0]} / brotli "
            f"{css_sizes['br'][0]}, precompressed and served by WhiteNoise)"
        )
        for path, _size, _page, _static in rows:
            body = bodies[path]
            gz = len(gzip.compress(body, 6))
            br = len(brotli.compress(body, quality=5))
            css_gz, css_br = css_sizes["gzip"][0], css_sizes["br"][0]
            lines.append(
                f"  {path:<13}gzip {gz:>6} + {css_gz} = {gz + css_gz:>6}"
                f"   brotli {br:>6} + {css_br} = {br + css_br:>6} bytes"
            )
        lines.append("")
    built = "kept from an earlier run" if indexed_in is None else f"built in {indexed_in:.1f} s"
    lines.append(
        f"search on {database_kind}: {SEARCH_DOCUMENTS} documents ({entries} index entries, one "
        f"a language, {built}), every page rendered (page cache off)"
    )
    base_p50 = milliseconds(background["p50"])
    budget = SEARCH_BUDGET[database_kind]
    lines.append(
        f"  {'/background/':<34}{background['rate']:>8.0f} req/s  p50 {background['p50']:>8}"
        f"  p99 {background['p99']:>8}  err {background['errors']}"
    )
    for path, figures in searches:
        ratio = milliseconds(figures["p50"]) / (base_p50 or float("nan"))
        verdict = "ok" if ratio <= budget else f"OVER the {budget:g}x budget"
        lines.append(
            f"  {path:<34}{figures['rate']:>8.0f} req/s  p50 {figures['p50']:>8}"
            f"  p99 {figures['p99']:>8}  err {figures['errors']}  p50 x{ratio:.2f} ({verdict});"
            f" page 2: {search_queries[path]} queries, {search_sizes[path]} bytes"
        )
    lines.append("")
    lines += audience_lines
    lines += backup_lines
    text = "\n".join(lines)
    say(text)
    (OUT / "results.txt").write_text(text + "\n")
    say(f"\n(also in {OUT / 'results.txt'}; gunicorn's log in {OUT / 'gunicorn.log'})")


if __name__ == "__main__":
    main()
