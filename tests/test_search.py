"""Site search: languages, query syntax, publishing, bad input, budgets (on either database)."""

import re

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from pages.models import Page, Resource, SearchDocument, Update
from partners.models import Partner, PartnerType
from tests.helpers import learn_the_clock, tags

PREFIX = {"en": "", "fr": "/fr", "es": "/es"}


@pytest.fixture(autouse=True)
def english():
    """Content is made in English (`title=` is the active language's field), whatever
    language a request of an earlier test left active."""
    with translation.override("en"):
        yield


def make_update(title, summary="What happened.", **fields):
    fields.setdefault("slug", re.sub(r"\W+", "-", title.lower()).strip("-"))
    fields.setdefault("published", True)
    return Update.objects.create(title=title, summary=summary, **fields)


def make_resource(title, summary="What the data say.", **fields):
    fields.setdefault("year", 2024)
    fields.setdefault("url", "https://publications.iom.int/example")
    fields.setdefault("published", True)
    return Resource.objects.create(title=title, summary=summary, **fields)


def make_partner(name, **fields):
    fields.setdefault("slug", re.sub(r"\W+", "-", name.lower()).strip("-"))
    fields.setdefault("type", PartnerType.NGO)
    fields.setdefault("published", True)
    return Partner.objects.create(name=name, **fields)


def search(client, query, language="en", **params):
    response = client.get(f"{PREFIX[language]}/search/", {"q": query, **params})
    assert response.status_code == 200
    return response.content.decode()


def result_titles(html):
    return re.findall(r'<h2 class="search-result__title"[^>]*><a href="[^"]*">([^<]*)</a>', html)


def status(html):
    found = re.search(r'<p class="search-count" role="status">(.*?)</p>', html, re.S)
    return found and found.group(1)


def error(html):
    found = re.search(r'<p class="field__error" id="search-q_error">(.*?)</p>', html, re.S)
    return found and re.sub(r"<[^>]+>", "", found.group(1))


# Where: the form in every header, the results page


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("path", ["/", "/background/", "/updates/", "/contact/", "/no-such-page/"])
def test_every_page_has_a_labelled_search_form_in_its_header(client, language, path):
    html = client.get(PREFIX[language] + path).content.decode()
    header = html.split("<header", 1)[1].split("</header>", 1)[0]
    forms = tags(header, "form")
    assert len(forms) == 1
    assert forms[0]["role"] == "search" and forms[0]["aria-label"]
    assert forms[0]["action"] == f"{PREFIX[language]}/search/"
    assert forms[0]["method"] == "get"
    [field] = tags(header, "input")
    assert field["name"] == "q" and field["type"] == "search"
    assert any(label["for"] == field["id"] for label in tags(header, "label"))


@pytest.mark.django_db
def test_results_are_labelled_by_kind_linked_dated_with_matches_marked(client):
    update = make_update(
        "Care work webinar",
        summary="Migrant women and care work across borders.",
        date="2024-03-08",
    )
    make_resource("Care economy report", summary="How care work is counted.")
    make_partner("Care Workers Alliance", description="A network of domestic workers.")
    Page.objects.create(
        title="Care",
        slug="care",
        summary="Our work on care.",
        body="Care **work** matters.",
        published=True,
    )
    html = search(client, "care")
    assert status(html) == "4 results for “care”"
    items = re.findall(r'<li class="search-result".*?</li>', html, re.S)
    assert len(items) == 4
    kinds = sorted(re.search(r'<span class="tag">([^<]*)</span>', i).group(1) for i in items)
    assert kinds == ["Page", "Partner", "Resource", "Update"]
    webinar = next(i for i in items if "Care work webinar" in i)
    assert f'href="{update.get_absolute_url()}"' in webinar
    assert '<time datetime="2024-03-08">' in webinar
    assert "<mark>care</mark> work" in webinar
    assert 'role="status"' in html


