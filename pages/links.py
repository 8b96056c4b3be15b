"""External links in editors' content, and whether they still answer (manage.py check_links)."""

import datetime
import http.client
import re
import urllib.error
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


class _NoRedirectLoops(urllib.request.HTTPRedirectHandler):
    max_redirections = 5


def probe(url, timeout):
    """(HTTP status or None, problem) for one address, after following redirects."""
    opener = urllib.request.build_opener(_NoRedirectLoops())
    # Only http and https addresses reach here (URL above).
    request = urllib.request.Request(  # noqa: S310
        url, headers={"User-Agent": USER_AGENT, "Accept": "*/*"}
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, ""
    except TimeoutError:
        return None, f"no answer within {timeout:g} seconds"
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            return None, f"no answer within {timeout:g} seconds"
        return None, str(reason)[:300]
    except (OSError, ValueError, http.client.HTTPException) as error:
        return None, (str(error) or type(error).__name__)[:300]


def is_broken(status, problem):
    if status is None:
        return True
    return status >= 400 and status not in REFUSED_TO_ROBOTS


def check_links(now=None, timeout=None, threads=None):
    """Check the addresses not checked in the last day; returns (checked, skipped, broken)."""
    now = now or timezone.now()
    timeout = settings.LINK_CHECK_TIMEOUT if timeout is None else timeout
    threads = threads or settings.LINK_CHECK_THREADS
    found = collect_links()
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
    return len(due), len(found) - len(due), broken
