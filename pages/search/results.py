"""What both backends share: who may be found, a result, and results read a page at a time."""

import datetime
import html
from dataclasses import dataclass

from django.db import connection
from django.db.models import OuterRef, Q, Subquery
from django.db.models.lookups import IsNull
from django.utils import timezone
from django.utils.safestring import mark_safe

from ..models import SearchDocument
from .indexing import kinds

# Characters that never appear in indexed text, used to mark matches inside excerpts.
MARK_START, MARK_END = "\x02", "\x03"
# The most matches a query ranks: past it, the best of the first found (title matches
# first), and the count says "more than". Ranking every match of a common word made a
# results page cost as much as the whole index.
MAX_RANKED = 1000


def published_filter():
    """Q on SearchDocument: items the public may see now, by each model's published()."""
    condition = Q()
    for kind, model in kinds().items():
        condition |= Q(kind=kind, object_id__in=model.objects.published().values("pk"))
    return condition


# A time no query compares with, standing for "now" in the published filter compiled once.
_NOW = datetime.datetime(2000, 1, 1, 0, 0, 0, 424242, tzinfo=datetime.timezone.utc)
_compiled = {}


def published_where(now=None):
    """The published filter as SQL on the `pages_searchdocument` row itself, and its params.

    Each kind looks its item up by primary key (`(SELECT id ... LIMIT 1) IS NOT NULL`), once
    a row that reaches it: a list of every published id (what `IN (SELECT ...)` reads) costs
    as much as the whole table of items, while a query stops after MAX_RANKED matches.
    Compiled from each model's published() once a process (building it through the ORM cost
    a results page more than its query), with the time of the query put in its params.
    """
    if connection.vendor not in _compiled:
        condition = Q()
        for kind, model in kinds().items():
            published = model.objects.published(now=_NOW).filter(pk=OuterRef("object_id"))
            published = published.order_by().values("pk")
            # IS NOT NULL rather than =: the planner then expects most rows to pass, so a
            # query that stops after MAX_RANKED matches is costed as cheap (JIT compiling is
            # not worth it) instead of as reading every match.
            condition |= Q(kind=kind) & Q(IsNull(Subquery(published[:1]), False))
        query = SearchDocument.objects.filter(condition).query
        sql, params = query.get_compiler(connection=connection).compile(query.where)
        _compiled[connection.vendor] = sql, params, connection.ops.adapt_datetimefield_value(_NOW)
    sql, params, marker = _compiled[connection.vendor]
    now = connection.ops.adapt_datetimefield_value(now or timezone.now())
    return sql, [now if param == marker else param for param in params]


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

    `fetch_page` reads the rows of the page asked for and the number of results (at most
    MAX_RANKED + 1, counted on the candidates ranked) in one statement, so the Paginator needs
    no query of its own to count them; only a page past the last costs a count and a second
    read. Past MAX_RANKED, `more` is true and the Paginator sees MAX_RANKED results.
    """

    def __init__(self, backend, query, language):
        self.backend, self.query, self.language = backend, query, language
        self._count = None
        self._pages = {}
        self.more = False

    def _set_count(self, total):
        self.more = total > MAX_RANKED
        self._count = min(total, MAX_RANKED)

    def fetch_page(self, number, per_page):
        start = (number - 1) * per_page
        rows, total = self.backend.fetch(self.query, self.language, start, per_page)
        if rows or start == 0:
            self._set_count(total)
            self._pages[start] = rows

    def count(self):
        if self._count is None:
            self._set_count(self.backend.count(self.query, self.language))
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
