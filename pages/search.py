"""Site search: the index of pages, updates, resources and partners, and the two backends.

Every item has one SearchDocument a language of the site, holding its title, its text as
plain words and its address in that language. A text not yet translated is indexed in
English (and searched with English stemming) under the other languages too.

- PostgreSQL: a stored tsvector (title weighted above text) under a GIN index, built with
  the language's text-search configuration (english, french, spanish); queries go through
  websearch_to_tsquery, results are ranked with ts_rank and excerpts come from ts_headline
  for the ten results shown only. Titles have a pg_trgm GiST index for spelling suggestions.
- SQLite: an FTS5 table over the words stemmed in Python by the Snowball stemmers
  (snowballstemmer), the query stemmed the same way, ranked with bm25().

Which items a visitor may find is decided at query time, through each model's published().
"""

import difflib
import html
import re
import unicodedata
from dataclasses import dataclass, field

import snowballstemmer
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import translation
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from genmig.cache import new_generation

from .markdown import render_markdown
from .models import Page, Resource, SearchDocument, Update

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200
# Characters that never appear in indexed text, used to mark matches inside excerpts.
MARK_START, MARK_END = "\x02", "\x03"
POSTGRES_CONFIGS = {"en": "english", "fr": "french", "es": "spanish"}
SNOWBALL_LANGUAGES = {"en": "english", "fr": "french", "es": "spanish"}
WORD = re.compile(r"\w+")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def kinds():
    """The models the search covers, by SearchDocument.Kind, imported late (partners app)."""
    from partners.models import Partner

    return {
        SearchDocument.Kind.PAGE: Page,
        SearchDocument.Kind.UPDATE: Update,
        SearchDocument.Kind.RESOURCE: Resource,
        SearchDocument.Kind.PARTNER: Partner,
    }


def kind_of(model):
    return next((kind for kind, m in kinds().items() if m is model), None)


# Indexing ---------------------------------------------------------------------------------


def plain(text):
    """Plain words of a text that may hold markup, without control characters."""
    return CONTROL.sub(" ", html.unescape(strip_tags(text or ""))).strip()


def translated(obj, name, language):
    """The field in `language`, and the language it is really in (English when missing)."""
    value = getattr(obj, f"{name}_{language}", None)
    if value:
        return value, language
    return getattr(obj, f"{name}_{settings.LANGUAGE_CODE}", "") or "", settings.LANGUAGE_CODE


def document_fields(kind, obj, language):
    """(title, body, date, text language) of one item in one language."""
    title_field = "name" if kind == SearchDocument.Kind.PARTNER else "title"
    title, text_language = translated(obj, title_field, language)
    parts = []
    if kind == SearchDocument.Kind.PARTNER:
        parts = [translated(obj, "description", text_language)[0], obj.country]
        date = None
    elif kind == SearchDocument.Kind.RESOURCE:
        parts = [translated(obj, "summary", text_language)[0], obj.publisher, str(obj.year)]
        date = None
    else:
        parts = [translated(obj, "summary", text_language)[0]]
        body = translated(obj, "body", text_language)[0]
        parts.append(render_markdown(body) if body else "")
        date = obj.date if kind == SearchDocument.Kind.UPDATE else None
    return plain(title), plain("\n".join(p for p in parts if p)), date, text_language


def stem_words(text, language):
    """The text's words, lower-cased and stemmed in `language`, as a list."""
    words = [w.lower() for w in WORD.findall(unicodedata.normalize("NFC", text))]
    return snowball(language).stemWords(words)


_stemmers = {}


def snowball(language):
    if language not in _stemmers:
        _stemmers[language] = snowballstemmer.stemmer(SNOWBALL_LANGUAGES.get(language, "english"))
    return _stemmers[language]


def build_documents(kind, obj):
    documents = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            url = obj.get_absolute_url()
        title, body, date, text_language = document_fields(kind, obj, language)
        document = SearchDocument(
            kind=kind,
            object_id=obj.pk,
            language=language,
            text_language=text_language,
            title=title[:300],
            body=body,
            url=url[:300],
            date=date,
        )
        if connection.vendor != "postgresql":
            document.title_terms = " ".join(stem_words(title, text_language))
            document.body_terms = " ".join(stem_words(body, text_language))
        documents.append(document)
    return documents


def _fill_vectors(documents):
    if connection.vendor != "postgresql" or not documents:
        return
    from django.contrib.postgres.search import SearchVector

    config = postgres_config("text_language")
    SearchDocument.objects.filter(pk__in=[d.pk for d in documents]).update(
        vector=SearchVector("title", weight="A", config=config)
        + SearchVector("body", weight="B", config=config)
    )


def index_object(obj):
    """Index (again) one page, update, resource or partner, in every language."""
    kind = kind_of(type(obj))
    SearchDocument.objects.filter(kind=kind, object_id=obj.pk).delete()
    documents = SearchDocument.objects.bulk_create(build_documents(kind, obj))
    _fill_vectors(documents)


