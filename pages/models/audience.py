"""Audience figures: daily counts made from the front's access log by `manage.py
import_audience` (pages/audience/). They grow with days × paths, never with visits: no
address, user agent or log line is stored; a day's visitors are known only by a keyed hash,
kept while the day is still being imported and forgotten once it is complete."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AudienceDay(models.Model):
    """One day's totals, and whether its visitors are still being told apart."""

    day = models.DateField(_("day"), unique=True)
    views = models.PositiveIntegerField(_("page views"), default=0)
    downloads = models.PositiveIntegerField(_("document downloads"), default=0)
    searches = models.PositiveIntegerField(_("searches"), default=0)
    visitors = models.PositiveIntegerField(_("visitors"), default=0)
    left_out = models.PositiveIntegerField(
        _("requests left out"),
        default=0,
        help_text=_("Crawlers, monitoring, static files, the admin and errors."),
    )
    complete = models.BooleanField(
        _("complete"),
        default=False,
        help_text=_("Once a day is complete, the keys that told its visitors apart are gone."),
    )

    class Meta:
        ordering = ["-day"]
        verbose_name = _("audience day")
        verbose_name_plural = _("audience days")

    def __str__(self):
        return str(self.day)


class PathViews(models.Model):
    """Views of one address (without its language folder) in one language on one day."""

    class Kind(models.TextChoices):
        PAGE = "page", _("page")
        DOCUMENT = "document", _("document")

    day = models.DateField(_("day"))
    path = models.CharField(_("address"), max_length=300)
    language = models.CharField(_("language"), max_length=8, blank=True)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        ordering = ["-day", "-views"]
        verbose_name = _("views of an address")
        verbose_name_plural = _("views of addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "path", "language"], name="pathviews_one_row_a_day"
            )
        ]
        indexes = [models.Index(fields=["kind", "day"]), models.Index(fields=["path", "day"])]

    def __str__(self):
        return f"{self.day} {self.path} ({self.language}): {self.views}"


class ReferrerCount(models.Model):
    """Page views on one day that came from a link on another site (its host name only)."""

    day = models.DateField(_("day"))
    host = models.CharField(_("site"), max_length=253)
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        ordering = ["-day", "-views"]
        verbose_name = _("referring site")
        verbose_name_plural = _("referring sites")
        constraints = [
            models.UniqueConstraint(fields=["day", "host"], name="referrercount_one_row_a_day")
        ]

    def __str__(self):
        return f"{self.day} {self.host}: {self.views}"


class SearchCount(models.Model):
    """Searches for one text in one language on one day, by how many visitors, and how many
    results the last of them found."""

    day = models.DateField(_("day"))
    language = models.CharField(_("language"), max_length=8)
    term = models.CharField(_("search"), max_length=100)
    searches = models.PositiveIntegerField(_("searches"), default=0)
    visitors = models.PositiveIntegerField(_("visitors"), default=0)
    results = models.PositiveIntegerField(_("results"), null=True, blank=True)

    class Meta:
        ordering = ["-day", "-searches"]
        verbose_name = _("search")
        verbose_name_plural = _("searches")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "language", "term"], name="searchcount_one_row_a_day"
            )
        ]
        indexes = [models.Index(fields=["results", "day"])]

    def __str__(self):
        return f"{self.day} {self.term!r} ({self.language}): {self.searches}"


class OpenVisitor(models.Model):
    """A keyed hash telling one visitor (or one visitor's search) apart on a day still being
    imported; deleted when the day is complete. The key changes every day."""

    day = models.DateField(_("day"))
    key = models.CharField(_("key"), max_length=32)

    class Meta:
        ordering = ["day"]
        verbose_name = _("visitor of an open day")
        verbose_name_plural = _("visitors of open days")
        constraints = [models.UniqueConstraint(fields=["day", "key"], name="openvisitor_unique")]

    def __str__(self):
        return f"{self.day} {self.key}"


class ImportedLog(models.Model):
    """An access log already read, known by a hash of its first line: importing it again
    (rotated, compressed or grown) counts only the lines after those already counted."""

    first_line = models.CharField(_("hash of the first line"), max_length=64, unique=True)
    lines = models.PositiveBigIntegerField(_("lines read"), default=0)
    imported_at = models.DateTimeField(_("last imported"), auto_now=True)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("imported log")
        verbose_name_plural = _("imported logs")

    def __str__(self):
        return f"{self.first_line[:12]}… ({self.lines} lines)"
