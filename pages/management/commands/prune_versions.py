from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from reversion.models import Revision, Version


class Command(BaseCommand):
    help = (
        "Delete the saved versions (history) of editors' content older than N days "
        "(default: VERSION_MAX_AGE_DAYS, two years). Run it from cron."
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
        _total, deleted = Revision.objects.filter(date_created__lt=cutoff).delete()
        self.stdout.write(
            f"Deleted {deleted.get(Version._meta.label, 0)} versions saved before "
            f"{cutoff:%Y-%m-%d %H:%M}."
        )