@pytest.mark.django_db
def test_title_matches_rank_above_text_matches(client):
    make_update("Annual review", summary="Something about remittances in passing.")
    make_update("Remittances and gender", summary="A study.")
    assert result_titles(search(client, "remittances")) == [
        "Remittances and gender",
        "Annual review",
    ]


# Language-aware


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "query", "title"),
    [
        ("en", "partnering", "Partners of the lab"),
        ("fr", "migrante", "Les femmes migrantes"),
        ("fr", "migration", "Les migrations de travail"),
        ("es", "migrante", "Las mujeres migrantes"),
    ],
)
def test_words_find_their_other_forms_in_each_language(client, language, query, title):
    make_update("Unrelated news", slug="unrelated", **{f"title_{language}": "Rien"})
    make_update("An update", slug="the-update", **{f"title_{language}": title})
    found = result_titles(search(client, query, language))
    assert title in found and "Rien" not in found


@pytest.mark.django_db
def test_each_language_searches_its_own_text(client):
    make_update(
        "Women on the move",
        title_fr="Les femmes en mouvement",
        title_es="Mujeres en movimiento",
    )
    assert "Les femmes en mouvement" in result_titles(search(client, "femmes", "fr"))
    assert result_titles(search(client, "femmes", "es")) == []
    assert "Mujeres en movimiento" in result_titles(search(client, "mujeres", "es"))
    html = search(client, "femmes", "fr")
    assert 'href="/fr/updates/women-on-the-move/"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "es"])
def test_text_not_yet_translated_is_found_in_english(client, language):
    make_update("Webinars on remittances", summary="Recordings of the webinars.")
    html = search(client, "webinar", language)
    assert result_titles(html) == ["Webinars on remittances"]
    item = re.search(r'<li class="search-result">.*?</li>', html, re.S).group(0)
    assert '<h2 class="search-result__title" lang="en">' in item
    assert '<p class="search-result__excerpt" lang="en">' in item
    label = {"fr": "En anglais", "es": "En inglés"}[language]
    assert f'<span class="tag tag--language">{label}</span>' in item


@pytest.mark.django_db
def test_quoted_phrases_exclusions_and_or(client):
    make_update("Care work in cities", slug="a")
    make_update("Work on care corridors", slug="b")
    make_update("Domestic workers abroad", slug="c")
    assert result_titles(search(client, '"care work"')) == ["Care work in cities"]
    assert result_titles(search(client, "care -corridors")) == ["Care work in cities"]
    assert sorted(result_titles(search(client, "corridors or domestic"))) == [
        "Domestic workers abroad",
        "Work on care corridors",
    ]
    assert result_titles(search(client, "corridors OR domestic -abroad")) == [
        "Work on care corridors"
    ]
    assert result_titles(search(client, '-"care work" corridors')) == ["Work on care corridors"]


# What visitors may find: each model's published(), asked when searching


@pytest.mark.django_db
def test_only_published_items_are_found_and_the_index_follows_saves_and_deletes(client):
    update = make_update("Draft on remittances", published=False)
    partner = make_partner("Remittances Network", published=False)
    assert result_titles(search(client, "remittances")) == []
    update.published = True
    update.save()
    assert result_titles(search(client, "remittances")) == ["Draft on remittances"]
    update.title = "Remittance corridors"
    update.save()
    assert result_titles(search(client, "corridors")) == ["Remittance corridors"]
    assert result_titles(search(client, "draft")) == []
    update.delete()
    partner.published = True
    partner.save()
    assert result_titles(search(client, "remittances")) == ["Remittances Network"]
    assert not SearchDocument.objects.filter(kind="update").exists()


@pytest.mark.django_db
def test_visibility_is_decided_when_searching_not_when_indexing(client):
    # A change that sends no signal (as a schedule reaching its time does) shows at once.
    make_update("Remittances study")
    Update.objects.update(published=False)
    assert result_titles(search(client, "remittances")) == []
    Update.objects.update(published=True)
    cache.clear()  # as it is at the latest PAGE_CACHE_SECONDS later, as for any page
    assert result_titles(search(client, "remittances")) == ["Remittances study"]