def unindex_object(model, pk):
    SearchDocument.objects.filter(kind=kind_of(model), object_id=pk).delete()


def rebuild_index(batch_size=500):
    """Build the whole index anew from every item, published or not; returns the count."""
    SearchDocument.objects.all().delete()
    count = 0
    for kind, model in kinds().items():
        batch = []
        for obj in model.objects.order_by("pk").iterator(chunk_size=batch_size):
            batch.extend(build_documents(kind, obj))
            if len(batch) >= batch_size:
                _fill_vectors(SearchDocument.objects.bulk_create(batch))
                count += len(batch)
                batch = []
        if batch:
            _fill_vectors(SearchDocument.objects.bulk_create(batch))
            count += len(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # statistics for the planner: the table is new
            cursor.execute("ANALYZE pages_searchdocument")
    # bulk_create sends no signal: cached results pages are made stale here.
    new_generation()
    transaction.on_commit(new_generation, robust=True)
    return count


def object_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_object(instance)


def object_deleted(sender, instance, **kwargs):
    unindex_object(sender, instance.pk)


# Queries ----------------------------------------------------------------------------------


@dataclass
class ParsedQuery:
    """A query as people type it in web search engines: words, "phrases", -excluded, or."""

    groups: list = field(default_factory=list)  # ANDed; each a list of ORed terms
    excluded: list = field(default_factory=list)  # terms; a term is a list of words

    @property
    def words(self):
        return [word for group in self.groups for term in group for word in term]

    def __bool__(self):
        return bool(self.groups)


TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')


def parse_query(text):
    parsed = ParsedQuery()
    or_next = False
    for match in TOKEN.finditer(text):
        negated, phrase, bare = match.groups()
        if bare is not None:
            if bare.lower() == "or":
                or_next = bool(parsed.groups)
                continue
            negated = "-" if bare.startswith("-") else ""
            phrase = bare.lstrip("-")
        term = WORD.findall(phrase)
        if not term or [w.lower() for w in term] == ["or"]:
            continue
        if negated:
            parsed.excluded.append(term)
            or_next = False
        elif or_next:
            parsed.groups[-1].append(term)
            or_next = False
        else:
            parsed.groups.append([term])
    return parsed


def published_filter():
    """Q on SearchDocument: items the public may see now, by each model's published()."""
    condition = Q()
    for kind, model in kinds().items():
        condition |= Q(kind=kind, object_id__in=model.objects.published().values("pk"))
    return condition


def postgres_config(column):
    return Case(
        *[When(**{column: code}, then=Value(config)) for code, config in POSTGRES_CONFIGS.items()],
        default=Value("simple"),
    )


@dataclass
class Result:
    kind: str
    title: str
    url: str
    date: object
    text_language: str
    excerpt: str

    @property
    def kind_label(self):
        return SearchDocument.Kind(self.kind).label


def marked_excerpt(text):
    """Escape an excerpt whose matches are between MARK_START and MARK_END; mark them."""
    escaped = html.escape(text, quote=False)
    return mark_safe(  # noqa: S308 - everything but the marks was escaped just above
        escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    )


class SearchResults:
    """The results of one query, for Django's Paginator, read a page at a time.

    `fetch_page` reads the rows of the page asked for and the number of all results in one
    pass over the matches (a window count), so the Paginator needs no query of its own to
    count them; only a page past the last costs a count and a second read.
    """

    def __init__(self, backend, query, language):
        self.backend, self.query, self.language = backend, query, language
        self._count = None
        self._pages = {}

    def fetch_page(self, number, per_page):
        start = (number - 1) * per_page
        rows, total = self.backend.fetch(self.query, self.language, start, per_page)
        if rows or start == 0:
            self._count = total
            self._pages[start] = rows

    def count(self):
        if self._count is None:
            self._count = self.backend.count(self.query, self.language)
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, item):
        if not isinstance(item, slice):
            raise TypeError("search results are read a page at a time")
        start, stop = item.start or 0, item.stop
        if stop is None or stop <= start:
            return []
        if start in self._pages:
            return self._pages[start][: stop - start]
        return self.backend.fetch(self.query, self.language, start, stop - start)[0]


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


