"""The page cache: public pages for anonymous visitors, kept in Django's cache.

Every cached page is stored with the cache "generation" current when it was rendered. Saving
or deleting anything of an app whose content pages show (settings.PAGE_CACHE_APPS) sets a new
generation, so every page rendered before is stale at once. The generation lives in the same
cache as the pages (Redis when REDIS_URL is set, else the folder CACHE_DIR that every worker
of the machine shares), so an edit made through one worker or instance is seen through every
other at once.

A visitor with a session (staff signed in to the admin) or with a message waiting is never
served from the cache, and only responses that are the same for every anonymous visitor are
stored: a 200 to a GET that sets no cookie (a page with a form sets the CSRF cookie, so it is
never stored) and does not forbid caching itself (the admin, /healthz).

A page is keyed by its address with only the query parameters its view reads
(genmig/query.py), and by the release: a hash of the static files' manifest, which every
release's collectstatic writes anew, so a new release never serves pages rendered by the
old code (whose stylesheets it may not have); `migrate`, the other release step, starts a
new generation (data migrations change rows without signals).

Browsers get an ETag and a Last-Modified with `max-age=0`: they keep the page but ask each time
whether it changed, which costs a 304 with no body. A shared cache in front (the nginx of
deploy/nginx/, a CDN) is told it may serve the page for PAGE_SHARED_CACHE_SECONDS, serve it
stale a little longer while it asks again, and for PAGE_STALE_IF_ERROR_SECONDS while the site
does not answer. Every other response to a visitor with cookies is `private`.

No page is kept past the next moment the clock changes what pages show (an item scheduled
to appear or disappear, an event starting): see `clock_deadline`. Neither here nor in a
shared cache: the three times of its Cache-Control together never reach past that moment.

A session or message cookie alone does not make a page personal: anyone can send one. Only a
session that holds a signed-in user or a message, or a message cookie the site signed with a
message in it, does (`personal`).
"""

import hashlib
import logging
import math
import secrets
import threading
import time
from datetime import datetime, timezone
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date, parse_http_date
from django.utils.module_loading import import_string

from .query import keep_read_parameters
from .stores import CLOCK_KEY, GENERATION_KEY, LocalBodies

logger = logging.getLogger(__name__)

# How long past PAGE_SHARED_CACHE_SECONDS a shared cache may serve a page while it fetches it
# again, and while the site does not answer (RFC 5861).
STALE_WHILE_REVALIDATE_SECONDS = 30
# Browsers must not keep pages that depend on who asks (staff, a form with its CSRF token).
PRIVATE_CACHE_CONTROL = "private, no-cache"
# Responses that say any of these about themselves are not stored.
UNCACHEABLE_DIRECTIVES = ("private", "no-cache", "no-store")
# Set on a response by per-view decorators and read by the header middleware outside this
# one; a copy rebuilt from the cache would lose them.
RESPONSE_ATTRIBUTES_NOT_KEPT = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "xframe_options_exempt",
)


def public_cache_control(left=None):
    """Cache-Control of a page that is the same for every anonymous visitor.

    `left`: the seconds until the clock next changes what pages show (None: no such moment).
    A shared cache may serve the page fresh, then stale while it asks again, then stale while
    the site does not answer; those three times together stay within `left`, so that nothing
    withdrawn at that moment (an embargo lifted late, a call closed, a partner removed) can be
    served after it, in an outage or not.
    """
    shared = min(settings.PAGE_SHARED_CACHE_SECONDS, settings.PAGE_CACHE_SECONDS)
    revalidate = STALE_WHILE_REVALIDATE_SECONDS
    outage = settings.PAGE_STALE_IF_ERROR_SECONDS
    if left is not None:
        left = max(0, math.floor(left))
        shared = min(shared, left)
        revalidate = min(revalidate, left - shared)
        outage = min(outage, left - shared - revalidate)
    return (
        f"max-age=0, s-maxage={shared}, stale-while-revalidate={revalidate}, "
        f"stale-if-error={outage}"
    )


def shown_on_pages(model):
    """Whether saving `model` may change what a public page shows."""
    meta = model._meta
    return (
        meta.app_label in settings.PAGE_CACHE_APPS
        and meta.label not in settings.PAGE_CACHE_IGNORED_MODELS
    )