@pytest.mark.django_db
def test_rebuild_command_indexes_everything_again(client):
    make_update("Remittances study")
    make_partner("Remittances Network")
    SearchDocument.objects.all().delete()
    assert result_titles(search(client, "remittances")) == []
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert sorted(result_titles(search(client, "remittances"))) == [
        "Remittances Network",
        "Remittances study",
    ]


# Pages of results, no results


@pytest.mark.django_db
def test_ten_results_a_page_with_pagination(client):
    for i in range(23):
        make_update(f"Remittances note {i:02d}")
    first = search(client, "remittances")
    assert len(result_titles(first)) == 10
    assert status(first) == "23 results for “remittances” · page 1 of 3"
    assert 'href="?q=remittances&amp;page=2" rel="next"' in first
    last = search(client, "remittances", page="3")
    assert len(result_titles(last)) == 3
    assert set(result_titles(first)).isdisjoint(result_titles(last))
    assert 'start="21"' in last


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("page", "expected"),
    [("99", 3), ("0", 1), ("abc", 1), ("-1", 1), ("²", 1), ("9" * 30, 3), ("", 1)],
)
def test_a_page_beyond_the_last_or_not_a_number_shows_a_page_of_results(client, page, expected):
    for i in range(23):
        make_update(f"Remittances note {i:02d}")
    html = search(client, "remittances", page=page)
    assert f"page {expected} of 3" in status(html)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_no_results_says_so_suggests_a_spelling_and_points_to_contact(client, language):
    make_update("Remittances and migration", title_fr="Remises", title_es="Remesas")
    word = {"en": "remitances", "fr": "remisse", "es": "remesaz"}[language]
    html = search(client, word, language)
    assert status(html).startswith("0 ")
    suggestion = re.search(r'class="search-suggestion">.*?<a href="\?q=([^"]+)">', html).group(1)
    assert result_titles(search(client, suggestion, language))
    assert f'href="{PREFIX[language]}/contact/"' in html


@pytest.mark.django_db
def test_suggestions_never_reveal_unpublished_titles(client):
    make_update("Confidential remittances draft", published=False)
    html = search(client, "confidentiel")
    assert "Confidential" not in html and "confidential" not in html


# Bad input: a clear page, never a 500, never the query unescaped

BAD_QUERIES = [
    "x" * 1000,
    '- " or',
    "-",
    '""',
    "OR",
    "🙂🌍",
    "مهاجرات النساء",
    "נשים מהגרות",
    "'; DROP TABLE pages_page; --",
    "1' OR '1'='1",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "NEAR(care work) title_terms:care *",
    "care AND NOT work ^",
    "\x00care",
    "care\u202edlrow",
    "   ",
    "",
]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_input_gets_a_clear_page(client, language, query):
    make_update("Care work", summary="Care <b>work</b> & migration.")
    html = search(client, query, language)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert len(tags(html, "h1")) == 1
    # Either a message next to the field or the number of results, never nothing.
    assert error(html) or status(html)
    if error(html):
        field = next(f for f in tags(html, "input") if f.get("id") == "search-q")
        assert "search-q_error" in field["aria-describedby"]
        assert field["aria-invalid"] == "true"


@pytest.mark.django_db
def test_markup_in_indexed_text_is_shown_as_text(client):
    make_update(
        "Care work",
        summary="Care work & <b>pay</b>.",
        body="Care `<script>alert(1)</script>` workers & <img src=x onerror=alert(1)> care.",
    )
    html = search(client, "care")
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>pay" not in html
    # The code the text quotes is shown as text.
    assert "alert(1)" in html.split('class="search-results"', 1)[1]


@pytest.mark.django_db
def test_an_overlong_query_is_refused_with_a_message_and_kept_in_the_field(client):
    html = search(client, "care " * 200)
    assert "limited to 200 characters" in error(html)
    field = next(f for f in tags(html, "input") if f.get("id") == "search-q")
    assert field["value"] == ("care " * 200)


