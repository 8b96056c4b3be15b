from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = _("Pages and site content")

    def ready(self):
        from . import first_versions, search

        # Every item has a version in the history from its first save, whoever saves it.
        post_save.connect(first_versions.record_creation, dispatch_uid="history.first_version")
        post_migrate.connect(
            first_versions.after_migrate, sender=self, dispatch_uid="history.migrate"
        )

        # The search index follows every save and delete, from the admin or anywhere else.
        for kind, model in search.kinds().items():
            post_save.connect(search.object_saved, sender=model, dispatch_uid=f"search.{kind}")
            post_delete.connect(
                search.object_deleted, sender=model, dispatch_uid=f"search.del.{kind}"
            )
        post_migrate.connect(search.index_after_migrate, sender=self, dispatch_uid="search.migrate")
