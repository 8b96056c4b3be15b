import hashlib

from django.db import models
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