@pytest.mark.django_db
def test_only_operators_are_refused_with_a_message(client):
    assert "Type at least one word" in error(search(client, '- " or'))


@pytest.mark.django_db
def test_an_empty_search_page_shows_only_the_form(client):
    html = client.get("/search/").content.decode()
    assert not error(html) and not status(html)
    assert any(f.get("id") == "search-q" for f in tags(html, "input"))


# Search engines, browsers, caches


@pytest.mark.django_db
def test_search_pages_are_noindex_and_cached_no_longer_than_other_pages(client):
    make_update("Care work")
    other = client.get("/background/")
    for params in [{}, {"q": "care"}, {"q": "nothing-here"}]:
        response = client.get("/search/", params)
        assert response["X-Robots-Tag"] == "noindex"
        meta = {m.get("name"): m.get("content") for m in tags(response.content, "meta")}
        assert meta["robots"] == "noindex"
        assert response["Cache-Control"] == other["Cache-Control"]


@pytest.mark.django_db
def test_an_edit_shows_in_search_results_at_once(client):
    update = make_update("Care work")
    assert result_titles(search(client, "care")) == ["Care work"]
    update.title = "Domestic work"
    update.save()
    assert result_titles(search(client, "care")) == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_opensearch_description_linked_from_every_page(client, language):
    for path in ["/", "/background/", "/search/"]:
        html = client.get(PREFIX[language] + path).content.decode()
        [link] = [
            t
            for t in tags(html, "link")
            if t.get("type") == "application/opensearchdescription+xml"
        ]
        assert link["rel"] == "search" and link["title"] == "GenMig"
        assert link["href"] == f"{PREFIX[language]}/opensearch.xml"
    response = client.get(f"{PREFIX[language]}/opensearch.xml")
    assert response["Content-Type"].startswith("application/opensearchdescription+xml")
    import xml.etree.ElementTree as ET

    root = ET.fromstring(response.content)  # noqa: S314
    ns = {"os": "http://a9.com/-/spec/opensearch/1.1/"}
    assert root.find("os:ShortName", ns).text == "GenMig"
    assert root.find("os:Language", ns).text == language
    urls = {u.get("type"): u.get("template") for u in root.findall("os:Url", ns)}
    assert urls["text/html"] == f"http://testserver{PREFIX[language]}/search/?q={{searchTerms}}"


# Budgets


def add_documents(start, stop):
    for i in range(start, stop):
        make_update(f"Remittances note {i}", summary=f"Care work and remittances, note {i}.")
        make_resource(f"Remittances data {i}", summary="Remittances and care by country.")
        make_partner(f"Remittances partner {i}", description="Works on remittances.")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr", "es"])
@pytest.mark.parametrize("query", ["remittances", "care -country", "remitances"])
def test_query_count_is_constant_and_within_budget(
    client, language, query, django_assert_max_num_queries
):
    counts = []
    for start, stop in [(0, 2), (2, 40)]:
        add_documents(start, stop)
        learn_the_clock()  # a results page is stored like any other page
        with django_assert_max_num_queries(4) as captured:
            search(client, query, language)
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1], f"{counts[0]} queries with 6 items, {counts[1]} with 120"


@pytest.mark.django_db
def test_a_results_page_weighs_at_most_60_kb(client):
    long_text = "Remittances and care work. " * 400
    for i in range(12):
        make_update(
            f"Remittances {'and care work ' * 10}{i}",
            slug=f"long-{i}",
            summary=long_text[:300],
            body=long_text,
        )
    html = search(client, "remittances")
    assert len(result_titles(html)) == 10
    assert len(html.encode()) <= 60 * 1024


def test_the_index_uses_the_database_s_own_full_text_search(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'pages_searchdocument'"
            )
            definitions = " ".join(row[0] for row in cursor.fetchall())
            assert "USING gin (vector)" in definitions
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'pages_searchword'")
            assert "gist_trgm_ops" in " ".join(row[0] for row in cursor.fetchall())
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'pages_searchdocument_fts'")
            assert "fts5" in cursor.fetchone()[0]
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = 'pages_searchword_trigrams'")
            assert "tokenize='trigram'" in cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite FTS5 plan")
