from django.core.management.base import BaseCommand
from django.db import transaction

from pages.search import rebuild_index


class Command(BaseCommand):
    help = "Build the site search index anew from every page, update, resource and partner."

    def handle(self, *args, **options):
        with transaction.atomic():
            count = rebuild_index()
        self.stdout.write(f"Indexed {count} entries (one an item and language).")
