"""External links in editors' content, and whether they still answer (manage.py check_links)."""

import datetime
import queue
import re
import threading
import time
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import LinkCheck, LinkCheckRun
from .models.links import address_hash
from .probe import NOT_CHECKED_PRIVATE, NOT_CHECKED_SCHEME, probe

# Parentheses belong to an address when they pair up (Migration_(human)); see addresses_in.
URL = re.compile(r"https?://[^\s<>\[\]\"'`]+", re.IGNORECASE)
TRAILING = ".,;:!?*_"
# Answers that say "not for a program like this one" rather than "gone": not counted as broken.
REFUSED_TO_ROBOTS = {401, 403, 429}
# At most once a day per address; a little less, so that a daily cron run that starts a few
# minutes earlier than the day before still checks again.
CHECK_INTERVAL = datetime.timedelta(hours=23, minutes=30)
# Recorded, and not counted as broken, for a new address the run had no time left to ask.
NOT_CHECKED_YET = "not checked yet: the run's time was up"
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
    """The addresses in a text, without the punctuation or closing bracket that ends them.

    As GitHub does: a closing parenthesis ends an address (the end of a Markdown link or of an
    aside) unless it closes one opened in the address.
    """
    found = []
    for match in URL.findall(text or ""):
        address = match.rstrip(TRAILING)
        while address.endswith(")") and address.count(")") > address.count("("):
            address = address[:-1].rstrip(TRAILING)
        found.append(address)
    return found


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


def is_broken(status, problem):
    if problem in (NOT_CHECKED_PRIVATE, NOT_CHECKED_SCHEME):
        return False
    if status is None:
        return True
    return status >= 400 and status not in REFUSED_TO_ROBOTS


def probe_all(urls, timeout, threads, run_deadline):
    """{address: (status, problem)} for the addresses asked before `run_deadline`.

    The threads are daemons and are not waited for past the deadline: one stuck where no
    deadline reaches (a slow name lookup) cannot hold the run, nor the process's exit.
    """
    results, pending = {}, queue.SimpleQueue()
    for url in urls:
        pending.put(url)

    def work():
        while time.monotonic() < run_deadline:
            try:
                url = pending.get_nowait()
            except queue.Empty:
                return
            outcome = probe(url, timeout, run_deadline)
            if outcome is not None:
                results[url] = outcome

    workers = [threading.Thread(target=work, daemon=True) for _ in range(min(threads, len(urls)))]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(max(0, run_deadline - time.monotonic()) + 1)
    return dict(results)


@dataclass
class Run:
    checked: int  # addresses asked, with an answer or none in time
    skipped: int  # already checked in the last day
    broken: int
    unfinished: int  # not asked (or not to the end) before the run's deadline; asked first next
    too_long: dict  # {address longer than a LinkCheck holds: places}, left out


def run_hold(timeout=None, run_timeout=None):
    """How long a run holds the lock at most: its deadline, and one address's after it."""
    timeout = settings.LINK_CHECK_TIMEOUT if timeout is None else timeout
    run_timeout = settings.LINK_CHECK_RUN_TIMEOUT if run_timeout is None else run_timeout
    return datetime.timedelta(seconds=run_timeout + timeout + 60)


def check_links(now=None, timeout=None, threads=None, run_timeout=None, claimed=None):
    """Check the addresses not checked in the last day, the longest unchecked first.

    Each address gets `timeout` seconds (LINK_CHECK_TIMEOUT) and the whole run `run_timeout`
    (LINK_CHECK_RUN_TIMEOUT); what was learnt by then is recorded. One run at a time: None
    when another holds the lock (LinkCheckRun), unless the caller took it (`claimed`: the
    start LinkCheckRun.claim gave).
    """
    started = claimed or LinkCheckRun.claim(timezone.now(), run_hold(timeout, run_timeout))
    if started is None:
        return None
    run = None
    try:
        run = _check_links(now, timeout, threads, run_timeout)
    finally:
        LinkCheckRun.finish(timezone.now(), started, run)
    return run


def _check_links(now, timeout, threads, run_timeout):
    now = now or timezone.now()
    timeout = settings.LINK_CHECK_TIMEOUT if timeout is None else timeout
    threads = threads or settings.LINK_CHECK_THREADS
    run_timeout = settings.LINK_CHECK_RUN_TIMEOUT if run_timeout is None else run_timeout
    run_deadline = time.monotonic() + run_timeout
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
    due.sort(key=lambda url: known[url].checked_at if url in known else now - 2 * CHECK_INTERVAL)
    results = probe_all(due, timeout, threads, run_deadline)
    with transaction.atomic():
        LinkCheck.objects.exclude(url_hash__in=[address_hash(url) for url in found]).delete()
        for url, places in found.items():
            check = known.get(url) or LinkCheck(url=url, checked_at=now)
            if url in results:
                status, problem = results[url]
                check.checked_at = now
                check.status = status
                check.error = problem
                check.broken = is_broken(status, problem)
            elif url not in known:
                # Not asked in time: recorded as checked long ago, so the next run asks it first.
                check.checked_at = now - 2 * CHECK_INTERVAL
                check.error = NOT_CHECKED_YET
            check.places = places
            check.save()
    return Run(
        checked=len(results),
        skipped=len(found) - len(due),
        broken=sum(1 for status, problem in results.values() if is_broken(status, problem)),
        unfinished=len(due) - len(results),
        too_long=too_long,
    )
