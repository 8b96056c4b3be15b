"""Site search: the index of pages, updates, resources and partners, and the two backends.

Every item has one SearchDocument a language of the site, holding its title, its text as
plain words and its address in that language. A text not yet translated is indexed in
English (and searched with English stemming) under the other languages too.

- PostgreSQL (postgres.py): a stored tsvector (title weighted above text) under a GIN index,
  built with the language's text-search configuration (english, french, spanish); queries go
  through websearch_to_tsquery, results are ranked with ts_rank and excerpts come from
  ts_headline for the ten results shown only.
- SQLite (sqlite.py): an FTS5 table over the words stemmed in Python by the Snowball stemmers
  (snowballstemmer), the query stemmed the same way, ranked with bm25().

Spelling suggestions (spelling.py) come from the words of the indexed texts of the searched
language (SearchWord), looked up through a trigram index on either database.

Which items a visitor may find is decided at query time, through each model's published().
"""

from django.db import connection

from . import spelling
from .indexing import (
    index_after_migrate,
    index_object,
    kind_of,
    kinds,
    object_deleted,
    object_saved,
    rebuild_index,
    unindex_object,
)
from .postgres import PostgresBackend
from .query import (
    MAX_QUERY_LENGTH,
    RESULTS_PER_PAGE,
    ParsedQuery,
    SearchError,
    _stemmers,
    parse_query,
    snowball,
    stem,
    stem_words,
    validate_query,
)
from .results import (
    MARK_END,
    MARK_START,
    MAX_RANKED,
    Result,
    SearchResults,
    published_filter,
    published_where,
)
from .sqlite import SqliteBackend, excerpt

__all__ = [
    "MARK_END",
    "MARK_START",
    "MAX_QUERY_LENGTH",
    "MAX_RANKED",
    "RESULTS_PER_PAGE",
    "ParsedQuery",
    "PostgresBackend",
    "Result",
    "SearchError",
    "SearchResults",
    "SqliteBackend",
    "_stemmers",
    "backend",
    "excerpt",
    "index_after_migrate",
    "index_object",
    "kind_of",
    "kinds",
    "object_deleted",
    "object_saved",
    "parse_query",
    "published_filter",
    "published_where",
    "rebuild_index",
    "search",
    "snowball",
    "stem",
    "stem_words",
    "suggestion",
    "unindex_object",
    "validate_query",
]


def backend():
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()


def search(text, parsed, language):
    """The results (lazy, for a Paginator) of a validated query in `language`."""
    chosen = backend()
    query = text if isinstance(chosen, PostgresBackend) else parsed
    return SearchResults(chosen, query, language)


def suggestion(parsed, language):
    """A spelling of a short query that would find something, or None."""
    if len(parsed.words) > 4 or parsed.excluded:
        return None
    chosen = backend()
    words = spelling.looked_up(parsed.words)
    if not words:
        return None
    # Only words that published items have: the vocabulary also holds words of drafts.
    return spelling.corrected(parsed.words, chosen.near_words(words, language))
