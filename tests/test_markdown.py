"""Editors' Markdown: any text renders at once, and the admin refuses what would not show."""

import time

import pytest

from pages.markdown import MAX_DEPTH, MAX_LENGTH, render_markdown, too_deep
from pages.models import Update
from tests.servers import Gunicorn, manage, production_env

SIZE = 40_000
# Runs that make a backtracking or rescanning parser quadratic, and a long line.
SHAPES = [
    "[a](", "[", "]", "[](", "![a](", "[a][", "[a]: ", "[a](<", "*", "*a ", "**a", "*_", "_a",
    "`", "`a ", "<", "<a ", "<a href='", "<!--", "&#", "\\", "a", "|a", "- ", "1. ", "* a\n",
    "> ", "> - ", "<div>", "<b>", "<q>", "<x></p>",
]  # fmt: skip


def fill(shape, size=SIZE):
    return (shape * (size // len(shape) + 1))[:size]


def processor_time(function, *args):
    """Processor time this thread spends on a call: its work, whatever else runs alongside."""
    start = time.thread_time()
    result = function(*args)
    return time.thread_time() - start, result


@pytest.mark.parametrize("shape", SHAPES)
def test_forty_kilobytes_of_any_shape_render_with_bounded_work(shape):
    # Python-Markdown spent minutes of processor time on "[a](" or "<a " repeated.
    spent, html = processor_time(render_markdown, fill(shape))
    assert spent < 0.5, f"{spent:.2f} s of processor time for {shape!r} repeated"
    assert "<script" not in html


def test_nested_nested_brackets_render_with_bounded_work():
    spent, _html = processor_time(render_markdown, "[" * (SIZE // 2) + "]" * (SIZE // 2))
    assert spent < 0.5


@pytest.mark.django_db
def test_a_pathological_body_is_served_at_once(client, make_page):
    page = make_page(body="Intro [a](https://example.org).\n\n" + fill("[a]("))
    spent, response = processor_time(client.get, page.get_absolute_url())
    assert response.status_code == 200
    assert 'href="https://example.org"' in response.content.decode()
    assert spent < 1


def test_text_nested_too_deep_is_shown_as_plain_text():
    deep = "> " * (MAX_DEPTH + 1) + "a <b>c</b>"
    assert too_deep(str(render_markdown("> " * 3 + "a"))) is False
    html = str(render_markdown(deep))
    assert "<blockquote>" not in html
    assert html == "<p>" + "&gt; " * (MAX_DEPTH + 1) + "a &lt;b&gt;c&lt;/b&gt;</p>"


def test_depth_counts_elements_as_a_browser_nests_them():
    assert too_deep("<x></p>" * (MAX_DEPTH + 1))  # a stray closing tag closes nothing
    assert too_deep("<x><div></x>" * MAX_DEPTH)  # nor one that names an outer element
    assert not too_deep("<p>a" * 1000 + "<li>b" * 1000 + "<br>" * 1000)
    assert not too_deep("<x></x>" * 1000)


def admin_update(staff_client, body):
    return staff_client.post(
        "/admin/pages/update/add/",
        {"kind": "news", "title_en": "T", "slug": "t", "date": "2026-12-01", "summary_en": "S",
         "time_zone": "Europe/Zurich", "body_en": body},
    )  # fmt: skip


@pytest.mark.django_db
def test_admin_refuses_a_text_nested_too_deep_with_a_message(staff_client):
    response = admin_update(staff_client, "- " * (MAX_DEPTH + 1) + "item")
    assert response.status_code == 200
    assert f"more than {MAX_DEPTH} levels deep" in response.content.decode()
    assert not Update.objects.exists()


@pytest.mark.django_db
def test_admin_refuses_a_text_too_long_with_a_message(staff_client):
    response = admin_update(staff_client, "a" * (MAX_LENGTH + 1))
    assert response.status_code == 200
    assert f"at most {MAX_LENGTH:,} are allowed".replace(",", "") in (
        response.content.decode().replace(",", "").replace("\u202f", "").replace("\xa0", "")
    )
    assert not Update.objects.exists()
    assert admin_update(staff_client, fill("[a](")).status_code == 302


def test_common_markdown_renders_as_before_and_valid():
    html = str(
        render_markdown(
            '# Title\n\nWomen are **half** of [all](https://example.org "t") migrants.\n\n'
            '- one\n- two\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n\n<abbr title="x">IOM</abbr>'
        )
    )
    assert "<h2>Title</h2>" in html
    assert '<a href="https://example.org" title="t" rel="noopener noreferrer">all</a>' in html
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert "<th>a</th>" in html and "<td>2</td>" in html  # no obsolete align, no style
    assert '<abbr title="x">IOM</abbr>' in html


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    """gunicorn, one worker killed if silent for 5 seconds, serving pages of hostile Markdown."""
    folder = tmp_path_factory.mktemp("markdown")
    env = production_env(
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
        WEB_CONCURRENCY="1",
        GUNICORN_TIMEOUT="5",
    )
    manage(env, "migrate", "--noinput")
    manage(
        env,
        "shell",
        "-c",
        # bulk_create: saved as a migration or an import would, without indexing for search.
        "from pages.models import Page\n"
        "Page.objects.bulk_create(Page(title_en=slug, slug=slug, summary_en='S', published=True,\n"
        f"    body_en='[IOM](https://www.iom.int) ' + shape * ({SIZE} // len(shape)))\n"
        f"    for slug, shape in {[('links', '[a]('), ('tags', '<a '), ('emphasis', '*_')]!r})\n",
    )
    server = Gunicorn(env, folder / "gunicorn.log").start()
    yield server
    server.stop()


@pytest.mark.parametrize("slug", ["links", "tags", "emphasis"])
def test_a_hostile_page_is_served_by_gunicorn_before_its_worker_timeout(instance, slug):
    started = time.monotonic()
    response = instance.get(f"/{slug}/")
    assert response.status == 200
    assert 'href="https://www.iom.int"' in response.text
    assert time.monotonic() - started < 5
    assert "WORKER TIMEOUT" not in instance.log_text()
