import datetime
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _


def validate_time_zone(name):
    if name not in zoneinfo.available_timezones():
        raise ValidationError(
            _("“%(name)s” is not a time zone name such as “Europe/Zurich”."),
            params={"name": name},
        )


def local_time_problem(day, time, zone_name):
    """Why a wall-clock time on a day in a time zone names no single moment, or None.

    In the hour the clocks go forward, the time does not exist; in the hour they go back, it
    happens twice. Either way the message names the two moments it could mean.
    """
    zone = zoneinfo.ZoneInfo(zone_name)
    local = datetime.datetime.combine(day, time)
    # fold=0 reads the time with the offset in force before the change, fold=1 after it.
    before, after = (local.replace(tzinfo=zone, fold=fold) for fold in (0, 1))
    if before.utcoffset() == after.utcoffset():
        return None

    def moment(value, with_utc=False):
        value = value.astimezone(datetime.timezone.utc).astimezone(zone)
        text = f"{value:%H:%M} {value.tzname()}"
        if with_utc:
            text += f" ({value.astimezone(datetime.timezone.utc):%H:%M} UTC)"
        return text

    if before.astimezone(datetime.timezone.utc).astimezone(zone).replace(tzinfo=None) != local:
        return _(
            "%(time)s does not exist in %(zone)s that day: the clocks go forward then. "
            "Did you mean %(earlier)s or %(later)s?"
        ) % {
            "time": f"{time:%H:%M}",
            "zone": zone_name,
            "earlier": moment(after),
            "later": moment(before),
        }
    return _(
        "%(time)s happens twice in %(zone)s that day: the clocks go back then. It is either "
        "%(first)s or %(second)s; to say which, give the time in UTC (time zone “UTC”)."
    ) % {
        "time": f"{time:%H:%M}",
        "zone": zone_name,
        "first": moment(before, with_utc=True),
        "second": moment(after, with_utc=True),
    }


def admin_zone_name():
    """How the admin names the time zone its times are in: "Geneva time" at headquarters."""
    if settings.ADMIN_TIME_ZONE == "Europe/Zurich":
        return _("Geneva time")
    return _("%(zone)s time") % {"zone": settings.ADMIN_TIME_ZONE}


def admin_time(value):
    """A time as the admin shows it: in the admin's time zone, wherever it is said."""
    zone = zoneinfo.ZoneInfo(settings.ADMIN_TIME_ZONE)
    return formats.date_format(timezone.localtime(value, zone), "DATETIME_FORMAT")


class PublishedQuerySet(models.QuerySet):
    def published(self, now=None):
        """What the public may see: the one rule used by views, navigation, feeds and search.

        An item is public when it is marked published and, for items that can be scheduled,
        its publishing time (if any) has come and its end time (if any) has not.
        """
        published = self.filter(published=True)
        if not issubclass(self.model, Scheduled):
            return published
        now = now or timezone.now()
        return published.filter(
            Q(publish_at__isnull=True) | Q(publish_at__lte=now),
            Q(unpublish_at__isnull=True) | Q(unpublish_at__gt=now),
        )


class Scheduled(models.Model):
    """Optional times at which an item becomes public and stops being public.

    Visitors see the change at its time without anything being run: the page cache keeps no
    page past the next of these times (genmig/cache.py, pages/schedule.py).
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLIC = "public", _("Public")
        EXPIRED = "expired", _("Expired")

    publish_at = models.DateTimeField(
        _("publish at"),
        null=True,
        blank=True,
        help_text=_(
            "Optional. If set, visitors see the item only from this time on (it must also be "
            "marked published). Empty: as soon as it is published."
        ),
    )
    unpublish_at = models.DateTimeField(
        _("unpublish at"),
        null=True,
        blank=True,
        help_text=_("Optional. If set, visitors no longer see the item from this time on."),
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        errors = {}
        if self.publish_at and self.unpublish_at and self.unpublish_at <= self.publish_at:
            errors["unpublish_at"] = _("The end time must come after the publishing time.")
        if self.waits_for_publishing():
            # A publishing time only takes effect on a published item: said, not left silent.
            errors["published"] = _(
                "A publishing time is set (%(time)s, %(zone)s) but “Published” is not ticked: "
                "the item would stay a draft and never go live. Tick “Published” to have "
                "visitors see it from that time, or empty “Publish at” to keep it a draft."
            ) % {"time": admin_time(self.publish_at), "zone": admin_zone_name()}
        if errors:
            raise ValidationError(errors)

    def waits_for_publishing(self, now=None):
        """A draft with a publishing time still to come: that time alone publishes nothing."""
        now = now or timezone.now()
        return not self.published and self.publish_at is not None and self.publish_at > now

    def schedule_state(self, now=None):
        """Draft, scheduled (not public yet), public or expired, as visitors see it now."""
        now = now or timezone.now()
        if not self.published:
            return self.State.DRAFT
        if self.unpublish_at and self.unpublish_at <= now:
            return self.State.EXPIRED
        if self.publish_at and self.publish_at > now:
            return self.State.SCHEDULED
        return self.State.PUBLIC

    @property
    def is_public(self):
        return self.schedule_state() == self.State.PUBLIC
