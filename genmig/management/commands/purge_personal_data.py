from django.core.management.base import BaseCommand

from genmig.personal_data import purge


class Command(BaseCommand):
    help = (
        "Delete every kind of personal data kept longer than its retention period (enquiries, "
        "spam, sign-in records, expired sessions, the enquiry limit's client hashes, old "
        "history), as the privacy notice states. Run it daily from cron."
    )

    def handle(self, *args, **options):
        for name, count in purge().items():
            self.stdout.write(f"{name}: {count} deleted")
