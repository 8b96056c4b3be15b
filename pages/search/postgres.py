"""PostgreSQL: full-text search on a stored tsvector under a GIN index.

A results page is one statement. It gathers at most MAX_RANKED + 1 candidates, title
matches first, each query part stopping as soon as it has enough and able to use a GIN index
(on the whole vector, and on the title's words alone, `ts_filter(vector, '{a}')`, migration
0012); ranks only those with ts_rank; cuts the page; and makes the ts_headline excerpts of
the rows shown only. The count is that of the candidates, so it says "more than" past
MAX_RANKED instead of reading every match of a common word.
"""

from django.conf import settings
from django.db import connection
from django.db.backends.signals import connection_created

from ..models import SearchDocument
from . import results
from .query import POSTGRES_CONFIGS
from .results import (
    MARK_END,
    MARK_START,
    Result,
    marked_excerpt,
    published_where,
)
from .spelling import CANDIDATES, NEAREST, most_edits

TABLE = SearchDocument._meta.db_table
# Written as in migration 0012's index, so that the planner uses it.
TITLE_WORDS = f"ts_filter({TABLE}.vector, '{{a}}')"
HEADLINE_OPTIONS = (
    f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=35, MinWords=15, '
    'MaxFragments=2, FragmentDelimiter=" … "'
)


def without_jit(sender, connection, **kwargs):
    """No JIT compiling on the site's PostgreSQL connections. The planner's estimate of a
    search that stops after MAX_RANKED matches can pass `jit_above_cost`, and compiling then
    took hundreds of milliseconds, many times the query itself; no query of a web page gains
    from it. Once a connection, not once a query."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")


connection_created.connect(without_jit, dispatch_uid="search.without_jit")


class PostgresBackend:
    def languages(self, language):
        """The text languages a search in `language` looks in: its own, then English."""
        return list(dict.fromkeys([language, settings.LANGUAGE_CODE]))

    def tsquery(self, text, code):
        """The visitor's words as a tsquery of the language `code` (a constant: the planner
        computes it once and can match it against the GIN indexes)."""
        return "websearch_to_tsquery(%s::regconfig, %s)", [POSTGRES_CONFIGS[code], text]

    def candidates_sql(self, text, language):
        """At most MAX_RANKED + 1 published matches: those matching in the title first, in
        each text language, then those matching in the text only."""
        published_sql, published_params = published_where()
        parts, params = [], []
        for title in ("", "NOT "):
            for code in self.languages(language):
                query, query_params = self.tsquery(text, code)
                parts.append(
                    f"(SELECT {TABLE}.id FROM {TABLE} WHERE {TABLE}.language = %s"  # noqa: S608
                    f" AND {TABLE}.text_language = %s AND {TABLE}.vector @@ {query}"
                    f" AND {title}{TITLE_WORDS} @@ {query} AND ({published_sql}) LIMIT %s)"
                )
                params += [language, code, *query_params, *query_params, *published_params]
                params.append(results.MAX_RANKED + 1)
        return " UNION ALL ".join(parts) + " LIMIT %s", [*params, results.MAX_RANKED + 1]

    def by_language(self, text, language, make):
        """A CASE on the row's text language choosing `make(code)`, and its params."""
        *others, last = self.languages(language)
        sql, params = make(last)
        if others:
            whens, when_params = [], []
            for code in others:
                then, then_params = make(code)
                whens.append(f"WHEN d.text_language = %s THEN {then}")
                when_params += [code, *then_params]
            sql, params = f"CASE {' '.join(whens)} ELSE {sql} END", [*when_params, *params]
        return sql, params

    def page_sql(self, text, language, offset, limit):
        candidates, params = self.candidates_sql(text, language)

        def rank(code):
            query, query_params = self.tsquery(text, code)
            return f"ts_rank(d.vector, {query})", query_params

        def headline(code):
            query, query_params = self.tsquery(text, code)
            return (
                f"ts_headline(%s::regconfig, d.body, {query}, %s)",
                [POSTGRES_CONFIGS[code], *query_params, HEADLINE_OPTIONS],
            )

        rank_sql, rank_params = self.by_language(text, language, rank)
        headline_sql, headline_params = self.by_language(text, language, headline)
        sql = (
            f"WITH candidates AS MATERIALIZED ({candidates}), "  # noqa: S608
            f"ranked AS MATERIALIZED (SELECT d.id, d.date, {rank_sql} AS rank,"
            f" COUNT(*) OVER () AS total FROM candidates c JOIN {TABLE} d ON d.id = c.id"
            " ORDER BY rank DESC, d.date DESC NULLS LAST, d.id LIMIT %s OFFSET %s) "
            f"SELECT d.kind, d.title, d.url, d.date, d.text_language, {headline_sql}, r.total"
            f" FROM ranked r JOIN {TABLE} d ON d.id = r.id"
            " ORDER BY r.rank DESC, r.date DESC NULLS LAST, r.id"
        )
        return sql, [*params, *rank_params, limit, offset, *headline_params]

    def execute(self, sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def count(self, text, language):
        sql, params = self.candidates_sql(text, language)
        return self.execute(f"SELECT COUNT(*) FROM ({sql}) c", params)[0][0]  # noqa: S608

    def fetch(self, text, language, offset, limit):
        """(the results from `offset`, the number of candidates), in one query."""
        rows = self.execute(*self.page_sql(text, language, offset, limit))
        results = [
            Result(
                kind=kind,
                title=title,
                url=url,
                date=date,
                text_language=text_language,
                excerpt=marked_excerpt(excerpt or ""),
            )
            for kind, title, url, date, text_language, excerpt, _total in rows
        ]
        return results, rows[0][-1] if rows else 0

    def near_words_sql(self, words, language):
        """One query: for each word, the words of the vocabulary of `language` that some
        published item has, nearest to it by trigrams, best first (the word itself first if
        it is there), read from the GiST index, at most NEAREST."""
        published_sql, published_params = published_where()
        config = " ".join(f"WHEN '{code}' THEN '{name}'" for code, name in POSTGRES_CONFIGS.items())
        found = (
            f"EXISTS (SELECT 1 FROM {TABLE} WHERE {TABLE}.language = w.language"  # noqa: S608
            f" AND {TABLE}.text_language = w.text_language AND {TABLE}.vector @@"
            f" plainto_tsquery((CASE w.text_language {config} ELSE 'simple' END)::regconfig,"
            f" w.word) AND ({published_sql}))"
        )
        parts, params = [], []
        for i, word in enumerate(words):
            # The nearest CANDIDATES from the index first, then those a published item has.
            parts.append(
                "(SELECT %s AS i, w.d, w.word FROM (SELECT language, text_language, word,"  # noqa: S608
                " word <-> %s::text AS d FROM pages_searchword WHERE language = %s"
                " AND abs(length(word) - %s) <= %s ORDER BY word <-> %s::text LIMIT %s) w"
                f" WHERE {found} ORDER BY w.d LIMIT %s)"
            )
            params += [i, word, language, len(word), most_edits(word), word, CANDIDATES]
            params += [*published_params, NEAREST]
        return " UNION ALL ".join(parts), params

    def near_words(self, words, language):
        """word -> the words of near_words_sql, best first."""
        rows = sorted(self.execute(*self.near_words_sql(words, language)))
        nearest = {word: [] for word in words}
        for i, _distance, word in rows:
            nearest[words[i]].append(word)
        return nearest