# Set when a change could not be announced to the cache: this process announces it again
# before it next reads the cache, so that a cache that was unreachable for a moment does not
# keep serving pages from before the change once it answers again.
_generation_owed = threading.Event()


def new_generation():
    """Make every page cached so far stale, on every instance that shares the cache."""
    try:
        cache.set(GENERATION_KEY, secrets.token_hex(8), timeout=None)
    except Exception:
        # The change itself is saved; a cache this instance cannot reach must not undo it.
        _generation_owed.set()
        logger.exception("Could not mark cached pages stale")
    else:
        _generation_owed.clear()


def content_changed(sender, **kwargs):
    """post_save, post_delete and m2m_changed receiver, for the models pages show (apps.py)."""
    if not shown_on_pages(sender):
        return
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed sends pre_add and post_add: the change is there only after
    # Once now, for this process and for tests that never commit; and once more after the
    # commit, since a page rendered between the two may have read the data before it.
    new_generation()
    transaction.on_commit(new_generation, robust=True)


def migrated(sender, **kwargs):
    """post_migrate receiver: a release starts a fresh page cache."""
    new_generation()


def release_id():
    """A hash of the static files' manifest: it changes with every release that changes them."""
    manifest_name = getattr(staticfiles_storage, "manifest_name", None)
    try:
        manifest = Path(settings.STATIC_ROOT, manifest_name).read_bytes()
    except (OSError, TypeError):
        return "none"  # DEBUG serves static files under their plain names
    return hashlib.sha256(manifest).hexdigest()[:16]


def _current_generation(found):
    generation = found.get(GENERATION_KEY)
    if generation is None:
        # The cache was emptied or the key evicted: start a generation no stored page has.
        generation = secrets.token_hex(8)
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY, generation)
    return generation


def clock_deadline(found, generation, since):
    """The next moment after `since` at which the clock changes a page's content, or None.

    Found with one query (settings.PAGE_CACHE_CLOCK) and kept in the cache with the
    generation and the moment it was computed for, so it is looked up once per generation
    (and once more each time such a moment passes), not once per page, on every instance.
    """
    kept = found.get(CLOCK_KEY)
    if kept and kept[0] == generation and kept[1] <= since and (kept[2] is None or since < kept[2]):
        return kept[2]
    moment = import_string(settings.PAGE_CACHE_CLOCK)(datetime.fromtimestamp(since, timezone.utc))
    deadline = moment.timestamp() if moment else None
    cache.set(CLOCK_KEY, (generation, since, deadline), timeout=None)
    return deadline


def fresh(entry, now):
    """Whether a stored page is of the current generation's time: its deadline not reached."""
    return len(entry) == 6 and now < entry[4]


def personal(request):
    """Whether the page must be rendered for this visitor alone: a session of someone signed
    in or holding a message, or a message cookie signed by the site with a message in it.

    A cookie of the right name that is none of these (anyone can send `sessionid=x`) gets
    the page everyone gets, from the cache.
    """
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if session_key:
        session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
        data = session.load()
        if SESSION_KEY in data or SessionStorage.session_key in data:
            return True
    cookie = request.COOKIES.get(CookieStorage.cookie_name)
    return bool(cookie and CookieStorage(request)._decode(cookie))


