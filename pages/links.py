"""External links in editors' content, and whether they still answer (manage.py check_links)."""

import datetime
import http.client
import ipaddress
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import LinkCheck

URL = re.compile(r"https?://[^\s<>()\[\]\"'`]+", re.IGNORECASE)
TRAILING = ".,;:!?*_"
# Answers that say "not for a program like this one" rather than "gone": not counted as broken.
REFUSED_TO_ROBOTS = {401, 403, 429}
# At most once a day per address; a little less, so that a daily cron run that starts a few
# minutes earlier than the day before still checks again.
CHECK_INTERVAL = datetime.timedelta(hours=23, minutes=30)
USER_AGENT = "GenMig-link-checker/1.0"
# Recorded, and not counted as broken, for an address the checker refuses to ask: one on the
# server's own machine or network (loopback, private, link-local, cloud metadata...), or a
# redirect to anything but http or https.
NOT_CHECKED_PRIVATE = "not checked: private address"
NOT_CHECKED_SCHEME = "not checked: redirects to a non-web address"

# (model label, Markdown fields translated into every language, fields holding one address)
SOURCES = [
    ("pages.Page", ["body"], []),
    ("pages.Update", ["body"], ["registration_url"]),
    ("pages.Resource", [], ["url"]),
    ("partners.Partner", [], ["website"]),
    (
        "pages.SiteSettings",
        [],
        ["newsletter_url", "video_url", "linkedin_url", "x_url", "youtube_url"],
    ),
]


def addresses_in(text):
    return [match.rstrip(TRAILING) for match in URL.findall(text or "")]


def collect_links():
    """{address: [place, ...]} for every external address in editors' content.

    A place names the item, field and language; its words are put together when shown, in the
    language of the editor who reads them.
    """
    languages = [code for code, _name in settings.LANGUAGES]
    found = {}
    for label, markdown_fields, url_fields in SOURCES:
        model = apps.get_model(label)
        columns = [f"{name}_{language}" for name in markdown_fields for language in languages]
        for obj in model._default_manager.only("pk", *columns, *url_fields).order_by("pk"):
            item = str(obj)
            for field_name in markdown_fields:
                for language in languages:
                    for address in addresses_in(getattr(obj, f"{field_name}_{language}")):
                        place = {
                            "model": label,
                            "item": item,
                            "field": field_name,
                            "language": language,
                            "pk": obj.pk,
                        }
                        found.setdefault(address, [])
                        if place not in found[address]:
                            found[address].append(place)
            for field_name in url_fields:
                address = getattr(obj, field_name)
                if address and URL.fullmatch(address):
                    place = {
                        "model": label,
                        "item": item,
                        "field": field_name,
                        "language": "",
                        "pk": obj.pk,
                    }
                    found.setdefault(address, []).append(place)
    return found


class NotChecked(OSError):
    """An address the checker refuses to ask; its text is what is recorded."""


def is_global(address):
    """Whether an IP address (text) is one of the public Internet's."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global


def connect_to_global(address, timeout=socket._GLOBAL_DEFAULT_TIMEOUT, source_address=None):
    """socket.create_connection, to the very addresses checked and only if all are public."""
    host, port = address
    resolved = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    if not settings.LINK_CHECK_ALLOW_PRIVATE and not all(
        is_global(sockaddr[0]) for *_rest, sockaddr in resolved
    ):
        raise NotChecked(NOT_CHECKED_PRIVATE)
    problem = OSError(f"no address for {host}")
    for _family, _type, _proto, _name, sockaddr in resolved:
        try:
            return socket.create_connection(sockaddr[:2], timeout, source_address)
        except OSError as error:
            problem = error
    raise problem


class _GlobalHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = connect_to_global


class _GlobalHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = connect_to_global


class _GlobalHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_GlobalHTTPConnection, req)


class _GlobalHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_GlobalHTTPSConnection, req, context=self._context)


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 5

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        # Each address redirected to is checked again when connecting (above).
        if urllib.parse.urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise NotChecked(NOT_CHECKED_SCHEME)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def probe(url, timeout):
    """(HTTP status or None, problem) for one address, after following redirects.

    Neither the address nor any it redirects to is asked unless every address its host name
    resolves to is public (LINK_CHECK_ALLOW_PRIVATE aside): editors' content must not make the
    server scan its own network. Proxies from the environment are not used.
    """
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.UnknownHandler(),
        _GlobalHTTPHandler(),
        _GlobalHTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        _Redirects(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    # Only http and https addresses reach here (URL above).
    request = urllib.request.Request(  # noqa: S310
        url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"}
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, ""
    except NotChecked as refused:
        return None, str(refused)
    except urllib.error.HTTPError as error:
        return error.code, ""
    except TimeoutError:
        return None, f"no answer within {timeout:g} seconds"
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, NotChecked):
            return None, str(reason)
        if isinstance(reason, TimeoutError):
            return None, f"no answer within {timeout:g} seconds"
        return None, str(reason)[:300]
    except (OSError, ValueError, http.client.HTTPException) as error:
        return None, (str(error) or type(error).__name__)[:300]


def is_broken(status, problem):
    if problem in (NOT_CHECKED_PRIVATE, NOT_CHECKED_SCHEME):
        return False
    if status is None:
        return True
    return status >= 400 and status not in REFUSED_TO_ROBOTS


def check_links(now=None, timeout=None, threads=None):
    """Check the addresses not checked in the last day.

    Returns (checked, skipped, broken, {too long address: places}): an address longer than a
    LinkCheck can hold is left out, rather than make the whole run fail.
    """
    now = now or timezone.now()
    timeout = settings.LINK_CHECK_TIMEOUT if timeout is None else timeout
    threads = threads or settings.LINK_CHECK_THREADS
    longest = LinkCheck._meta.get_field("url").max_length
    found, too_long = {}, {}
    for url, places in collect_links().items():
        if len(url) > longest:
            too_long[url] = places
        else:
            found[url] = places
    known = {check.url: check for check in LinkCheck.objects.all()}
    due = [
        url for url in found if url not in known or known[url].checked_at <= now - CHECK_INTERVAL
    ]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = dict(zip(due, pool.map(lambda url: probe(url, timeout), due), strict=True))
    with transaction.atomic():
        LinkCheck.objects.exclude(url__in=list(found)).delete()
        for url, places in found.items():
            check = known.get(url) or LinkCheck(url=url, checked_at=now)
            if url in results:
                status, problem = results[url]
                check.checked_at = now
                check.status = status
                check.error = problem
                check.broken = is_broken(status, problem)
            check.places = places
            check.save()
    broken = sum(1 for status, problem in results.values() if is_broken(status, problem))
    return len(due), len(found) - len(due), broken, too_long
