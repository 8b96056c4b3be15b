import hashlib

from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def address_hash(url):
    """The key an address is unique by: an index on the address itself cannot hold a long one."""
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()


class LinkCheck(models.Model):
    """An external address found in editors' content, as `manage.py check_links` last found it."""

    url = models.URLField(_("address"), max_length=2000)
    url_hash = models.CharField(max_length=64, unique=True, editable=False)
    checked_at = models.DateTimeField(_("last checked"))
    broken = models.BooleanField(_("broken"), default=False)
    status = models.PositiveSmallIntegerField(_("answer (HTTP status)"), null=True, blank=True)
    error = models.CharField(_("problem"), max_length=300, blank=True)
    # [{"model": "pages.Page", "pk": 1, "item": "About", "field": "body", "language": "fr"}]
    places = models.JSONField(_("where it is used"), default=list, blank=True)

    class Meta:
        ordering = ["-broken", "url"]
        verbose_name = _("checked link")
        verbose_name_plural = _("checked links")

    def __str__(self):
        return self.url

    def save(self, *args, **kwargs):
        self.url_hash = address_hash(self.url)
        super().save(*args, **kwargs)


class LinkCheckRun(models.Model):
    """The one record of the link check's runs: when the last one ended, and whether one runs.

    `running_until` is the lock that keeps two runs apart, whichever process starts them (cron
    or "Check links now" in any worker): a run takes it by one UPDATE, and a run that died
    without giving it back loses it at that time.
    """

    started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    running_until = models.DateTimeField(null=True, blank=True, editable=False)
    checked = models.PositiveIntegerField(default=0)
    broken = models.PositiveIntegerField(default=0)
    unfinished = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("link check run")

    def __str__(self):
        return str(self.finished_at or "")

    @classmethod
    def current(cls):
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @classmethod
    def claim(cls, now, hold):
        """Take the lock for `hold` (a timedelta) unless a run holds it; when taken, the run's
        start (`now`), which names the run that holds it; else None."""
        try:
            with transaction.atomic():
                cls.objects.get_or_create(pk=1)
        except IntegrityError:
            pass  # created at the same moment by another process
        free = Q(running_until__isnull=True) | Q(running_until__lte=now)
        taken = cls.objects.filter(free, pk=1).update(running_until=now + hold, started_at=now)
        return now if taken else None

    @classmethod
    def finish(cls, now, started, run=None):
        """Give the lock back, and record what the run found (None: it failed), unless the run
        that started at `started` overran its hold and another run holds the lock now."""
        values = {"running_until": None}
        if run is not None:
            values.update(
                finished_at=now, checked=run.checked, broken=run.broken, unfinished=run.unfinished
            )
        cls.objects.filter(pk=1, started_at=started).update(**values)

    def running(self, now):
        return self.running_until is not None and self.running_until > now
