"""Reading access logs into the daily counts of pages/models/audience.py.

A file is read line by line (plain or gzip), its counts kept in memory per day (as many
entries as addresses, sites and searches, never one per line), then added to the database in
one transaction, with the number of lines read. The same file read again, rotated,
compressed or grown since, is known by its first line: only the lines after those already
counted are read.
"""

import datetime
import gzip
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ..models import AudienceDay, ImportedLog, OpenVisitor, PathViews, ReferrerCount, SearchCount
from . import parse

BATCH = 500
# Days are told apart by the log's own clock; one is complete once the log has gone an hour
# into the next day (the file that ends a day, rotated after midnight, always does), or
# once it is more than a day old.
COMPLETE_AFTER_HOURS = 1


def day_key(date):
    """The key of a day's visitor hashes: from the site's secret and the date, so that a
    visitor cannot be followed from one day to the next."""
    return hashlib.blake2b(
        f"genmig.audience:{date.isoformat()}".encode(),
        key=settings.SECRET_KEY.encode()[:64],
        digest_size=32,
    ).digest()


@dataclass
class Day:
    date: datetime.date
    views: int = 0
    downloads: int = 0
    searches: int = 0
    left_out: int = 0
    paths: Counter = field(default_factory=Counter)
    referrers: Counter = field(default_factory=Counter)
    # (language, term): [searches, results of the last]
    terms: dict = field(default_factory=dict)
    visitors: set = field(default_factory=set)
    # (language, term): {visitor key}
    searchers: defaultdict = field(default_factory=lambda: defaultdict(set))

    def __post_init__(self):
        self.key = day_key(self.date)

    def visitor(self, hit):
        key = hashlib.blake2b(
            f"{hit.address}\n{hit.agent}".encode(errors="replace"), key=self.key, digest_size=12
        ).hexdigest()
        self.visitors.add(key)
        return key


@dataclass
class Report:
    lines: int = 0
    already: int = 0
    counted: int = 0
    left_out: int = 0
    skipped: Counter = field(default_factory=Counter)
    # The line numbers of the first skipped lines, to look at them in the file.
    skipped_lines: list = field(default_factory=list)
    problem: str = ""


class Counts:
    """One file's counts, per day."""

    def __init__(self):
        self.days = {}
        self.latest = None  # (date, hour) of the latest line
        self.reader = parse.Reader()

    def day(self, date):
        found = self.days.get(date)
        if found is None:
            found = self.days[date] = Day(date)
        return found

    def add(self, line, number, report):
        kind, hit = self.reader.read(line)
        if kind == parse.SKIPPED:
            report.skipped[hit] += 1
            if len(report.skipped_lines) < 10:
                report.skipped_lines.append(number)
            return
        moment = (hit.date, hit.hour)
        if self.latest is None or moment > self.latest:
            self.latest = moment
        day = self.day(hit.date)
        if kind == parse.LEFT_OUT:
            day.left_out += 1
            report.left_out += 1
            return
        report.counted += 1
        visitor = day.visitor(hit)
        if kind == parse.SEARCH:
            day.searches += 1
            entry = day.terms.setdefault((hit.language, hit.term), [0, None])
            entry[0] += 1
            if hit.results is not None:
                entry[1] = hit.results
            day.searchers[(hit.language, hit.term)].add(visitor)
            return
        if kind == parse.DOCUMENT:
            day.downloads += 1
        else:
            day.views += 1
        day.paths[(hit.path, hit.language, kind)] += 1
        if hit.referrer:
            day.referrers[hit.referrer] += 1


def search_key(visitor, language, term):
    return hashlib.blake2b(f"{visitor}\n{language}\n{term}".encode(), digest_size=12).hexdigest()


def new_keys(date, keys, known_day):
    """Which of `keys` the day has not seen before; records them. Looked up only if the day
    had keys before (`known_day`)."""
    keys = list(keys)
    seen = set()
    if known_day:
        for start in range(0, len(keys), BATCH):
            chunk = keys[start : start + BATCH]
            seen.update(
                OpenVisitor.objects.filter(day=date, key__in=chunk).values_list("key", flat=True)
            )
    fresh = [key for key in keys if key not in seen]
    # Plain SQL: the model's bulk_create costs more than the rest of a day's import.
    table = connection.ops.quote_name(OpenVisitor._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f'INSERT INTO {table} ("day", "key") VALUES (%s, %s) ON CONFLICT DO NOTHING',  # noqa: S608
            [(date, key) for key in fresh],
        )
    return fresh