class SqliteBackend:
    table = "pages_searchdocument_fts"

    def fts_query(self, parsed, language):
        """The parsed query as an FTS5 expression of quoted stems (no operator injection)."""

        def term(words):
            stems = snowball(language).stemWords([w.lower() for w in words])
            return '"' + " ".join(s.replace('"', "") for s in stems) + '"'

        groups = ["(" + " OR ".join(term(t) for t in group) + ")" for group in parsed.groups]
        expression = " AND ".join(groups)
        if parsed.excluded:
            expression = (
                f"({expression}) NOT (" + " OR ".join(term(t) for t in parsed.excluded) + ")"
            )
        return expression

    def published_where(self):
        """The published filter as a condition on the `pages_searchdocument` row itself.

        Each kind is `kind = ? AND object_id IN (its model's published ids)`: SQLite reads
        every such list once into a temporary index and then looks each match up in it.
        """
        documents = SearchDocument.objects.filter(published_filter())
        query = documents.query
        return query.get_compiler(connection=connection).compile(query.where)

    def matching_sql(self, parsed, language, select):
        """The matches of each text language, UNION ALL, every value a parameter.

        The FTS5 table drives the join (CROSS JOIN keeps SQLite from reading the documents
        first and running the full-text match once for each of them), and each match then
        finds its document by primary key.
        """
        table = SearchDocument._meta.db_table
        published_sql, published_params = self.published_where()
        # A text in English under another language is matched with English stems.
        # Only constants and Django's compiled SQL go in the text; every value is a parameter.
        sql = " ".join(
            [
                f"SELECT {select} FROM {self.table}",  # noqa: S608
                f"CROSS JOIN {table} ON {table}.id = {self.table}.rowid",
                f"WHERE {self.table} MATCH %s AND {table}.language = %s",
                f"AND {table}.text_language = %s AND ({published_sql})",
            ]
        )
        parts, params = [], []
        for text_language in dict.fromkeys([language, settings.LANGUAGE_CODE]):
            parts.append(sql)
            params += [
                self.fts_query(parsed, text_language),
                language,
                text_language,
                *published_params,
            ]
        return " UNION ALL ".join(parts), params

    def count(self, parsed, language):
        sql, params = self.matching_sql(parsed, language, "1")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql})", params)  # noqa: S608
            return cursor.fetchone()[0]

    def page_sql(self, parsed, language, offset, limit):
        """One statement: every match ranked on narrow rows (id, date, bm25) and counted,
        the page cut, and only then the page's rows joined to their titles and texts."""
        table = SearchDocument._meta.db_table
        select = f"{table}.id AS id, {table}.date AS date, bm25({self.table}, 5.0, 1.0) AS score"
        sql, params = self.matching_sql(parsed, language, select)
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

    def suggest(self, parsed, language):
        titles = (
            SearchDocument.objects.filter(language=language)
            .filter(published_filter())
            .values_list("title", flat=True)
        )
        return corrected(parsed.words, [w for title in titles for w in WORD.findall(title)])


def excerpt(body, parsed, language, words=35):
    """About `words` words of the text around its first match, the matches marked."""
    stemmer = snowball(language)
    wanted = set(stemmer.stemWords([w.lower() for w in parsed.words]))
    tokens = list(WORD.finditer(body))
    if not tokens:
        return ""
    # Stemming is slow in Python: each distinct word once, and only up to the first match
    # and over the words shown, not the whole text.
    stems = {}

    def is_hit(i):
        word = tokens[i].group().lower()
        if word not in stems:
            stems[word] = stemmer.stemWord(word)
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


def corrected(words, vocabulary):
    """The query with each word not in the vocabulary replaced by its closest, or None."""
    known = {w.lower() for w in vocabulary if len(w) > 2}
    changed, suggestion = False, []
    for word in words:
        lowered = word.lower()
        if lowered in known or len(lowered) < 3:
            suggestion.append(word)
            continue
        close = difflib.get_close_matches(lowered, known, n=1, cutoff=0.75)
        if close:
            changed = True
            suggestion.append(close[0])
        else:
            suggestion.append(word)
    return " ".join(suggestion) if changed else None


def backend():
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()


class SearchError(ValueError):
    pass


def validate_query(text):
    """The query cleaned, or SearchError with a message for the visitor."""
    if len(text) > MAX_QUERY_LENGTH:
        raise SearchError(
            _("Searches are limited to %(limit)d characters: shorten yours a little.")
            % {"limit": MAX_QUERY_LENGTH}
        )
    text = CONTROL.sub(" ", text).strip()
    parsed = parse_query(text)
    if not parsed:
        raise SearchError(_("Type at least one word to search for (not only -, quotes or “or”)."))
    return text, parsed


def search(text, parsed, language):
    """The results (lazy, for a Paginator) of a validated query in `language`."""
    chosen = backend()
    query = text if isinstance(chosen, PostgresBackend) else parsed
    return SearchResults(chosen, query, language)


def suggestion(parsed, language):
    """A spelling of a short query that would find something, or None."""
    if len(parsed.words) > 4 or parsed.excluded:
        return None
    return backend().suggest(parsed, language)


def index_if_empty(using="default", **kwargs):
    """After migrate: index existing content the first time (the migration adds the index)."""
    if not SearchDocument.objects.using(using).exists():
        rebuild_index()
