"""Backups: one archive holding the database, every uploaded file and a manifest.

The archive is a tar file: `database.sqlite3` (SQLite's online backup API: a consistent copy,
read in one short read transaction) or `database.dump` (`pg_dump -Fc`, one snapshot, which
takes no lock that blocks reading or writing), the uploads under `media/`, the erasure log
file, and last `manifest.json` with the SHA-256 and size of every other member, the release
and the database. It is written under a temporary name, flushed to disk and only then given
its final name, so a backup that fails (a full disk, say) never leaves an archive that looks
complete; `manage.py restore` refuses one that is cut short or altered.
"""

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .cache import release_id

FORMAT = 1
MANIFEST = "manifest.json"
ERASURES = "erasures.jsonl"
PREFIX = "genmig-"
SUFFIX = ".tar"
PARTIAL = ".partial"
CHUNK = 1024 * 1024


class BackupError(Exception):
    pass


def database_member():
    return "database.dump" if connection.vendor == "postgresql" else "database.sqlite3"


# PostgreSQL's client programs ---------------------------------------------------------------


def _major(version_text):
    """15 from "pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"."""
    found = re.search(r"\)\s+(\d+)", version_text)
    return int(found.group(1)) if found else 0


def pg_tool(name):
    """pg_dump or pg_restore of the server's major version (an older one cannot read it)."""
    connection.ensure_connection()
    server = connection.pg_version // 10000
    folder = settings.PG_BIN_DIR or f"/usr/lib/postgresql/{server}/bin"
    tool = Path(folder, name)
    if not tool.exists():
        tool = shutil.which(name)
        if tool is None:
            raise BackupError(f"{name} is not installed: install postgresql-client-{server}.")
    output = subprocess.run(  # noqa: S603 (a fixed program and argument)
        [str(tool), "--version"], capture_output=True, text=True, check=True
    ).stdout
    if _major(output) < server:
        raise BackupError(
            f"{tool} is version {output.strip()}, older than the PostgreSQL {server} server: "
            f"install postgresql-client-{server} or set PG_BIN_DIR."
        )
    return str(tool)


def pg_environment():
    """The connection of the default database, for libpq's programs, without a password on
    their command line."""
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for variable, key in [
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ]:
        if db.get(key):
            env[variable] = str(db[key])
    return env


# Writing the archive -----------------------------------------------------------------------


class _Hashing:
    """A file read through, hashing what is read."""

    def __init__(self, file):
        self.file = file
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size=-1):
        data = self.file.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def _add(tar, path, name, manifest):
    info = tar.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with open(path, "rb") as file:
        reader = _Hashing(file)
        tar.addfile(info, reader)
    if reader.size != info.size:
        raise BackupError(f"{name} changed size while it was archived; run the backup again.")
    manifest["files"][name] = {"sha256": reader.sha256.hexdigest(), "size": reader.size}


def dump_database(path):
    """A consistent copy of the database at `path`, without stopping the site."""
    if connection.vendor == "postgresql":
        db = settings.DATABASES["default"]["NAME"]
        result = subprocess.run(  # noqa: S603 (the tool and our own arguments)
            [pg_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", "-f", str(path), db],
            env=pg_environment(),
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return
    source = sqlite3.connect(f"file:{settings.DATABASES['default']['NAME']}?mode=ro", uri=True)
    target = sqlite3.connect(path)
    try:
        # In one step: one read transaction of a moment, which writers wait out (Django's
        # SQLite connections wait up to their timeout), rather than restarting on each write.
        source.backup(target)
    finally:
        target.close()
        source.close()


def media_files():
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    found = []
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                found.append((path, f"media/{path.relative_to(root).as_posix()}"))
    return found


def _fsync_folder(folder):
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def create_backup(folder=None):
    """Write one archive; return its path."""
    folder = Path(folder or settings.BACKUP_DIR)
    # Archives hold everything (password hashes, sessions, second factors' secrets): readable
    # by the site's own user alone.
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder.chmod(0o700)
    now = timezone.now()
    release = release_id()
    stem = f"{PREFIX}{now:%Y%m%d-%H%M%S}-{release}"
    final = folder / f"{stem}{SUFFIX}"
    counter = 1
    while final.exists():
        counter += 1
        final = folder / f"{stem}-{counter}{SUFFIX}"
    partial = final.with_name(final.name + PARTIAL)
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "release": release,
        "database": {"vendor": connection.vendor, "member": database_member()},
        "media": "object storage, not in the archive" if settings.MEDIA_BUCKET else "media/",
        "files": {},
    }
    work = Path(tempfile.mkdtemp(prefix=".genmig-backup-", dir=folder))
    try:
        dump = work / database_member()
        dump_database(dump)
        private = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(private, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
                _add(tar, dump, database_member(), manifest)
                dump.unlink()
                if not settings.MEDIA_BUCKET:
                    for path, name in media_files():
                        _add(tar, path, name, manifest)
                if Path(settings.ERASURE_LOG_FILE).is_file():
                    _add(tar, settings.ERASURE_LOG_FILE, ERASURES, manifest)
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
                tar.addfile(info, _BytesReader(data))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, final)
        _fsync_folder(folder)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return final


class _BytesReader:
    def __init__(self, data):
        self.data, self.position = data, 0

    def read(self, size=-1):
        end = len(self.data) if size < 0 else self.position + size
        chunk = self.data[self.position : end]
        self.position += len(chunk)
        return chunk


def prune(folder=None, now=None):
    """Delete archives older than BACKUP_KEEP_DAYS (always keeping the newest) and what a
    backup that died left behind; return the paths deleted."""
    folder = Path(folder or settings.BACKUP_DIR)
    if not folder.is_dir():
        return []
    cutoff = (now or timezone.now()) - timedelta(days=settings.BACKUP_KEEP_DAYS)
    archives = sorted(folder.glob(f"{PREFIX}*{SUFFIX}"), key=lambda path: path.stat().st_mtime)
    deleted = []
    for path in archives[:-1]:
        if path.stat().st_mtime < cutoff.timestamp():
            path.unlink()
            deleted.append(path)
    day_ago = (now or timezone.now()).timestamp() - 86400
    for path in [*folder.glob(f"{PREFIX}*{PARTIAL}"), *folder.glob(".genmig-backup-*")]:
        if path.stat().st_mtime < day_ago:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
            deleted.append(path)
    return deleted
