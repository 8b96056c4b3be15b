from django.conf import settings
from django.core.management.base import BaseCommand

from pages.links import check_links
from pages.models import LinkCheck


class Command(BaseCommand):
    help = (
        "Check every external link in editors' content (texts in every language, partner "
        "websites, resource and registration links) and record the broken ones, shown on the "
        "admin's start page. An address is checked at most once a day; run it daily from cron, "
        "under flock -n so that runs never overlap."
    )

    def handle(self, *args, **options):
        run = check_links()
        if run is None:
            self.stdout.write("Another check of the links is running; this one did nothing.")
            return
        self.stdout.write(
            f"Checked {run.checked} addresses ({run.skipped} already checked in the last day); "
            f"{run.broken} broken."
        )
        if run.unfinished:
            self.stdout.write(
                f"Not checked, the run's {settings.LINK_CHECK_RUN_TIMEOUT:g} seconds "
                f"(LINK_CHECK_RUN_TIMEOUT) being up: {run.unfinished} addresses, asked first "
                "on the next run."
            )
        longest = LinkCheck._meta.get_field("url").max_length
        for url, places in run.too_long.items():
            used = "; ".join(
                f"{place['item']} ({' '.join(filter(None, [place['field'], place['language']]))})"
                for place in places
            )
            self.stdout.write(
                f"Not checked, longer than {longest} characters: {url[:100]}… used in {used}"
            )
