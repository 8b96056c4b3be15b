from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from partners.models import Enquiry


class Command(BaseCommand):
    help = (
        "Delete the enquiries received more than N days ago, for the retention period that "
        "the privacy notice states (ENQUIRY_RETENTION_DAYS)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than-days",
            type=int,
            default=None,
            metavar="N",
            help="Delete enquiries received more than N days ago "
            f"(default: ENQUIRY_RETENTION_DAYS, now {settings.ENQUIRY_RETENTION_DAYS}).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say how many would be deleted."
        )

    def handle(self, *args, older_than_days, dry_run, **options):
        days = settings.ENQUIRY_RETENTION_DAYS if older_than_days is None else older_than_days
        if days < 1:
            raise CommandError("--older-than-days must be at least 1.")
        cutoff = timezone.now() - timedelta(days=days)
        old = Enquiry.objects.filter(submitted_at__lt=cutoff)
        if dry_run:
            self.stdout.write(
                f"{old.count()} enquiries received before {cutoff:%Y-%m-%d} would be deleted."
            )
            return
        deleted = old.delete()[1].get(Enquiry._meta.label, 0)
        self.stdout.write(f"Deleted {deleted} enquiries received before {cutoff:%Y-%m-%d %H:%M}.")