@pytest.mark.parametrize("language", ["en", "fr"])
def test_sqlite_runs_the_full_text_match_once_and_reads_documents_by_key(language):
    """With thousands of documents a results page stays fast only if FTS5 drives the query:
    the match runs once a part (title matches, then text matches, in each text language), not
    once a document of the language; each part is read lazily (a co-routine, which stops at
    the LIMIT); each match finds its document by primary key and its item (is it published?)
    by primary key too, never through a list of every published item; and the texts of the
    page only are read."""
    from pages.search import SqliteBackend, validate_query

    add_documents(0, 3)
    make_update("Remittances draft", published=False)
    _text, parsed = validate_query('remittances -"care work" or data')
    sql, params = SqliteBackend().page_sql(parsed, language, 10, 10)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = [row[-1] for row in cursor.fetchall()]
    fts = [step for step in plan if "pages_searchdocument_fts" in step]
    documents = [
        step for step in plan if re.match(r"(SCAN|SEARCH) (pages_searchdocument|d)\b(?!_fts)", step)
    ]
    items = [step for step in plan if re.match(r"(SCAN|SEARCH) U0\b", step)]
    assert len(fts) == 2 * (1 if language == "en" else 2), plan
    # "=" in FTS5's index string would mean a lookup of one rowid: a match a document.
    assert all(re.search(r"VIRTUAL TABLE INDEX \d+:M", step) for step in fts), plan
    # Inside each part (a lookup a match) and once more for the page's rows.
    assert len(documents) == len(fts) + 1, plan
    assert all("USING INTEGER PRIMARY KEY" in step for step in documents), plan
    assert len([step for step in plan if step.startswith("CO-ROUTINE")]) > len(fts), plan
    assert not any(step.startswith("MATERIALIZE (subquery") for step in plan), plan
    # Four kinds of item a part, each looked up by key.
    assert len(items) == 4 * len(fts), plan
    assert all("USING INTEGER PRIMARY KEY" in step for step in items), plan
    assert not any("LIST SUBQUERY" in step or "AUTOMATIC" in step for step in plan), plan


