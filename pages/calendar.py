"""Events and webinars as iCalendar (RFC 5545), for “Add to calendar” and to subscribe to."""

import datetime
import html

from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

# The subscribed calendar keeps recent events too, so that one attended stays in it a while.
PAST_DAYS = 90


def plain_text(update):
    """The update's summary and text, without markup, for DESCRIPTION."""
    body = html.unescape(strip_tags(str(update.body_html))).strip()
    return f"{update.summary}\n\n{body}".strip()


def event_component(update, request):
    event = Event()
    # Stable across languages and edits: one event, whichever calendar file brought it.
    event.add("uid", f"update-{update.pk}@{request.get_host()}")
    event.add("dtstamp", timezone.now())
    event.add("last-modified", update.updated)
    event.add("dtstart", update.local_start)
    if update.ends_at:
        event.add("dtend", update.local_end)
    event.add("summary", update.title)
    event.add("description", plain_text(update))
    url = request.build_absolute_uri(update.get_absolute_url())
    event.add("url", url)
    location = ", ".join(part for part in (update.place, update.online_url) if part)
    if location:
        event.add("location", location)
    event.add("categories", [str(update.get_kind_display())])
    return event


def calendar_for(updates, request, name):
    calendar = Calendar()
    calendar.add("prodid", "-//IOM//GenMig website//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    for update in updates:
        calendar.add_component(event_component(update, request))
    # A VTIMEZONE for each TZID used, so every calendar program reads the times alike.
    calendar.add_missing_timezones()
    return calendar.to_ical()


def calendar_window(now=None):
    """Events of the subscribed calendar: every upcoming one and those of the last 90 days."""
    now = now or timezone.now()
    return now - datetime.timedelta(days=PAST_DAYS)


def calendar_name():
    return _("GenMig events and webinars")