def upsert(model, date, unique, rows, added=("views",), kept=()):
    """Write `rows` ((unique values, {field: value}) pairs) into the day's rows of `model`,
    BATCH at a time: the `added` fields are added to what is stored; the `kept` ones keep
    what is stored when the new value is None; others replace it."""
    known = (*added, *kept)
    stored = {
        row[: len(unique)]: row[len(unique) :]
        for row in model.objects.filter(day=date).values_list(*unique, *known)
    }
    batch, fields = [], None
    for values, changes in rows:
        before = stored.get(values)
        if before:
            for name, old in zip(known, before, strict=True):
                if name in added:
                    changes[name] += old or 0
                elif changes[name] is None:
                    changes[name] = old
        fields = fields or sorted(changes)
        batch.append(model(day=date, **dict(zip(unique, values, strict=True)), **changes))
        if len(batch) == BATCH:
            write(model, batch, unique, fields)
            batch = []
    if batch:
        write(model, batch, unique, fields)


def write(model, rows, unique, fields):
    model.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["day", *unique], update_fields=fields
    )


def store(counts):
    """Add one file's counts to the database (inside the caller's transaction)."""
    for date, day in sorted(counts.days.items()):
        stored, _created = AudienceDay.objects.select_for_update().get_or_create(day=date)
        known = OpenVisitor.objects.filter(day=date).exists()
        visitors = len(new_keys(date, day.visitors, known))
        day.visitors = None
        term_of = {
            search_key(visitor, *term): term
            for term, keys in day.searchers.items()
            for visitor in keys
        }
        day.searchers = None
        new_searchers = Counter(term_of[key] for key in new_keys(date, term_of, known))
        AudienceDay.objects.filter(pk=stored.pk).update(
            views=stored.views + day.views,
            downloads=stored.downloads + day.downloads,
            searches=stored.searches + day.searches,
            visitors=stored.visitors + visitors,
            left_out=stored.left_out + day.left_out,
        )
        upsert(
            PathViews,
            date,
            ("path", "language"),
            (
                ((path, language), {"views": views, "kind": kind})
                for (path, language, kind), views in day.paths.items()
            ),
        )
        upsert(
            ReferrerCount,
            date,
            ("host",),
            (((host,), {"views": views}) for host, views in day.referrers.items()),
        )
        upsert(
            SearchCount,
            date,
            ("language", "term"),
            (
                (
                    term,
                    {"searches": searches, "visitors": new_searchers[term], "results": results},
                )
                for term, (searches, results) in day.terms.items()
            ),
            added=("searches", "visitors"),
            kept=("results",),
        )
    complete_days(counts.latest)


def complete_days(latest):
    """Forget the visitor keys of the days that are over (see COMPLETE_AFTER_HOURS)."""
    cutoff = timezone.localdate() - datetime.timedelta(days=1)
    if latest is not None:
        date, hour = latest
        ended = date if hour >= COMPLETE_AFTER_HOURS else date - datetime.timedelta(days=1)
        cutoff = max(cutoff, ended)
    days = AudienceDay.objects.filter(complete=False, day__lt=cutoff)
    OpenVisitor.objects.filter(day__lt=cutoff).delete()
    days.update(complete=True)


def open_log(path):
    with open(path, "rb") as probe:
        compressed = probe.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if compressed else open(path, "rb")  # noqa: SIM115


def lines_of(stream):
    """The file's lines; one longer than parse.MAX_LINE comes as its first part only, which
    parse.Reader.read() skips."""
    limit = parse.MAX_LINE + 1
    while line := stream.readline(limit):
        if len(line) == limit and not line.endswith(b"\n"):
            while (rest := stream.readline(limit)) and not rest.endswith(b"\n"):
                pass
        yield line


def import_log(path):
    """Count the lines of one access log not counted before; a Report."""
    report = Report()
    counts = Counts()
    digest = None
    with open_log(path) as stream:
        try:
            for number, line in enumerate(lines_of(stream), 1):
                if digest is None:
                    digest = hashlib.sha256(line).hexdigest()
                    known = ImportedLog.objects.filter(first_line=digest).first()
                    report.already = known.lines if known else 0
                report.lines = number
                if number > report.already:
                    counts.add(line, number, report)
        except (OSError, EOFError) as error:
            report.problem = f"the file ends early ({error}); the lines before it are counted"
    if digest is None:
        return report
    with transaction.atomic():
        store(counts)
        ImportedLog.objects.update_or_create(
            first_line=digest, defaults={"lines": max(report.lines, report.already)}
        )
    return report
