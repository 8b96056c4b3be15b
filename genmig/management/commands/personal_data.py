import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from genmig import personal_data


class Command(BaseCommand):
    help = (
        "Everything the site holds on one email address: `export EMAIL` prints it as JSON, "
        "`erase EMAIL` deletes it (enquiries), deactivates and anonymises staff accounts, and "
        "records the erasure by a keyed hash of the address."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["export", "erase"])
        parser.add_argument("email")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Erase without asking for confirmation.",
        )

    def handle(self, *args, action, email, interactive, **options):
        email = personal_data.normalise(email)
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not an email address.") from None
        held = personal_data.export(email)
        if not held:
            self.stderr.write(f"Nothing is held on {email}; nothing was changed.")
            if action == "export":
                self.stdout.write("{}")
            return
        if action == "export":
            self.stdout.write(json.dumps(held, indent=2, ensure_ascii=False))
            return
        summary = ", ".join(
            f"{len(items)} {name.replace('_', ' ')}" for name, items in held.items()
        )
        if interactive:
            answer = input(f"Erase {summary} held on {email}? Type 'yes' to go on: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was erased.")
        erased = personal_data.erase(email)
        done = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in erased.items())
        self.stdout.write(f"Erased for {email}: {done}. The erasure is recorded.")
