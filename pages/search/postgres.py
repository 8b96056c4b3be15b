"""PostgreSQL: full-text search on a stored tsvector under a GIN index."""

from django.conf import settings
from django.db import connection
from django.db.models import Case, F, Q, When

from ..models import SearchDocument
from .query import POSTGRES_CONFIGS, WORD, corrected, postgres_config
from .results import MARK_END, MARK_START, Result, marked_excerpt, published_filter


class PostgresBackend:
    def queries(self, text, language):
        """(text language, tsquery) for the language searched and for English fallbacks."""
        from django.contrib.postgres.search import SearchQuery

        return [
            (code, SearchQuery(text, config=POSTGRES_CONFIGS[code], search_type="websearch"))
            for code in dict.fromkeys([language, settings.LANGUAGE_CODE])
        ]

    def matches(self, text, language):
        # One `vector @@ constant query` a text language, so that each can use the GIN index.
        queries = self.queries(text, language)
        condition = Q()
        for code, query in queries:
            condition |= Q(text_language=code, vector=query)
        documents = SearchDocument.objects.filter(language=language).filter(
            condition, published_filter()
        )
        return documents, queries

    def rank(self, queries):
        """ts_rank with the query of each row's text language, computed once a row."""
        from django.contrib.postgres.search import SearchRank

        *others, (_code, last) = queries
        return Case(
            *[When(text_language=code, then=SearchRank(F("vector"), q)) for code, q in others],
            default=SearchRank(F("vector"), last),
        )

    def count(self, text, language):
        return self.matches(text, language)[0].count()

    def fetch(self, text, language, offset, limit):
        """(the results from `offset`, the number of all results), in two queries."""
        from django.contrib.postgres.search import SearchHeadline, SearchQueryField

        documents, queries = self.matches(text, language)
        ranked = documents.annotate(rank=self.rank(queries)).order_by().values("pk", "date", "rank")
        inner, params = ranked.query.sql_with_params()
        # Ranked first (OFFSET 0 keeps the planner from merging the two), then counted: the
        # window count then holds narrow rows, not every matching vector.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT pk, COUNT(*) OVER () FROM ({inner} OFFSET 0) ranked "  # noqa: S608
                "ORDER BY rank DESC, date DESC NULLS LAST, pk LIMIT %s OFFSET %s",
                [*params, limit, offset],
            )
            page = cursor.fetchall()
        if not page:
            return [], 0
        row_query = Case(
            *[When(text_language=code, then=query) for code, query in queries[:-1]],
            default=queries[-1][1],
            output_field=SearchQueryField(),
        )
        # The excerpts are made for the rows shown only: ts_headline reads the whole text.
        rows = (
            SearchDocument.objects.filter(pk__in=[pk for pk, _total in page])
            .annotate(
                excerpt=SearchHeadline(
                    "body",
                    row_query,
                    config=postgres_config("text_language"),
                    start_sel=MARK_START,
                    stop_sel=MARK_END,
                    max_words=35,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                ),
            )
            .values("pk", "kind", "title", "url", "date", "text_language", "excerpt")
        )
        by_pk = {row.pop("pk"): row for row in rows}
        results = [
            Result(**{**by_pk[pk], "excerpt": marked_excerpt(by_pk[pk]["excerpt"] or "")})
            for pk, _total in page
            if pk in by_pk
        ]
        return results, page[0][1]

    def suggest(self, parsed, language):
        from django.contrib.postgres.search import TrigramWordDistance

        words = parsed.words
        # The titles nearest to the query, read nearest first from the GiST trigram index.
        titles = (
            SearchDocument.objects.filter(language=language)
            .filter(published_filter())
            .annotate(distance=TrigramWordDistance(" ".join(words), "title"))
            .filter(distance__lte=0.7)
            .order_by("distance")
            .values_list("title", flat=True)[:5]
        )
        return corrected(words, [w for title in titles for w in WORD.findall(title)])
