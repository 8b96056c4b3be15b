from django.core.management.base import BaseCommand

from drafts import review
from partners import notifications


class Command(BaseCommand):
    help = (
        "Send the notification emails of enquiries that could not be sent yet, with a "
        "growing pause between attempts. Run it every few minutes; runs at the same moment "
        "(on PostgreSQL, from any number of machines) never send an email twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit",
            type=int,
            default=100,
            help="Try at most this many enquiries in this run (default 100).",
        )

    def handle(self, *args, limit, verbosity, **options):
        sent, failed = notifications.send_due(limit=limit)
        if sent or failed or verbosity > 1:
            self.stdout.write(f"Enquiry notifications: {sent} sent, {failed} still pending.")
        # The review emails about drafts go through the same outbox job.
        sent, failed = review.send_due(limit=limit)
        if sent or failed or verbosity > 1:
            self.stdout.write(f"Review emails: {sent} sent, {failed} still pending.")
