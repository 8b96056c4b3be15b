"""What both backends share: who may be found, a result, and results read a page at a time."""

import html
from dataclasses import dataclass

from django.db.models import Q
from django.utils.safestring import mark_safe

from ..models import SearchDocument
from .indexing import kinds

# Characters that never appear in indexed text, used to mark matches inside excerpts.
MARK_START, MARK_END = "\x02", "\x03"


def published_filter():
    """Q on SearchDocument: items the public may see now, by each model's published()."""
    condition = Q()
    for kind, model in kinds().items():
        condition |= Q(kind=kind, object_id__in=model.objects.published().values("pk"))
    return condition


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
