"""The time zones an editor chooses from for an event: the few IOM events use first, by the
name of their city, then every other zone."""

import zoneinfo

from django.utils.translation import gettext

from .dates import ZONE_CITIES

# Geneva (headquarters, whose zone is named after Zurich), then IOM's regional offices.
COMMON_ZONES = list(ZONE_CITIES.items())


def time_zone_choices():
    """Grouped choices: the common zones ("Geneva (Europe/Zurich)"), then all the others,
    each zone once, so that the chosen one is selected once."""
    common = [(name, f"{city} ({name})") for name, city in COMMON_ZONES]
    named = {name for name, _city in COMMON_ZONES}
    others = [(name, name) for name in sorted(zoneinfo.available_timezones() - named)]
    return [
        (gettext("Where IOM events usually take place"), common),
        (gettext("Every other time zone"), others),
    ]
