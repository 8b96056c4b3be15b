"""The link check on the admin's start page: when links were last checked (or that they never
were), the broken ones with where each is used, and "Check links now", which starts a run in
the background within the same deadlines as `manage.py check_links`."""

import atexit
import logging
import math
import threading

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import connections, transaction
from django.db.models import Count, Max, Window
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .links import check_links, run_hold
from .models import LinkCheck, LinkCheckRun

logger = logging.getLogger(__name__)
BROKEN_LINKS_LISTED = 10


def link_with_places(link):
    """A checked link and where it is used: each item, field and language, with its edit link."""
    languages = dict(settings.LANGUAGES)
    places = []
    for place in link.places:
        try:
            model = apps.get_model(place["model"])
            field = model._meta.get_field(place["field"])
            admin_url = reverse(
                f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
                args=[place["pk"]],
            )
        except (LookupError, KeyError, ValueError, NoReverseMatch):
            continue  # recorded by an older version of the check; the next run rewrites it
        words = {
            "kind": capfirst(model._meta.verbose_name),
            "item": place["item"],
            "field": field.verbose_name,
        }
        if place.get("language"):
            words["language"] = languages.get(place["language"], place["language"])
            label = _("%(kind)s “%(item)s”, %(field)s (%(language)s)") % words
        else:
            label = _("%(kind)s “%(item)s”, %(field)s") % words
        places.append({"label": label, "admin_url": admin_url})
    return {"link": link, "places": places}


def broken_links_section(request, can_view):
    """The start page's panel on links, for those who may see the link check."""
    if not can_view(request, LinkCheck):
        return None
    now = timezone.now()
    run = LinkCheckRun.current()
    last_checked = run.finished_at
    if last_checked is None and LinkCheck.objects.exists():
        # Checked before runs were recorded: the newest check of an address says when.
        last_checked = LinkCheck.objects.aggregate(last=Max("checked_at"))["last"]
    broken = list(
        LinkCheck.objects.filter(broken=True)
        .annotate(total=Window(Count("pk")))
        .order_by("url")[:BROKEN_LINKS_LISTED]
    )
    total = broken[0].total if broken else 0
    url = reverse("admin:pages_linkcheck_changelist")
    running = run.running(now)
    return {
        "name": "links",
        "title": _("Broken links"),
        "panel": "admin/includes/links_panel.html",
        "items": [(_("Broken links"), total, f"{url}?broken__exact=1")] if last_checked else [],
        "links": [link_with_places(link) for link in broken],
        "more": total - len(broken),
        "last_checked": last_checked,
        "running": running,
        # The panel says when links were last checked (or never) and offers a check, even
        # with nothing broken.
        "keep_open": True,
        "started_at": run.started_at,
        "check_url": reverse("admin:pages_linkcheck_check_now"),
    }


def _give_back(started):
    """The worker ends (a release, a restart) before its run: the lock goes back at once,
    not at the run's deadline, so that the next check need not wait an hour."""
    try:
        LinkCheckRun.finish(timezone.now(), started)
    except Exception:  # noqa: BLE001 (the process is ending; the deadline frees the lock anyway)
        logger.warning("The link check's lock is left to its deadline.")


def _run_claimed(started):
    try:
        check_links(claimed=started)
    except Exception:
        logger.exception("The link check started from the admin failed.")
    finally:
        atexit.unregister(_give_back)
        connections.close_all()


def start_in_background():
    """Start a run in a thread of this process unless one runs anywhere; True when started.

    The lock is taken here, by the request, so that two clicks in two workers start one run;
    the thread starts once it is committed, and the request does not wait for it.
    """
    started = LinkCheckRun.claim(timezone.now(), run_hold())
    if started is None:
        return False
    thread = threading.Thread(target=_run_claimed, args=[started], name="check-links", daemon=True)
    transaction.on_commit(thread.start)
    return True


def check_now_view(model_admin, request):
    """POST: start a run of the link check, and go back to the start page."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    if start_in_background():
        minutes = max(1, math.ceil(settings.LINK_CHECK_RUN_TIMEOUT / 60))
        model_admin.message_user(
            request,
            _(
                "The links are being checked. It takes at most %(minutes)d minutes; reload "
                "this page to see what was found."
            )
            % {"minutes": minutes},
            messages.SUCCESS,
        )
    else:
        model_admin.message_user(
            request,
            _("The links are being checked already; reload this page to see what was found."),
            messages.WARNING,
        )
    return redirect("admin:index")
