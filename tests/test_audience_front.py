"""Audience figures through the shipped front: visitors from several loopback addresses read
pages, download a PDF and search through nginx (deploy/nginx/, rendered by local.py) in front
of one gunicorn instance; `manage.py import_audience` reads the access log nginx wrote, and
the admin's start page shows the counts. One stack for the module, on SQLite or PostgreSQL."""

import os
import re
import signal
import time

import pytest

from deploy.nginx import local
from tests.browser import give_code
from tests.servers import (
    Gunicorn,
    PostgresDatabase,
    create_editor,
    free_port,
    manage,
    postgres_url,
    production_env,
)
from tests.test_front import PASSWORD, Front, sign_in
from tests.test_history_browser import axe_violations

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
NOTHING = "zzqqxx"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    problem = local.missing()
    if problem:
        message = f"{problem}: apt-get install {' '.join(local.PACKAGES)}"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("audience-front")
    server = postgres_url()
    database = PostgresDatabase(server).create() if server else None
    env = production_env(
        DATABASE_URL=database.url if database else f"sqlite:///{folder / 'db.sqlite3'}",
        DJANGO_ALLOWED_HOSTS="localhost",
        EMAIL_URL="consolemail://",
        MEDIA_ROOT=str(folder / "media"),
        TRUSTED_PROXY_COUNT="1",
        WEB_CONCURRENCY="1",
    )
    instance, nginx = None, None
    try:
        manage(env, "migrate", "--noinput")
        create_editor(env, PASSWORD)
        (folder / "media" / "resources").mkdir(parents=True)
        (folder / "media" / "resources" / "report-3f2a.pdf").write_bytes(PDF)
        manage(
            env,
            "shell",
            "-c",
            "from pages.models import Resource; Resource.objects.create(title_en='Report', "
            "year=2026, file='resources/report-3f2a.pdf', published=True)",
        )
        instance = Gunicorn(env, folder / "gunicorn.log", host="localhost").start()
        https_port, http_port = free_port(), free_port()
        certificate, key = local.self_signed_certificate(folder / "tls")
        config = local.render(
            folder / "nginx",
            https_port=https_port,
            http_port=http_port,
            upstreams=[f"127.0.0.1:{instance.port}"],
            certificate=certificate,
            key=key,
            media_root=folder / "media",
        )
        nginx = local.Nginx(config).start(https_port)
        yield {
            "front": Front(https_port, http_port),
            "nginx": nginx,
            "env": env,
            "log": folder / "nginx" / "genmig-access.log",
        }
    finally:
        if nginx:
            nginx.stop()
        if instance:
            instance.stop()
        if database:
            database.drop()


def visit(front, source, agent, path, **headers):
    response = front.at(source).get(path, headers={"User-Agent": agent, **headers})
    assert response.status == (404 if path == "/no-such-page/" else 200), (path, response)
    return response


def flushed_log(stack, lines):
    """The access log once nginx has written `lines` lines: reopening its logs (USR1, as
    logrotate does) makes it write what it holds in its buffer."""
    stack["nginx"].process.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if stack["log"].exists() and len(stack["log"].read_bytes().splitlines()) >= lines:
            return stack["log"]
        time.sleep(0.1)
    raise AssertionError(f"nginx did not write {lines} lines to its access log")


