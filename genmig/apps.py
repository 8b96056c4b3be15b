import mimetypes

from django.apps import AppConfig
from django.apps import apps as registry
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save


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
        from .cache import content_changed, migrated, shown_on_pages

        # Only for the models pages show: a receiver for every model would make Django fetch
        # each row before deleting it (sessions, sign-in logs, purged enquiries), where it
        # can otherwise delete them all in one statement. Through tables of many-to-many
        # fields are auto-created models of their app, so m2m_changed is heard too.
        for model in registry.get_models(include_auto_created=True):
            if not shown_on_pages(model):
                continue
            for signal in (post_save, post_delete, m2m_changed):
                signal.connect(
                    content_changed,
                    sender=model,
                    dispatch_uid=f"genmig.cache.{model._meta.label}.{id(signal)}",
                )
        # A release's `migrate` starts a fresh page cache: once, not once for every app (and
        # Django sends it only for apps with models, which this package has none of).
        post_migrate.connect(
            migrated, sender=registry.get_app_config("pages"), dispatch_uid="genmig.cache.migrated"
        )
