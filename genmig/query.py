"""The query parameters a page reads, and no others.

A view lists the parameters it reads in `query_parameters`, each with a function that gives
the value's one written form, or None when the value changes nothing (an unknown type, the
first page). For a GET or HEAD to such a view every other parameter is dropped before the
view sees the request, so the page cache keys the page by its address and these parameters
alone (`/?x=1` is `/`), and the links a page gives to itself (canonical, its other
languages) carry only these.
"""

import functools
import re

from django.conf import settings
from django.http import QueryDict
from django.urls import Resolver404, resolve
from django.utils import translation

PAGE_NUMBER = re.compile(r"[0-9]{1,50}")
LAST_PAGE_NUMBER = 10**6  # past any list's end, for lists that show their last page then


def one_of(values):
    """A parameter that is one of these values; any other changes nothing."""
    allowed = frozenset(values)
    return lambda value: value if value in allowed else None


def as_given(value):
    """A parameter whose every value is a page of its own (the words searched for)."""
    return value


def page_number(value):
    """A page of a list: 2, 3...; the first page is the list's own address."""
    if PAGE_NUMBER.fullmatch(value) and int(value) > 1:
        return str(min(int(value), LAST_PAGE_NUMBER))
    return None


def reads_query(**parameters):
    """For a function view: the query parameters it reads (none when called without)."""

    def declare(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            return view(*args, **kwargs)

        wrapped.query_parameters = parameters
        return wrapped

    return declare


@functools.lru_cache(maxsize=4096)
def _declared(path_info, urlconf):
    # Before LocaleMiddleware: resolve in the language of the address, as it will.
    language = translation.get_language_from_path(path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            view = resolve(path_info, urlconf).func
        except Resolver404:
            return None
    return getattr(getattr(view, "view_class", view), "query_parameters", None)


def keep_read_parameters(request):
    """Drop the parameters the view at this address does not read.

    Returns the query string the page is known by ("" for none), or None when the view does
    not say what it reads (the admin, say), whose request is left as it came.
    """
    urlconf = getattr(request, "urlconf", None) or settings.ROOT_URLCONF
    parameters = _declared(request.path_info, urlconf)
    if parameters is None:
        return None
    if not request.META.get("QUERY_STRING"):
        request.page_query = ""
        return ""
    kept = QueryDict(mutable=True)
    for name, written in parameters.items():
        value = request.GET.get(name)
        if value is not None and (value := written(value)) is not None:
            kept[name] = value
    query = kept.urlencode()
    if query != request.META.get("QUERY_STRING", ""):
        request.META["QUERY_STRING"] = query
        request.GET = QueryDict(query)
    request.page_query = query
    return query


def page_address(request):
    """The absolute address of this page, with only the parameters it reads."""
    query = getattr(request, "page_query", "")
    return request.build_absolute_uri(request.path + (f"?{query}" if query else ""))
