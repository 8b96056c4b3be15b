from django.core.management.base import BaseCommand, CommandError

from pages.audience import import_log


class Command(BaseCommand):
    help = (
        "Add the lines of the front's access logs (plain or .gz, rotated ones too) to the daily "
        "audience figures. Lines already imported are not counted again."
    )

    def add_arguments(self, parser):
        parser.add_argument("logs", nargs="+", metavar="LOG", help="An nginx access log.")

    def handle(self, *args, logs, **options):
        failed = False
        for path in logs:
            try:
                report = import_log(path)
            except OSError as error:
                self.stderr.write(f"{path}: cannot be read ({error.strerror or error}).")
                failed = True
                continue
            self.stdout.write(
                f"{path}: {report.lines} lines, {report.already} counted before, "
                f"{report.counted} counted now, {report.left_out} left out (crawlers, "
                "monitoring, static files, the admin, redirects and errors), "
                f"{sum(report.skipped.values())} skipped."
            )
            if report.skipped:
                reasons = ", ".join(f"{why}: {n}" for why, n in report.skipped.most_common())
                lines = ", ".join(str(number) for number in report.skipped_lines)
                self.stdout.write(f"  Skipped ({reasons}); first at lines {lines}.")
            if report.problem:
                self.stderr.write(f"{path}: {report.problem}.")
        if failed:
            raise CommandError("Some logs could not be read; the others are counted.")
