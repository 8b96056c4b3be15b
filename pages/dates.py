"""Dates, times and time zones written the way each of the site's languages writes them."""

import datetime

from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# The zones IOM events and the admin use, by the city people name them after.
ZONE_CITIES = {
    "Europe/Zurich": _("Geneva"),
    "America/New_York": _("New York"),
    "Europe/Brussels": _("Brussels"),
    "Europe/Vienna": _("Vienna"),
    "Africa/Dakar": _("Dakar"),
    "Africa/Nairobi": _("Nairobi"),
    "Africa/Johannesburg": _("Pretoria"),
    "Africa/Cairo": _("Cairo"),
    "Asia/Bangkok": _("Bangkok"),
    "America/Panama": _("Panama City"),
    "America/Argentina/Buenos_Aires": _("Buenos Aires"),
    "Europe/London": _("London"),
    "America/Bogota": _("Bogotá"),
    "Asia/Manila": _("Manila"),
}


def zone_city(zone):
    """The city a time zone is named after, in the current language: Europe/Zurich is Geneva."""
    city = ZONE_CITIES.get(str(zone))
    return str(city) if city else str(zone).rsplit("/", 1)[-1].replace("_", " ")


def _first_of_month(value, date_format):
    # French writes the first day of a month as an ordinal: "1er décembre 2026".
    if get_language() == "fr" and value.day == 1:
        return date_format.replace("j", r"j\e\r", 1)
    return date_format


def long_date(value):
    """“20 January 2027”, “1er décembre 2026”, “1 de diciembre de 2026”."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    fmt = _first_of_month(value, formats.get_format("DATE_FORMAT"))
    return formats.date_format(value, fmt)


def long_datetime(value):
    """“20 January 2027, 14:00” in the current time zone, in the current language's words."""
    if value in (None, ""):
        return ""
    value = timezone.localtime(value) if timezone.is_aware(value) else value
    fmt = _first_of_month(value, formats.get_format("DATETIME_FORMAT"))
    return formats.date_format(value, fmt)
