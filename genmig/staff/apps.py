from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "genmig.staff"
    label = "staff"
    verbose_name = _("Staff sign-in")

    def ready(self):
        from . import signals  # noqa: F401 (connects the receivers)
