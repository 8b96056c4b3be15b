"""How long a backup and a restore take for a site of a given size.

Part of `make bench` (after it has seeded its documents), or on its own:
`.venv/bin/python bench/backup.py` seeds BENCH_SEARCH_DOCUMENTS documents in a database of its
own (PostgreSQL on the server DATABASE_URL names, SQLite otherwise) first. Uploads are
BENCH_UPLOAD_MB megabytes (500 unless set) of incompressible files, as pictures are. The restore
goes into a fresh, empty database and an empty MEDIA_ROOT, as after losing the machine.
"""

import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
UPLOAD_MB = int(os.environ.get("BENCH_UPLOAD_MB", "500"))


def run(env, *args):
    began = time.monotonic()
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return time.monotonic() - began, result.stdout


def fresh_database(database_url, folder):
    """An empty database beside the benchmark's, and how to drop it."""
    if database_url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(database_url)
        name = f"genmig_bench_restore_{secrets.token_hex(4)}"
        admin = parts._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

        def drop():
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return parts._replace(path=f"/{name}").geturl(), drop
    return f"sqlite:///{folder / 'restored.sqlite3'}", lambda: None


def measure(env, upload_mb=UPLOAD_MB):
    """Back up the benchmark's site with `upload_mb` MB of uploads, restore it; the lines to
    print."""
    folder = Path(tempfile.mkdtemp(prefix="genmig-bench-backup-", dir=ROOT / "var"))
    drop = lambda: None  # noqa: E731
    try:
        media = folder / "media"
        uploads = media / "documents"
        uploads.mkdir(parents=True)
        for number in range(upload_mb):
            (uploads / f"document-{number:04d}.pdf").write_bytes(os.urandom(1024 * 1024))
        site = dict(
            env,
            MEDIA_ROOT=str(media),
            BACKUP_DIR=str(folder / "backups"),
            ERASURE_LOG_FILE=str(folder / "erasures.jsonl"),
        )
        backup_seconds, output = run(site, "backup")
        archive = Path(output.strip().splitlines()[-1])
        restored_url, drop = fresh_database(env["DATABASE_URL"], folder)
        restored = dict(site, DATABASE_URL=restored_url, MEDIA_ROOT=str(folder / "restored"))
        restore_seconds, _ = run(restored, "restore", str(archive), "--noinput")
        size = archive.stat().st_size / 1e6
        return [
            f"backup and restore: {upload_mb} MB of uploads, archive {size:.0f} MB",
            f"  manage.py backup   {backup_seconds:6.1f} s",
            f"  manage.py restore  {restore_seconds:6.1f} s (fresh database and MEDIA_ROOT, "
            "checksums checked twice, migrate, erasures replayed)",
        ]
    finally:
        drop()
        shutil.rmtree(folder, ignore_errors=True)


def main():
    sys.path.insert(0, str(ROOT))
    from bench.run import OUT, Stack, seed_search

    OUT.mkdir(parents=True, exist_ok=True)
    stack = Stack()
    try:
        database_url, kind = stack.database_url()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUNICORN_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="genmig.settings",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            DJANGO_PROXY_SSL_HEADER="X-Forwarded-Proto",
            EMAIL_URL="consolemail://",
            DATABASE_URL=database_url,
            LOG_LEVEL="WARNING",
        )
        run(env, "collectstatic", "--noinput")
        run(env, "migrate", "--noinput")
        os.environ.update(env)
        import django

        django.setup()
        entries, *_ = seed_search(env)
        print(f"{kind}: {entries} search index entries seeded")  # noqa: T201
        print("\n".join(measure(env)))  # noqa: T201
    finally:
        stack.close()


if __name__ == "__main__":
    main()
