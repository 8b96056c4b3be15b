"""Site search: spelling suggestions from the indexed words, the advice when nothing is found,
excerpts that keep blocks apart (on either database)."""

import random
import re
import string

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from pages.models import Page, SearchWord
from pages.search import backend, rebuild_index
from pages.search.spelling import distance
from tests.test_search import make_update, result_titles, search, status


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def suggestion(html):
    found = re.search(r'<p class="search-suggestion">(.*?)</p>', html, re.S)
    return found and re.sub(r"<[^>]+>", "", found.group(1))


def suggested_query(html):
    found = re.search(r'<p class="search-suggestion">.*?<a href="\?q=([^"]+)">', html, re.S)
    return found and found.group(1)


def advice(html):
    return re.search(r'<div class="search-empty">(.*?)</div>', html, re.S).group(1)


BODY = {
    "en": "Women send remittances to their families.",
    "fr": "Les femmes envoient des transferts de fonds à leurs familles.",
    "es": "Las mujeres envían remesas a sus familias.",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        ("en", "remitances", "Did you mean remittances?"),
        ("fr", "tranferts", "Vouliez-vous dire transferts ?"),
        ("es", "remezas", "¿Quiso decir remesas?"),
    ],
)
def test_a_misspelling_of_a_word_in_the_text_offers_it(client, language, typed, expected):
    make_update(
        "A note",
        title_fr="Une note",
        title_es="Una nota",
        body=BODY["en"],
        body_fr=BODY["fr"],
        body_es=BODY["es"],
    )
    html = search(client, typed, language)
    assert status(html).startswith("0 ")
    assert suggestion(html) == expected
    corrected = search(client, suggested_query(html), language)
    assert result_titles(corrected) == [
        {"en": "A note", "fr": "Une note", "es": "Una nota"}[language]
    ]


@pytest.mark.django_db
def test_each_word_is_corrected_and_the_others_kept(client):
    make_update("Care work", body="Migrant women in domestic care work and remittances.")
    html = search(client, "domestc remitances", "en")
    assert suggestion(html) == "Did you mean domestic remittances?"
    assert suggested_query(html) == "domestic%20remittances"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "offered"),
    [
        ("remitances", "remittances"),  # a letter left out
        ("remittnaces", "remittances"),  # two letters swapped
        ("remitanses", "remittances"),  # two edits in a long word
        ("remmitanses", None),  # three edits
        ("wark", "work"),  # one edit in a short word
        ("wrok", "work"),
        ("wrak", None),  # two edits in a short word
    ],
)
def test_suggestions_are_one_or_two_edits_away(client, typed, offered):
    make_update("Note", body="Remittances and care work.")
    html = search(client, typed)
    assert suggestion(html) == (offered and f"Did you mean {offered}?")


def test_edit_distance():
    assert distance("remitances", "remittances", 2) == 1
    assert distance("wrok", "work", 2) == 1
    assert distance("abc", "abcdef", 2) == 3
    assert distance("kitten", "sitting", 3) == 3


@pytest.mark.django_db
def test_words_of_drafts_and_deleted_items_are_never_suggested(client):
    make_update("Embargoed", body="Confidential findings on seasonal workers.", published=False)
    gone = make_update("Removed note", body="Findings on pastoralists.")
    gone.delete()
    assert SearchWord.objects.filter(word="pastoralists").exists()  # left until a rebuild
    for typed in ("confidentail", "pastoralist", "pastoralsts"):
        html = search(client, typed)
        assert suggestion(html) is None, typed
        assert "onfidential" not in html and "pastoralists" not in html


@pytest.mark.django_db
def test_the_vocabulary_is_built_anew_with_the_index(client):
    make_update("Note", title_fr="Note", body="Remittances.", body_fr="Transferts.")
    SearchWord.objects.create(language="en", text_language="en", word="stale", term="stale")
    rebuild_index()
    words = set(SearchWord.objects.values_list("language", "word"))
    assert ("en", "stale") not in words
    assert {("en", "remittances"), ("fr", "transferts"), ("es", "remittances")} <= words


@pytest.mark.django_db
def test_the_vocabulary_is_read_only_when_nothing_is_found(client):
    make_update("Remittances", body="Remittances.")
    with CaptureQueriesContext(connection) as found:
        search(client, "remittances")
    with CaptureQueriesContext(connection) as not_found:
        search(client, "remitances")
    assert not any("pages_searchword" in q["sql"] for q in found.captured_queries)
    assert sum("pages_searchword" in q["sql"] for q in not_found.captured_queries) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_advice_to_try_english_is_given_in_french_and_spanish_only(client, language):
    text = re.sub(r"<[^>]+>", "", advice(search(client, "zzyzx", language)))
    expected = {
        "en": "Try other words or fewer words.",
        "fr": "Essayez d’autres mots, moins de mots, ou les mêmes mots en anglais.",
        "es": "Pruebe con otras palabras, menos palabras o las mismas palabras en inglés.",
    }[language]
    assert expected in text
    assert ("English" in text) is False


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_excerpts_keep_headings_and_list_items_apart(client, language):
    body = (
        "## Findings\n\nMigrant women send remittances home.\n\n"
        "### Next steps\n\n- Survey of households\n- Training of staff\n"
    )
    Page.objects.create(title="Study", slug="study", summary="A study", body=body, published=True)
    html = search(client, "households", language)
    excerpt = re.search(r'<p class="search-result__excerpt"[^>]*>(.*?)</p>', html, re.S).group(1)
    text = re.sub(r"<[^>]+>", "", excerpt)
    assert "send remittances home. Next steps · Survey of households · Training of staff" in text


def test_the_vocabulary_is_no_content_of_pages():
    """Emptying it is one statement, and marks no cached page stale."""
    from genmig.cache import shown_on_pages

    assert not shown_on_pages(SearchWord)


@pytest.mark.django_db
def test_the_vocabulary_is_read_through_its_trigram_index_a_bounded_number_of_words(client):
    make_update("Note", body="Remittances, care work and migration.")
    chance = random.Random(7)
    SearchWord.objects.bulk_create(
        SearchWord(language="en", text_language="en", word=word, term=word)
        for word in {
            "".join(chance.choice(string.ascii_lowercase) for _ in range(chance.randint(4, 12)))
            for _ in range(20_000)
        }
    )
    sql, params = backend().near_words_sql(["remitances", "migraton"], "en")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE pages_searchword")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            # The published items are looked up for the nearest few words only.
            nearest_first = "->  Limit.*\n.*->  Index Scan using pages_searchword_trgm"
            assert len(re.findall(nearest_first, plan)) == 2, plan
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = "\n".join(row[-1] for row in cursor.fetchall())
            # The published items are looked up for the nearest few words only (outside w).
            assert plan.count("CO-ROUTINE w\nSCAN t VIRTUAL TABLE INDEX") == 2, plan
    html = search(client, "remitances")
    assert suggestion(html) == "Did you mean remittances?"
