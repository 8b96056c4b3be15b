from django.core.management.base import BaseCommand, CommandError

from genmig.restore import RestoreError, restore, verify


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup` into an empty database and an empty "
        "MEDIA_ROOT (--force replaces what is there), after checking every file against its "
        "checksum; then migrate, and erase again whoever was erased after the backup."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database and uploads that are not empty.",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )
        parser.add_argument(
            "--check", action="store_true", help="Only check the archive; change nothing."
        )

    def handle(self, *args, archive, force, interactive, check, **options):
        try:
            if check:
                manifest = verify(archive)
                self.stdout.write(
                    f"{archive} is complete: {len(manifest['files'])} files, made "
                    f"{manifest['created_at']} by release {manifest['release']}."
                )
                return
            if interactive:
                verify(archive)
                answer = input(f"Restore {archive} into this site's database? Type 'yes': ")
                if answer.strip().lower() != "yes":
                    raise CommandError("Nothing was restored.")
            done = restore(archive, force=force, stdout=self.stdout)
        except RestoreError as error:
            if error.unchanged:
                raise CommandError(f"Restore refused, nothing was changed: {error}") from None
            raise CommandError(f"Restore failed: {error}") from None
        self.stdout.write(
            f"Restored the backup of {done['created_at']:%Y-%m-%d %H:%M} UTC "
            f"(release {done['release']}): the database and "
            + (
                f"{done['files']} uploaded files."
                if done["media"]
                else "no uploads (object storage)."
            )
        )
        self.stdout.write(f"Erasures made since then, replayed: {done['replayed']}.")
