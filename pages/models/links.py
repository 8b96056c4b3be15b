from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkCheck(models.Model):
    """An external address found in editors' content, as `manage.py check_links` last found it."""

    url = models.URLField(_("address"), max_length=2000, unique=True)
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
