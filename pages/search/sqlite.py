"""SQLite: an FTS5 table over words stemmed in Python, ranked with bm25().

As on PostgreSQL, a results page ranks at most MAX_RANKED + 1 candidates, title
matches first, and counts those only.
"""

from django.conf import settings
from django.db import connection

from ..models import SearchDocument
from . import results
from .query import WORD, stem
from .results import (
    MARK_END,
    MARK_START,
    Result,
    marked_excerpt,
    published_where,
)
from .spelling import CANDIDATES, NEAREST, most_edits, trigram_query


class SqliteBackend:
    table = "pages_searchdocument_fts"

    def term(self, words, language):
        """A phrase of quoted stems (no operator injection)."""
        stems = [stem(w.lower(), language) for w in words]
        return '"' + " ".join(s.replace('"', "") for s in stems) + '"'

    def fts_query(self, parsed, language):
        """The parsed query as an FTS5 expression of quoted stems."""
        groups = [
            "(" + " OR ".join(self.term(t, language) for t in group) + ")"
            for group in parsed.groups
        ]
        expression = " AND ".join(groups)
        if parsed.excluded:
            excluded = " OR ".join(self.term(t, language) for t in parsed.excluded)
            expression = f"({expression}) NOT ({excluded})"
        return expression

    def tier_queries(self, parsed, language):
        """The expressions of the matches in the title, then of those in the text only.

        Both hold the same phrases, so that bm25() scores rows of either alike: in the
        first the title's phrases add to the score, in the second they are absent.
        """
        expression = self.fts_query(parsed, language)
        title = " AND ".join(
            "(" + " OR ".join(self.term(t, language) for t in group) + ")"
            for group in parsed.groups
        )
        title = "{title_terms} : (" + title + ")"
        return [f"({expression}) AND ({title})", f"({expression}) NOT ({title})"]

    def candidates_sql(self, parsed, language, select):
        """At most MAX_RANKED + 1 published matches, every value a parameter: those
        matching in the title first, in each text language, then those matching in the text
        only.

        The FTS5 table drives each part (CROSS JOIN keeps SQLite from reading the documents
        first and running the full-text match once for each of them), each match finds its
        document by primary key, each part stops once it has enough, and the parts are read
        in order until MAX_RANKED + 1 are found.
        """
        table = SearchDocument._meta.db_table
        published_sql, published_params = published_where()
        # A text in English under another language is matched with English stems.
        # Only constants and Django's compiled SQL go in the text; every value is a parameter.
        sql = " ".join(
            [
                f"SELECT * FROM (SELECT {select} FROM {self.table}",  # noqa: S608
                f"CROSS JOIN {table} ON {table}.id = {self.table}.rowid",
                f"WHERE {self.table} MATCH %s AND {table}.language = %s",
                f"AND {table}.text_language = %s AND ({published_sql}) LIMIT %s)",
            ]
        )
        languages = list(dict.fromkeys([language, settings.LANGUAGE_CODE]))
        tiers = {code: self.tier_queries(parsed, code) for code in languages}
        most = results.MAX_RANKED + 1
        parts, params = [], []
        for tier in range(2):
            for code in languages:
                parts.append(sql)
                params += [tiers[code][tier], language, code, *published_params, most]
        return " UNION ALL ".join(parts) + " LIMIT %s", [*params, most]

    def count(self, parsed, language):
        sql, params = self.candidates_sql(parsed, language, "1")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql})", params)  # noqa: S608
            return cursor.fetchone()[0]

    def page_sql(self, parsed, language, offset, limit):
        """One statement: the candidates ranked on narrow rows (id, date, bm25) and counted,
        the page cut, and only then the page's rows joined to their titles and texts."""
        table = SearchDocument._meta.db_table
        select = f"{table}.id AS id, {table}.date AS date, bm25({self.table}, 5.0, 1.0) AS score"
        sql, params = self.candidates_sql(parsed, language, select)
        ranked = (
            f"SELECT id, score, date, COUNT(*) OVER () AS total FROM ({sql}) "  # noqa: S608
            "ORDER BY score, date DESC, id LIMIT %s OFFSET %s"
        )
        page = (
            "SELECT d.kind, d.title, d.url, d.date, d.text_language, d.body, page.total "  # noqa: S608
            f"FROM ({ranked}) page JOIN {table} d ON d.id = page.id "
            "ORDER BY page.score, page.date DESC, page.id"
        )
        return page, [*params, limit, offset]

    def fetch(self, parsed, language, offset, limit):
        """(the results from `offset`, the number of all results), in one query."""
        sql, params = self.page_sql(parsed, language, offset, limit)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        date_field = SearchDocument._meta.get_field("date")
        results = []
        # The excerpts are made for the rows shown only.
        for kind, title, url, date, text_language, body, _total in rows:
            results.append(
                Result(
                    kind=kind,
                    title=title,
                    url=url,
                    date=date_field.to_python(date) if date else None,
                    text_language=text_language,
                    excerpt=marked_excerpt(excerpt(body, parsed, text_language)),
                )
            )
        return results, rows[0][-1] if rows else 0

    def near_words_sql(self, words, language):
        """One query: for each word, the words of the vocabulary of `language` that some
        published item has, sharing most trigrams with it, best first (the word itself first
        if it is there), at most NEAREST."""
        table = SearchDocument._meta.db_table
        published_sql, published_params = published_where()
        # Only constants and Django's compiled SQL go in the text; every value is a parameter.
        found = (
            f"EXISTS (SELECT 1 FROM {self.table} CROSS JOIN {table}"  # noqa: S608
            f" ON {table}.id = {self.table}.rowid WHERE {self.table} MATCH '\"' || w.term || '\"'"
            f" AND {table}.language = w.language AND {table}.text_language = w.text_language"
            f" AND ({published_sql}))"
        )
        parts, params = [], []
        for i, word in enumerate(words):
            parts.append(
                "SELECT * FROM (SELECT %s AS i, -1e300 AS r, w.word FROM pages_searchword w"  # noqa: S608
                f" WHERE w.language = %s AND w.word = %s AND {found} LIMIT 1)"
            )
            params += [i, language, word, *published_params]
            # The CANDIDATES sharing most trigrams first, then those a published item has.
            parts.append(
                "SELECT * FROM (SELECT %s AS i, w.r, w.word FROM (SELECT t.rank AS r,"  # noqa: S608
                " v.language, v.text_language, v.word, v.term FROM pages_searchword_trigrams t"
                " CROSS JOIN pages_searchword v ON v.id = t.rowid"
                " WHERE pages_searchword_trigrams MATCH %s AND v.language = %s"
                " AND abs(length(v.word) - %s) <= %s ORDER BY t.rank LIMIT %s) w"
                f" WHERE {found} ORDER BY w.r LIMIT %s)"
            )
            params += [i, trigram_query(word), language, len(word), most_edits(word)]
            params += [CANDIDATES, *published_params, NEAREST]
        return " UNION ALL ".join(parts), params

    def near_words(self, words, language):
        """word -> the words of near_words_sql, best first."""
        with connection.cursor() as cursor:
            cursor.execute(*self.near_words_sql(words, language))
            rows = sorted(cursor.fetchall())
        nearest = {word: [] for word in words}
        for i, _rank, word in rows:
            nearest[words[i]].append(word)
        return nearest


def excerpt(body, parsed, language, words=35):
    """About `words` words of the text around its first match, the matches marked."""
    wanted = {stem(w.lower(), language) for w in parsed.words}
    tokens = list(WORD.finditer(body))
    if not tokens:
        return ""
    # Stemming is slow in Python: each distinct word once, and only up to the first match
    # and over the words shown, not the whole text.
    stems = {}

    def is_hit(i):
        word = tokens[i].group().lower()
        if word not in stems:
            stems[word] = stem(word, language)
        return stems[word] in wanted

    first_hit = next((i for i in range(len(tokens)) if is_hit(i)), 0)
    first = max(0, first_hit - 8)
    last = min(len(tokens), first + words)
    hits = [i for i in range(first, last) if is_hit(i)]
    start = tokens[first].start() if first else 0
    end = tokens[last - 1].end()
    pieces, position = [], start
    hit_set = set(hits)
    for i in range(first, last):
        token = tokens[i]
        pieces.append(body[position : token.start()])
        pieces.append(f"{MARK_START}{token.group()}{MARK_END}" if i in hit_set else token.group())
        position = token.end()
    text = "".join(pieces).strip()
    return ("… " if start else "") + text + (" …" if end < len(body.rstrip()) else "")
