"""Where an item stands for visitors, as the top of its change form says it: a draft, scheduled
for a time, public (perhaps until a time) or expired, with the link to see it on the site."""

from django.utils.translation import gettext as _

from .models import Scheduled
from .models.schedule import admin_time, admin_zone_name

# Kinds with a page of their own that staff may open before visitors can (pages/views.py).
PREVIEWED = {"pages.Page", "pages.Update"}


def state_of(obj, now=None):
    if isinstance(obj, Scheduled):
        return obj.schedule_state(now)
    return Scheduled.State.PUBLIC if obj.published else Scheduled.State.DRAFT


def describe(obj, state):
    """The words after the state's name: when, and what visitors get."""
    zone = admin_zone_name()
    match state:
        case Scheduled.State.DRAFT:
            text = _("Visitors do not see it.")
            if isinstance(obj, Scheduled) and obj.waits_for_publishing():
                text += " " + _(
                    "Its publishing time (%(time)s, %(zone)s) takes effect only once it is "
                    "marked published."
                ) % {"time": admin_time(obj.publish_at), "zone": zone}
            return text
        case Scheduled.State.SCHEDULED:
            text = _("Visitors do not see it yet.")
            if obj.unpublish_at:
                text += " " + _("They stop seeing it on %(time)s.") % {
                    "time": admin_time(obj.unpublish_at)
                }
            return text
        case Scheduled.State.EXPIRED:
            return _("Visitors no longer see it.")
    if getattr(obj, "unpublish_at", None):
        text = _("Visitors see it until %(time)s (%(zone)s).")
        return text % {"time": admin_time(obj.unpublish_at), "zone": zone}
    return _("Visitors see it.")


def headline(obj, state):
    match state:
        case Scheduled.State.SCHEDULED:
            return _("Scheduled for %(time)s (%(zone)s)") % {
                "time": admin_time(obj.publish_at),
                "zone": admin_zone_name(),
            }
        case Scheduled.State.EXPIRED:
            return _("Expired since %(time)s (%(zone)s)") % {
                "time": admin_time(obj.unpublish_at),
                "zone": admin_zone_name(),
            }
    return state.label


def site_link(obj, state):
    """(address, words) of where to see the item, or (None, why there is nothing to open)."""
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None
    if state == Scheduled.State.PUBLIC:
        if url:
            return url, _("View it on the site")
        return None, ""
    if url and obj._meta.label in PREVIEWED:
        return url, _("Preview it on the site (only signed-in staff see it)")
    return None, _("It has no page of its own to preview; it appears on the site once public.")


def item_status(obj, now=None):
    """What the change form of a saved item says at its top; None for one not saved yet, or
    for what is never published on its own (the site settings)."""
    if obj is None or obj.pk is None or not hasattr(obj, "published"):
        return None
    state = state_of(obj, now)
    url, link_text = site_link(obj, state)
    return {
        "state": state.value,
        "headline": headline(obj, state),
        "text": describe(obj, state),
        "url": url,
        "link_text": link_text,
    }
