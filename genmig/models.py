from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ErasureLog(models.Model):
    """A person's data erased on request: a keyed hash of their address and the time, never
    the address. `manage.py restore` erases again whoever a restored backup still holds."""

    key = models.CharField(_("keyed hash of the address"), max_length=64, db_index=True)
    erased_at = models.DateTimeField(_("erased"), default=timezone.now)

    class Meta:
        ordering = ["-erased_at"]
        verbose_name = _("erasure")
        verbose_name_plural = _("erasure log")

    def __str__(self):
        return f"{self.key[:12]} {self.erased_at:%Y-%m-%d %H:%M}"
