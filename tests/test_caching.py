"""The page cache (genmig/cache.py): what is cached, for whom, and when it is made fresh."""

import datetime
import socket

import pytest
from django.apps import apps
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from genmig.cache import (
    GENERATION_KEY,
    PageCacheMiddleware,
    new_generation,
    public_cache_control,
    shown_on_pages,
)
from genmig.stores import LocalBodies
from pages.models import Page, Update
from partners.models import Benefit, Partner
from tests.helpers import tags

pytestmark = pytest.mark.django_db


def test_a_public_page_is_served_from_the_cache_on_the_second_visit(
    client, django_assert_num_queries
):
    first = client.get("/background/")
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get("/background/")
    assert second.status_code == 200
    assert second.content == first.content
    assert second["ETag"] == first["ETag"]
    assert second["Cache-Control"] == (
        "max-age=0, s-maxage=5, stale-while-revalidate=30, stale-if-error=3600"
    )
    assert second["Last-Modified"]
    assert "Cookie" in second["Vary"]


def test_shared_caches_are_told_how_long_they_may_keep_a_public_page(client, settings):
    settings.PAGE_SHARED_CACHE_SECONDS = 12
    directives = dict(
        (part.strip().split("=") + [""])[:2]
        for part in client.get("/partners/")["Cache-Control"].split(",")
    )
    # Browsers ask every time; a shared cache serves it 12 s, stale a little longer while it
    # asks again, and an hour while the site does not answer.
    assert directives == {
        "max-age": "0",
        "s-maxage": "12",
        "stale-while-revalidate": "30",
        "stale-if-error": "3600",
    }
    # Never longer than the site itself keeps the page.
    settings.PAGE_CACHE_SECONDS = 3
    cache.clear()
    assert "s-maxage=3," in client.get("/partners/")["Cache-Control"]