class PageCacheMiddleware:
    """Serve and store public pages; placed before sessions, CSRF and the database.

    A cached page is two entries: its headers, with the generation it was rendered in, under
    a key made from its address, and its body under its ETag.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.seconds = settings.PAGE_CACHE_SECONDS
        self.local = LocalBodies(settings.PAGE_CACHE_LOCAL_BYTES)
        self.release = release_id()

    def __call__(self, request):
        known = request.method in ("GET", "HEAD") and keep_read_parameters(request) is not None
        try:
            may_serve = self.may_serve_from_cache(request, known)
        except Exception as error:
            # The session store does not answer: render, as for someone signed in.
            logger.warning("Could not tell whether a session is signed in: %r", error)
            may_serve = False
        if not may_serve:
            return self.not_cached(request, self.get_response(request))
        key = self.page_key(request)
        started = time.time()
        if _generation_owed.is_set():
            new_generation()
        try:
            found = cache.get_many([GENERATION_KEY, CLOCK_KEY, key])
            generation = _current_generation(found)
            entry = found.get(key)
            if entry and entry[0] == generation and fresh(entry, started):
                response = self.from_entry(request, entry)
                if response is not None:
                    return response
        except Exception as error:
            # A cache that does not answer costs speed, not the page (/healthz reports it).
            logger.warning("Page cache unavailable: %r", error)
            return self.get_response(request)
        response = self.get_response(request)
        if not self.may_store(request, response):
            return self.not_cached(request, response)
        try:
            deadline = clock_deadline(found, generation, started)
        except Exception:
            logger.exception("Could not find when scheduled content next changes")
            return response
        match = getattr(request, "resolver_match", None)
        kept = match is None or match.view_name not in settings.PAGE_CACHE_NOT_STORED_VIEWS
        self.store(key, generation, response, deadline, kept=kept)
        return get_conditional_response(
            request,
            etag=response["ETag"],
            last_modified=parse_http_date(response["Last-Modified"]),
            response=response,
        )

    def may_serve_from_cache(self, request, known):
        # A view that does not say which parameters it reads may read any: with a query
        # string, each would be a page of its own.
        if not (
            self.seconds > 0
            and (known or not request.META.get("QUERY_STRING"))
            and request.method in ("GET", "HEAD")
        ):
            return False
        cookies = request.COOKIES
        if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
            return not personal(request)
        return True

    def page_key(self, request):
        # The query string holds only the parameters the page reads (keep_read_parameters).
        address = request.build_absolute_uri().encode()
        return f"pagecache:page:{self.release}:{hashlib.sha256(address).hexdigest()}"

    @staticmethod
    def body_key(etag):
        return f"pagecache:body:{etag[1:-1]}"  # the ETag without its quotes

    @staticmethod
    def may_store(request, response):
        # Django renders the whole body for HEAD too (the server drops it), so either will do.
        if response.status_code != 200 or response.streaming:
            return False
        if response.cookies or any(hasattr(response, a) for a in RESPONSE_ATTRIBUTES_NOT_KEPT):
            return False
        cache_control = response.get("Cache-Control", "").lower()
        if any(directive in cache_control for directive in UNCACHEABLE_DIRECTIVES):
            return False
        user = getattr(request, "user", None)
        return not (user is not None and user.is_authenticated)

    def store(self, key, generation, response, deadline=None, kept=True):
        """Give the response its caching headers and, when `kept`, keep it."""
        content = response.content
        now = time.time()
        stored_at = int(now)
        expires = now + self.seconds if deadline is None else min(deadline, now + self.seconds)
        etag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
        response["ETag"] = etag
        response["Last-Modified"] = http_date(stored_at)
        response["Cache-Control"] = public_cache_control(
            None if deadline is None else deadline - now
        )
        # What is served depends on the session and message cookies (see may_serve_from_cache).
        patch_vary_headers(response, ["Cookie"])
        entry = (generation, dict(response.items()), etag, stored_at, expires, deadline)
        if expires <= now or not kept:
            return  # changed by the clock already: the next request renders it again
        self.local.put(etag, content)
        try:
            cache.set_many({key: entry, self.body_key(etag): content}, math.ceil(expires - now))
        except Exception as error:
            logger.warning("Page cache unavailable: %r", error)

    def from_entry(self, request, entry):
        """The cached page, a 304, or None when its body is no longer in the cache."""
        _generation, headers, etag, stored_at, _expires, deadline = entry
        response = HttpResponse(headers=headers)
        if deadline is not None:
            # Counted from now: a shared cache must not keep it past the deadline either.
            response["Cache-Control"] = public_cache_control(deadline - time.time())
        conditional = get_conditional_response(
            request, etag=etag, last_modified=stored_at, response=response
        )
        if conditional is not response or request.method == "HEAD":
            return conditional
        body = self.local.get(etag)
        if body is None:
            body = cache.get(self.body_key(etag))
            if body is None:
                return None
            self.local.put(etag, body)
        response.content = body
        return response

    @staticmethod
    def not_cached(request, response):
        if (
            request.method in ("GET", "HEAD")
            and "Cache-Control" not in response
            and (
                response.cookies
                or settings.SESSION_COOKIE_NAME in request.COOKIES
                or CookieStorage.cookie_name in request.COOKIES
            )
        ):
            response["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response
