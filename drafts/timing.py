"""How long ago a draft was saved, in words: “just now” under a minute, not “0 minutes ago”."""

from datetime import timedelta

from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext as _

JUST_NOW = timedelta(minutes=1)


def saved_ago(when, now=None):
    now = now or timezone.now()
    if now - when < JUST_NOW:
        return _("just now")
    return _("%(since)s ago") % {"since": timesince(when, now)}
