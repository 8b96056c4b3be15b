import mimetypes

from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class GenmigConfig(AppConfig):
    """The project package as an app, so that the page cache hears of every saved change,
    from the admin, a management command or the shell alike."""

    name = "genmig"
    verbose_name = "GenMig website"

    def ready(self):
        # Logos are stored as WebP; Python knows the type only from 3.11 on, and elsewhere
        # only if the system's mime.types says so. Uploads are served by their extension.
        mimetypes.add_type("image/webp", ".webp")

        from . import checks  # noqa: F401 (registers the system checks)
        from .cache import content_changed

        for signal in (post_save, post_delete, m2m_changed):
            signal.connect(content_changed, dispatch_uid=f"genmig.cache.{id(signal)}")