def test_a_visitor_with_a_message_waiting_gets_a_private_page(client):
    client.cookies["messages"] = message_cookie("Saved.")
    response = client.get("/background/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-cache"


def directives(response):
    parts = (part.strip().split("=") for part in response["Cache-Control"].split(","))
    return {name: int(value) for name, value in parts}


@pytest.mark.parametrize(
    "cookies",
    [
        {"sessionid": "anything"},
        {"sessionid": "a" * 32},
        {"messages": "anything"},
        {"messages": "W10:1tABCD:forged-signature", "sessionid": "made-up-too"},
    ],
)
def test_a_made_up_session_or_message_cookie_gets_the_cached_page(
    client, django_assert_max_num_queries, cookies
):
    cached = client.get("/background/")
    visitor = Client()
    for name, value in cookies.items():
        visitor.cookies[name] = value
    # At most the look-up of the session: no page is rendered for it.
    with django_assert_max_num_queries(1):
        response = visitor.get("/background/")
    assert response.status_code == 200
    assert response["ETag"] == cached["ETag"]
    assert response["Last-Modified"] == cached["Last-Modified"]
    assert "private" not in response["Cache-Control"]


def test_a_session_with_a_message_waiting_is_not_served_from_the_cache(client):
    from django.contrib.sessions.backends.db import SessionStore

    client.get("/background/")
    session = SessionStore()
    session["_messages"] = "[]"
    session.create()
    visitor = Client()
    visitor.cookies["sessionid"] = session.session_key
    response = visitor.get("/background/")
    assert response.status_code == 200
    assert "ETag" not in response and response["Cache-Control"] == "private, no-cache"


def test_no_cache_keeps_a_page_past_the_next_clock_moment(client):
    # Browsers never keep it; a shared cache, fresh, stale while it asks again, and stale
    # while the site does not answer, all together, only up to the moment.
    assert public_cache_control(100) == (
        "max-age=0, s-maxage=5, stale-while-revalidate=30, stale-if-error=65"
    )
    assert public_cache_control(20.9) == (
        "max-age=0, s-maxage=5, stale-while-revalidate=15, stale-if-error=0"
    )
    assert public_cache_control(3) == (
        "max-age=0, s-maxage=3, stale-while-revalidate=0, stale-if-error=0"
    )
    assert (
        public_cache_control(0)
        == public_cache_control(-5)
        == ("max-age=0, s-maxage=0, stale-while-revalidate=0, stale-if-error=0")
    )
    assert public_cache_control(None) == (
        "max-age=0, s-maxage=5, stale-while-revalidate=30, stale-if-error=3600"
    )

    withdrawn = timezone.now() + datetime.timedelta(seconds=40)
    Update.objects.create(
        title="A call closing soon", slug="call", published=True, unpublish_at=withdrawn
    )
    for path in ("/background/", "/updates/", "/updates/call/", "/updates/feed/"):
        for visit in ("rendered", "from the cache"):
            response = client.get(path)
            assert response.status_code == 200, (path, visit)
            left = (withdrawn - timezone.now()).total_seconds()
            found = directives(response)
            window = found["s-maxage"] + found["stale-while-revalidate"]
            window += found["stale-if-error"]
            assert left - 2 <= window <= left, (path, visit, found)


def test_the_outage_window_is_a_setting(client, settings):
    settings.PAGE_STALE_IF_ERROR_SECONDS = 120
    assert directives(client.get("/partners/"))["stale-if-error"] == 120


def test_a_revisit_with_the_etag_or_date_gets_304(client):
    first = client.get("/")
    again = client.get("/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == first["ETag"]
    since = client.get("/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    changed = client.get("/", HTTP_IF_NONE_MATCH='"something-else"')
    assert changed.status_code == 200


def test_head_is_answered_from_the_cache_without_a_body(client):
    get = client.get("/background/")
    head = client.head("/background/")
    assert head.status_code == 200 and head.content == b""
    assert head["ETag"] == get["ETag"]


def test_editing_a_page_shows_at_once(client):
    assert "The gender gap" in client.get("/background/").content.decode()
    page = Page.objects.get(slug="background")
    page.title = "A new title for the background page"
    page.save()
    assert "A new title for the background page" in client.get("/background/").content.decode()


def test_unpublishing_a_page_takes_it_off_at_once(client):
    assert client.get("/background/").status_code == 200
    Page.objects.filter(slug="background").get().delete()
    assert client.get("/background/").status_code == 404


def test_partners_and_benefits_show_at_once(client):
    client.get("/partners/")
    Partner.objects.create(
        name="Institute of Cached Things", slug="cached", type="research", published=True
    )
    assert "Institute of Cached Things" in client.get("/partners/").content.decode()
    Benefit.objects.create(text="A benefit added after caching", published=True)
    html = client.get("/partners/").content.decode()
    assert "A benefit added after caching" in html
    Benefit.objects.filter(text="A benefit added after caching").delete()
    assert "A benefit added after caching" not in client.get("/partners/").content.decode()


def test_the_generation_changes_again_after_the_commit(django_capture_on_commit_callbacks):
    # A page rendered between the save and the commit may have read the old rows.
    with django_capture_on_commit_callbacks() as callbacks:
        Benefit.objects.create(text="Once more after the commit")
    assert new_generation in callbacks


def test_every_model_of_pages_and_partners_refreshes_pages_but_enquiries_and_counts_do_not():
    for label in ("pages", "partners"):
        for model in apps.get_app_config(label).get_models():
            expected = model._meta.label not in (
                "partners.Enquiry",
                "partners.RecentSubmission",
                "pages.LinkCheck",
                "pages.LinkCheckRun",
                "pages.SearchDocument",
                "pages.SearchWord",
            )
            assert shown_on_pages(model) is expected, model
    for label in ("auth", "sessions", "axes", "admin", "reversion"):
        for model in apps.get_app_config(label).get_models():
            assert not shown_on_pages(model), model


def test_saving_something_no_page_shows_keeps_the_cache(django_user_model):
    cache.set(GENERATION_KEY, "before")
    django_user_model.objects.create_user(username="someone", password="x" * 20)
    assert cache.get(GENERATION_KEY) == "before"
    Benefit.objects.create(text="Shown on /partners/")
    assert cache.get(GENERATION_KEY) != "before"


def test_staff_are_never_served_or_stored(client, staff_client, make_page):
    make_page(slug="draft", title="A draft page", published=False)
    anonymous = client.get("/background/")
    staff = staff_client.get("/background/")
    assert staff.status_code == 200
    assert "ETag" not in staff
    assert staff["Cache-Control"] == "private, no-cache"
    # A draft seen by staff is not then shown to visitors.
    assert staff_client.get("/draft/").status_code == 200
    assert client.get("/draft/").status_code == 404
    assert client.get("/background/")["ETag"] == anonymous["ETag"]


def test_a_page_with_a_form_keeps_a_valid_csrf_token(client):
    try:
        path = reverse("partners:contact")
    except NoReverseMatch:
        pytest.skip("no contact form yet")
    first = client.get(path)
    second = client.get(path)
    for response in (first, second):
        assert response.status_code == 200
        assert "ETag" not in response
        assert "csrftoken" in response.cookies
        assert "csrfmiddlewaretoken" in response.content.decode()
        cache_control = response["Cache-Control"]
        assert "private" in cache_control or "no-store" in cache_control
    # Each visit gets its own masked token, from a freshly rendered page.
    assert first.context["csrf_token"] != second.context["csrf_token"]


def message_cookie(text):
    """The cookie Django's messages framework sets to carry a message to the next page."""
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    response = HttpResponse()
    storage._store([Message(constants.SUCCESS, text)], response)
    return response.cookies[CookieStorage.cookie_name].value


def test_a_waiting_message_is_shown_on_a_cached_page(client):
    cached = client.get("/background/")
    visitor = Client()
    visitor.cookies[CookieStorage.cookie_name] = message_cookie("Thank you, message received.")
    response = visitor.get("/background/")
    assert "Thank you, message received." in response.content.decode()
    assert "ETag" not in response
    # Shown once, then gone; and the cached page never carried it.
    assert "Thank you, message received." not in visitor.get("/background/").content.decode()
    assert client.get("/background/")["ETag"] == cached["ETag"]


def test_other_methods_and_errors_are_not_cached(client):
    assert client.post("/background/").status_code == 405
    client.get("/no-such-page/")
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "ETag" not in missing


def test_the_health_check_is_never_cached(client):
    first = client.get("/healthz")
    assert first.status_code == 200
    assert "no-store" in first["Cache-Control"]
    assert "ETag" not in client.get("/healthz")


def test_with_the_cache_unreachable_pages_and_edits_still_work(settings, client):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens there once the probe is closed
    settings.CACHES = {
        "default": {
            "BACKEND": "genmig.stores.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }
    assert client.get("/background/").status_code == 200
    page = Page.objects.get(slug="background")
    page.title = "Saved while the cache is away"
    page.save()
    assert Page.objects.get(slug="background").title == "Saved while the cache is away"
    assert "Saved while the cache is away" in client.get("/background/").content.decode()


def test_a_body_gone_from_the_shared_cache_is_rendered_again(client):
    first = client.get("/background/")
    cache.delete(PageCacheMiddleware.body_key(first["ETag"]))
    # Another process (a new client has its own middleware) renders the page again...
    other = Client().get("/background/")
    assert other.status_code == 200 and other.content == first.content
    # ...and this one still has the body in its own memory.
    cache.delete(PageCacheMiddleware.body_key(first["ETag"]))
    assert client.get("/background/").content == first.content


def test_local_bodies_keep_to_their_size_dropping_the_least_recently_used():
    bodies = LocalBodies(max_bytes=10)
    bodies.put('"a"', b"aaaa")
    bodies.put('"b"', b"bbbb")
    assert bodies.get('"a"') == b"aaaa"  # now the most recently used
    bodies.put('"c"', b"cccc")
    assert bodies.get('"b"') is None
    assert bodies.get('"a"') == b"aaaa" and bodies.get('"c"') == b"cccc"
    bodies.put('"big"', b"x" * 11)
    assert bodies.get('"big"') is None and bodies.size == 8


def test_rows_no_page_shows_are_deleted_in_one_statement(django_assert_num_queries):
    """Sessions, sign-in logs and purged enquiries go without Django fetching each row first,
    which it must do for a model that has a post_delete receiver."""
    from axes.models import AccessLog
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session

    from partners.models import Enquiry

    for _ in range(30):
        SessionStore().create()
        AccessLog.objects.create(ip_address="192.0.2.1", username="someone", user_agent="x")
        Enquiry.objects.create(name="A", email="a@example.org", message="Hello")
    for queryset in (Session.objects.all(), AccessLog.objects.all(), Enquiry.objects.all()):
        with django_assert_num_queries(1):
            queryset.delete()
        assert not queryset.exists()
    # What pages show still refreshes them when deleted in bulk.
    cache.set(GENERATION_KEY, "before")
    Benefit.objects.all().delete()
    assert cache.get(GENERATION_KEY) != "before"


def cache_entries():
    return len(cache._list_cache_files())  # the file cache, the default without Redis


def self_links(html):
    """Every address the page gives for itself: canonical, og:url, its other languages."""
    links = [t["href"] for t in tags(html, "link") if t.get("rel") in ("canonical", "alternate")]
    links += [t["content"] for t in tags(html, "meta") if t.get("property") == "og:url"]
    links += [t["href"] for t in tags(html, "a") if t.get("hreflang")]
    return links


def test_a_parameter_no_page_reads_makes_no_new_entry_and_no_link(client):
    home = client.get("/")
    entries = cache_entries()
    for number in range(1, 401):
        response = client.get(f"/?x={number}")
        assert response["ETag"] == home["ETag"]
    assert cache_entries() == entries
    html = client.get("/fr/partners/?x=1&utm_source=mail").content.decode()
    links = self_links(html)
    assert "http://testserver/fr/partners/" in links and "http://testserver/es/partners/" in links
    assert not [link for link in links if "?" in link]


def test_pages_are_kept_apart_by_the_parameters_they_read(client):
    Partner.objects.create(name="Research Institute", slug="ri", type="research", published=True)
    Partner.objects.create(name="A Government", slug="gov", type="government", published=True)
    everyone = client.get("/partners/")
    research = client.get("/partners/?type=research")
    assert research["ETag"] != everyone["ETag"]
    assert "A Government" not in research.content.decode()
    # Other parameters beside it, or a type that does not exist, make no page of their own.
    assert client.get("/partners/?x=2&type=research")["ETag"] == research["ETag"]
    assert client.get("/partners/?type=nonsense")["ETag"] == everyone["ETag"]
    links = self_links(client.get("/partners/?type=research&x=2").content.decode())
    assert "http://testserver/partners/?type=research" in links
    assert "http://testserver/es/partners/?type=research" in links
    assert not [link for link in links if "x=" in link]


def test_the_pages_of_a_list_are_kept_apart_and_page_one_is_the_list(client):
    for number in range(12):
        Update.objects.create(title=f"News {number}", slug=f"news-{number}", published=True)
    first = client.get("/updates/")
    assert client.get("/updates/?page=1")["ETag"] == first["ETag"]
    second = client.get("/updates/?page=2&x=1")
    assert second.status_code == 200 and second["ETag"] != first["ETag"]
    assert client.get("/updates/?page=02")["ETag"] == second["ETag"]
    links = self_links(second.content.decode())
    assert "http://testserver/updates/?page=2" in links
    assert "http://testserver/fr/updates/?page=2" in links
    assert client.get("/updates/?page=3").status_code == 404


def test_a_flood_of_entries_never_drops_the_generation(client, settings, tmp_path):
    """Past MAX_ENTRIES the file cache drops entries at random, but never the generation: a
    generation lost would make every cached page stale at once."""
    default = settings.CACHES["default"]
    settings.CACHES = {
        "default": {
            "BACKEND": default["BACKEND"],
            "LOCATION": str(tmp_path / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20},
        }
    }
    client.get("/background/")
    generation = cache.get(GENERATION_KEY)
    assert generation
    for number in range(300):
        cache.set(f"something-else-{number}", number)
    assert cache.get(GENERATION_KEY) == generation
    assert len(cache._list_cache_files()) < 40


def test_search_results_are_not_kept_in_the_page_cache(client):
    client.get("/background/")
    entries = cache_entries()
    for number in range(30):
        response = client.get(f"/search/?q=word{number}")
        assert response.status_code == 200 and response["ETag"]
    assert cache_entries() == entries


def test_a_search_is_kept_by_its_words_and_page_only(client):
    words = client.get("/search/?q=migration")
    assert words.status_code == 200 and words["ETag"]
    assert client.get("/search/?utm_source=x&q=migration")["ETag"] == words["ETag"]
    assert client.get("/search/?q=remittances")["ETag"] != words["ETag"]
    links = self_links(client.get("/search/?q=migration&utm_source=x").content.decode())
    assert "http://testserver/fr/search/?q=migration" in links
    assert not [link for link in links if "utm_source" in link]


def test_a_change_the_cache_missed_is_announced_once_it_answers_again(client, monkeypatch):
    page = Page.objects.get(slug="background")
    assert page.title in client.get("/background/").content.decode()

    def unreachable(*args, **kwargs):
        raise ConnectionError("cache unreachable")

    # The cache does not take the new generation while the change is saved ...
    with monkeypatch.context() as patch:
        patch.setattr(cache, "set", unreachable)
        page.title = "Retitled while the cache was away"
        page.save()
    # ... and answers again at the next request: the page is rendered anew, not the old copy.
    assert "Retitled while the cache was away" in client.get("/background/").content.decode()
