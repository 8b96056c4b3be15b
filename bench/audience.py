"""`manage.py import_audience` on a generated day of the front's access log: its time and peak
memory for 100,000 and 1,000,000 lines. bench/run.py prints them for its database; run alone
(`.venv/bin/python bench/audience.py`), this script uses a SQLite database of its own.

The day mixes what the front sees: pages in three languages (2,000 addresses), PDF downloads,
searches (a tenth finding nothing), static files, crawlers, errors and health checks, from
100,000 visitors, and a few malformed lines.
"""

import gzip
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = [int(n) for n in os.environ.get("BENCH_AUDIENCE_LINES", "100000,1000000").split(",")]
BUDGET_SECONDS = 60
AGENTS = [
    f"Mozilla/5.0 (X11; Linux x86_64; rv:{n}.0) Gecko/20100101 Firefox/{n}.0"
    for n in range(90, 130)
] + [
    f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/{n}.0 Safari/537.36"
    for n in range(100, 140)
]
CRAWLERS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)",
]
# Prints the time the import took (wall clock and CPU: on a busy machine the import waits for
# a core) and the process's peak memory (kilobytes), after Django's.
MEASURE = """
import resource, sys, time
import django
django.setup()
from django.core.management import call_command
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start, cpu = time.perf_counter(), time.process_time()
call_command("import_audience", *sys.argv[1:])
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"MEASURED {seconds:.2f} {cpu:.2f} {before} {peak}")
"""


def generate(path, lines, seed=23):
    """A day of `lines` log lines, gzip-compressed like a rotated log."""
    chance = random.Random(seed)  # noqa: S311 (made-up traffic)
    # 100,000 visitors: an address and a browser each.
    visitors = [
        (
            f"{chance.randint(1, 223)}.{chance.randint(0, 255)}.{chance.randint(0, 255)}."
            f"{chance.randint(1, 254)}",
            chance.choice(AGENTS),
        )
        for _ in range(100_000)
    ]
    pages = [f"/topic-{n}/" for n in range(1_700)] + [f"/updates/news-{n}/" for n in range(300)]
    words = [f"word{n}" for n in range(5_000)]
    referrers = ["-"] * 9 + ["https://www.example.org/a", "https://news.example.com/story/1"]
    kinds = ["page"] * 80 + ["pdf"] * 5 + ["search"] * 5 + ["static"] * 5 + ["crawler"] * 2
    kinds += ["404", "healthz", "junk"]
    with gzip.open(path, "wt", compresslevel=1) as log:
        for number in range(lines):
            second = number * 86_400 // lines
            moment = f"07/Dec/2026:{second // 3600:02}:{second // 60 % 60:02}:{second % 60:02}"
            kind = chance.choice(kinds)
            address, agent = chance.choice(visitors)
            status, results = 200, "-"
            if kind == "page":
                target = chance.choice(("", "", "/fr", "/es")) + chance.choice(pages)
            elif kind == "pdf":
                target = f"/media/resources/report-{chance.randrange(200)}.pdf"
            elif kind == "search":
                target = f"/search/?q={chance.choice(words)}+{chance.choice(words)}"
                results = "0" if chance.random() < 0.1 else str(chance.randrange(1, 80))
            elif kind == "static":
                target = "/static/css/site.0123456789ab.css"
            elif kind == "crawler":
                target, agent = chance.choice(pages), chance.choice(CRAWLERS)
            elif kind == "404":
                target, status = f"/wp-login-{chance.randrange(10**6)}.php", 404
            elif kind == "healthz":
                target, agent = "/healthz", "kube-probe/1.29"
            else:
                log.write(f"\\x16\\x03\\x01 {chance.randrange(10**9)} garbage\n")
                continue
            log.write(
                f'{address} - - [{moment} +0000] "GET {target} HTTP/2.0" '
                f'{status} 5120 "{chance.choice(referrers)}" "{agent}" "{results}"\n'
            )


def measure(env, lines, folder):
    log = Path(folder) / f"access-{lines}.log.gz"
    generate(log, lines)
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(log)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if result.returncode != 0:
        raise RuntimeError(f"import_audience failed:\n{result.stderr[-3000:]}")
    figures = re.search(r"MEASURED (\S+) (\S+) (\d+) (\d+)", result.stdout).groups()
    report = next(line for line in result.stdout.splitlines() if " lines, " in line)
    seconds, cpu, before, peak = float(figures[0]), float(figures[1]), *map(int, figures[2:])
    return seconds, cpu, before // 1024, peak // 1024, report


def run(env):
    """Lines of figures for `env` (a migrated database): each size's time and peak memory."""
    out = [
        f"import_audience: a day of the front's access log (gzip), budget {BUDGET_SECONDS} s "
        "for 1,000,000 lines"
    ]
    with tempfile.TemporaryDirectory(prefix="genmig-audience-") as folder:
        for lines in SIZES:
            # Each size into an empty set of figures.
            manage(env, "shell", "-c", CLEAR)
            seconds, cpu, before, peak, report = measure(env, lines, folder)
            verdict = "ok" if seconds <= BUDGET_SECONDS * lines / 1_000_000 else "OVER budget"
            out.append(
                f"  {lines:>9,} lines: {seconds:6.1f} s ({lines / seconds:,.0f} lines/s, "
                f"{verdict}), CPU {cpu:.1f} s, load average {os.getloadavg()[0]:.1f}; "
                f"peak memory {peak} MB (Django loaded: {before} MB)"
            )
            out.append(f"    {report.split(': ', 1)[-1]}")
    return out


CLEAR = (
    "from pages.models import AudienceDay, ImportedLog, OpenVisitor, PathViews, "
    "ReferrerCount, SearchCount\n"
    "for model in (AudienceDay, ImportedLog, OpenVisitor, PathViews, ReferrerCount, "
    "SearchCount): model.objects.all().delete()"
)


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


def main():
    with tempfile.TemporaryDirectory(prefix="genmig-audience-db-") as folder:
        env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
        env.update(
            DJANGO_SETTINGS_MODULE="genmig.settings",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="localhost",
            EMAIL_URL="consolemail://",
            DATABASE_URL=f"sqlite:///{folder}/bench.sqlite3",
        )
        manage(env, "migrate", "--noinput")
        print("\n".join(run(env)), flush=True)


if __name__ == "__main__":
    main()
