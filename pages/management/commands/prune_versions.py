from datetime import timedelta

import reversion
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max
from django.utils import timezone
from reversion.models import Revision, Version

from pages.files import delete_unnamed_files, models_with_files, version_file_names


def latest_versions_of_items():
    """The newest version of each item that still exists."""
    latest = []
    for model in reversion.get_registered_models():
        existing = {str(pk) for pk in model._default_manager.values_list("pk", flat=True)}
        newest = (
            Version.objects.get_for_model(model)
            .order_by()
            .values("object_id")
            .annotate(newest=Max("pk"))
            .values_list("object_id", "newest")
        )
        latest += [pk for object_id, pk in newest if object_id in existing]
    return latest


class Command(BaseCommand):
    help = (
        "Delete the saved versions (history) of editors' content older than N days "
        "(default: VERSION_MAX_AGE_DAYS, two years), and the uploaded files that only those "
        "versions named. The latest version of each item is kept, however old, so that its "
        "next edit can be undone. Run it from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-days",
            type=int,
            default=None,
            metavar="N",
            help="Delete versions saved more than N days ago "
            f"(default: VERSION_MAX_AGE_DAYS, now {settings.VERSION_MAX_AGE_DAYS}).",
        )

    def handle(self, *args, older_than_days, **options):
        days = settings.VERSION_MAX_AGE_DAYS if older_than_days is None else older_than_days
        if days < 1:
            raise CommandError("--older-than-days must be at least 1.")
        cutoff = timezone.now() - timedelta(days=days)
        old = Version.objects.filter(revision__date_created__lt=cutoff).exclude(
            pk__in=latest_versions_of_items()
        )
        kinds = ContentType.objects.get_for_models(*models_with_files()).values()
        named = set()
        for version in old.filter(content_type__in=kinds).select_related("content_type"):
            named |= version_file_names(version)
        _total, deleted = old.delete()
        Revision.objects.filter(date_created__lt=cutoff, version__isnull=True).delete()
        # A file an item or a remaining version still names stays (pages/files.py).
        removed = delete_unnamed_files(default_storage, named)
        self.stdout.write(
            f"Deleted {deleted.get(Version._meta.label, 0)} versions saved before "
            f"{cutoff:%Y-%m-%d %H:%M}, and {len(removed)} uploaded files only they named."
        )