@pytest.mark.django_db
def test_indexing_writes_each_entry_once():
    """The PostgreSQL vector is computed as the entry is inserted: an UPDATE afterwards wrote
    every entry twice, and a rebuilt index took twice its size until vacuumed."""
    with CaptureQueriesContext(connection) as captured:
        make_update("Remittances study", summary="Care work.")
        call_command("rebuild_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    statements = [q["sql"] for q in captured.captured_queries]
    assert any(s.startswith('INSERT INTO "pages_searchdocument"') for s in statements)
    assert not any(s.startswith('UPDATE "pages_searchdocument"') for s in statements)
    if connection.vendor == "postgresql":
        assert not SearchDocument.objects.filter(vector__isnull=True).exists()
        assert result_titles(search(Client(), "remittances")) == ["Remittances study"]


def plan_nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL plan")
@pytest.mark.parametrize("language", ["en", "fr"])
def test_postgres_ranks_and_excerpts_a_bounded_set_of_matches(monkeypatch, language):
    """Ranking every match of a common word, and the list of every published item, made a
    results page cost as much as the whole index: ts_rank runs on at most MAX_RANKED + 1
    candidates, the scans gathering them stop there, ts_headline runs on the page's rows
    only, each candidate's item is looked up by key (no hashed list of all of them), and
    nothing is JIT compiled."""
    import json

    from pages.search import PostgresBackend, results

    monkeypatch.setattr(results, "MAX_RANKED", 5)
    add_documents(0, 8)  # 24 items matching in their title, 8 more in their text
    with connection.cursor() as cursor:
        cursor.execute("SET jit_above_cost = 0")  # JIT for any query that allows it
    backend = PostgresBackend()
    sql, params = backend.page_sql("remittances", language, 0, 3)
    [[explained]] = backend.execute(f"EXPLAIN (ANALYZE, VERBOSE, FORMAT JSON) {sql}", params)
    [explained] = json.loads(explained) if isinstance(explained, str) else explained
    nodes = list(plan_nodes(explained["Plan"]))
    text = json.dumps(explained)
    ranking = [n for n in nodes if any("ts_rank" in o for o in n.get("Output", []))]
    excerpts = [n for n in nodes if any("ts_headline" in o for o in n.get("Output", []))]
    gathering = [
        n
        for n in nodes
        if n.get("Relation Name") == "pages_searchdocument" and "ts_filter" in json.dumps(n)
    ]
    assert ranking and excerpts and gathering, text
    assert all(n["Actual Rows"] * n["Actual Loops"] <= 6 for n in ranking + gathering), text
    assert all(n["Actual Rows"] * n["Actual Loops"] <= 3 for n in excerpts), text
    assert "hashed SubPlan" not in text, text
    # Compiling took hundreds of milliseconds whenever the planner's estimate passed the
    # threshold, many times the query itself.
    assert "JIT" not in explained, text
    assert not any(
        n["Node Type"] == "Seq Scan" and n.get("Relation Name") == "pages_update" for n in nodes
    ), text


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_common_word_ranks_title_matches_first_and_counts_up_to_a_limit(
    client, monkeypatch, language
):
    """Past MAX_RANKED matches the count says "more than", and the matches ranked are those
    in a title first."""
    from pages.search import results

    monkeypatch.setattr(results, "MAX_RANKED", 4)
    for i in range(5):
        make_update(f"Annual note {i}", summary="Something about remittances in passing.")
    for i in range(3):
        make_update(f"Remittances study {i}")
    html = search(client, "remittances", language)
    more = {
        "en": "More than 4 results for “remittances”",
        "fr": "Plus de 4 résultats pour « remittances »",
    }[language]
    assert status(html) == more
    titles = result_titles(html)
    assert len(titles) == 4
    assert sorted(titles[:3]) == [
        "Remittances study 0",
        "Remittances study 1",
        "Remittances study 2",
    ]
    Update.objects.filter(title_en__startswith="Annual note").exclude(
        title_en__endswith="0"
    ).delete()
    assert status(search(client, "remittances")) == "4 results for “remittances”"


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["remittances", "care -country", '"care work"'])
def test_a_results_page_reads_the_index_in_one_statement(client, query):
    """Ranking, counting, cutting the page and the excerpts: one statement on the index."""
    add_documents(0, 12)
    with CaptureQueriesContext(connection) as captured:
        html = search(client, query)
    assert result_titles(html)
    on_index = [q for q in captured.captured_queries if "pages_searchdocument" in q["sql"]]
    assert len(on_index) == 1, on_index


def test_an_excerpt_stems_the_words_up_to_the_first_match_and_those_shown_only(monkeypatch):
    """Stemming runs in Python: stemming every word of every text shown cost a results page
    more than its whole query."""
    from pages import search as search_module

    stemmer = search_module.snowball("en")
    stemmed = []

    class Counting:
        def stemWords(self, words):  # noqa: N802 - snowballstemmer's names
            stemmed.extend(words)
            return stemmer.stemWords(words)

        def stemWord(self, word):  # noqa: N802
            stemmed.append(word)
            return stemmer.stemWord(word)

    monkeypatch.setitem(search_module._stemmers, "en", Counting())
    search_module.stem.cache_clear()  # words stemmed by earlier tests are not stemmed again
    body = "A note. Remittances matter. " + " ".join(f"word{i}" for i in range(5000))
    _text, parsed = search_module.validate_query("remittances")
    excerpt = search_module.excerpt(body, parsed, "en")
    assert excerpt.startswith("A note. \x02Remittances\x03 matter. word0 word1")
    assert excerpt.endswith(" …")
    assert len(stemmed) <= 1 + 35 + 3, len(stemmed)