@pytest.fixture(scope="module")
def imported(stack):
    """Visitors from four addresses, one of them a crawler; then the import of the log."""
    front = stack["front"]
    searches = []
    visit(front, "127.0.0.10", FIREFOX, "/")
    visit(front, "127.0.0.10", FIREFOX, "/background/", Referer="https://www.example.org/news")
    visit(front, "127.0.0.10", FIREFOX, "/fr/background/")
    pdf = visit(front, "127.0.0.10", FIREFOX, "/media/resources/report-3f2a.pdf")
    searches.append(visit(front, "127.0.0.10", FIREFOX, f"/search/?q={NOTHING}"))
    visit(front, "127.0.0.11", CHROME, "/background/", Referer=f"{front.origin}/")
    searches.append(visit(front, "127.0.0.11", CHROME, f"/search/?q={NOTHING}"))
    found = visit(front, "127.0.0.11", CHROME, "/search/?q=migration")
    visit(front, "127.0.0.12", FIREFOX, "/es/background/")
    searches.append(visit(front, "127.0.0.12", FIREFOX, f"/search/?q={NOTHING}"))
    visit(front, "127.0.0.12", FIREFOX, "/static/css/site.css")
    visit(front, "127.0.0.12", FIREFOX, "/healthz")
    visit(front, "127.0.0.12", FIREFOX, "/no-such-page/")
    # A crawler reads and downloads too, and is left out.
    visit(front, "127.0.0.13", GOOGLEBOT, "/background/")
    visit(front, "127.0.0.13", GOOGLEBOT, "/media/resources/report-3f2a.pdf")
    log = flushed_log(stack, 15)
    return {
        "pdf": pdf,
        "searches": searches,
        "found": found,
        "log": log.read_text(),
        "output": manage(stack["env"], "import_audience", str(log)).stdout,
        "again": manage(stack["env"], "import_audience", str(log)).stdout,
    }


def test_the_import_of_the_fronts_log_counts_what_visitors_read_and_searched(stack, imported):
    front = stack["front"]
    assert imported["pdf"].body == PDF
    # The result count reaches the log on searches nginx answered from its cache too.
    counts = [response.header("X-Search-Results") for response in imported["searches"]]
    assert counts == ["0", "0", "0"]
    assert int(imported["found"].header("X-Search-Results")) > 0
    assert "127.0.0.13" in imported["log"] and "Googlebot" in imported["log"]
    output = imported["output"]
    assert "15 lines, 0 counted before, 10 counted now, 5 left out" in output
    assert "0 skipped" in output
    # Imported again (as logrotate's next file would be): nothing counted twice.
    assert "15 counted before, 0 counted now" in imported["again"]

    editor = sign_in(front)
    html = editor.get(front, "/admin/").text
    section = html.split("What visitors read", 1)[1]
    assert re.search(
        r"3 visitors \(counted a day\), 5 page views, 1 document downloads and 4 searches",
        section,
    ), section[:600]
    background = re.search(
        r'<a href="/admin/pages/page/\d+/change/">/background/</a>\s*<small>(.*?)</small>'
        r'</span>\s*<span class="count">(\d+)</span>',
        section,
    )
    assert background and background[2] == "4"
    assert "en</abbr> 2" in background[1] and "fr</abbr> 1" in background[1]
    assert re.search(
        r'<a href="/admin/pages/resource/\d+/change/">/media/resources/report-3f2a.pdf</a>'
        r'</span>\s*<span class="count">1</span>',
        section,
    )
    assert re.search(r'www\.example\.org</span> <span class="count">1</span>', section)
    assert "localhost" not in section.split("Sites visitors came from", 1)[1].split("</ol>")[0]
    assert re.search(
        rf'<a href="/search/\?q={NOTHING}" lang="en">{NOTHING}</a> \(English\)</span>\s*'
        r'<span class="count">3</span>',
        section,
    )
    assert "migration" not in section.split("Searches that found nothing", 1)[1]


def test_the_section_and_a_change_form_pass_axe(stack, imported, open_tab, tmp_path):
    base = stack["front"].origin
    tab = open_tab(width=1280, height=900, ignore_https_errors=True)
    tab.goto(base + "/admin/login/")
    tab.fill("#id_username", "editor")
    tab.fill("#id_password", PASSWORD)
    tab.click("input[type=submit]")
    give_code(tab, base)
    reports = []
    for width in (360, 1280):
        tab.set_viewport_size({"width": width, "height": 900})
        tab.goto(base + "/admin/")
        section = tab.locator(".audience")
        assert section.locator("svg[role=img] rect").count() == 30
        tab.screenshot(path=tmp_path / f"audience-{width}.png", full_page=True)
        if report := axe_violations(tab):
            reports.append(f"{width} px:\n{report}")
    assert not reports, "\n".join(reports)
    # The most read page leads to its change form, which says how often it was read.
    section.locator("a", has_text="/background/").first.click()
    tab.wait_for_selector(".audience-views")
    assert "Read 4 times in the last 30 days (/background/)." in tab.text_content(".audience-views")
    assert axe_violations(tab) == ""
