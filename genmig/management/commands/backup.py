from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from genmig.backup import BackupError, create_backup, prune


class Command(BaseCommand):
    help = (
        "Write one archive of the database (a consistent dump, taken while the site serves) "
        "and every uploaded file, with a manifest of checksums, under BACKUP_DIR; prune "
        "archives older than BACKUP_KEEP_DAYS. The archive's path is the last line printed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", default=None, help=f"Write the archive here (default: {settings.BACKUP_DIR})."
        )

    def handle(self, *args, dir, **options):
        if settings.MEDIA_BUCKET:
            self.stdout.write(
                f"Uploads are in object storage ({settings.MEDIA_BUCKET}): the archive holds "
                "the database alone; the bucket's versioning keeps the uploads (see README)."
            )
        try:
            archive = create_backup(dir)
        except (BackupError, OSError) as error:
            raise CommandError(f"Backup failed, no archive written: {error}") from None
        except Exception as error:
            # sqlite3 says a full disk as OperationalError, whose type is the driver's.
            raise CommandError(f"Backup failed, no archive written: {error}") from None
        for path in prune(dir):
            self.stdout.write(f"Deleted {path}")
        self.stdout.write(f"Backup written ({archive.stat().st_size} bytes):")
        self.stdout.write(str(archive))
