"""Restoring an archive written by genmig/backup.py.

The whole archive is read and every member checked against the manifest before anything is
changed; an archive cut short, altered, or not a backup is refused with nothing touched. The
database and MEDIA_ROOT must be empty unless `force`. After the restore the database is
migrated to this code and the erasure log replayed: whoever was erased after the backup was
made is erased again.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, connections

from . import personal_data
from .backup import CHUNK, ERASURES, FORMAT, MANIFEST, pg_environment, pg_tool


class RestoreError(Exception):
    def __init__(self, message, unchanged=True):
        super().__init__(message)
        self.unchanged = unchanged


def _safe(name):
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def _members(tar):
    """Each regular member with its content's SHA-256 and size, read through to the end."""
    for member in tar:
        if not member.isfile() or not _safe(member.name):
            raise RestoreError(f"the archive holds {member.name!r}, which no backup holds.")
        sha256, size = hashlib.sha256(), 0
        stream = tar.extractfile(member)
        while chunk := stream.read(CHUNK):
            sha256.update(chunk)
            size += len(chunk)
        yield member, sha256.hexdigest(), size


def verify(archive):
    """The archive's manifest, once every member has been read and found as it lists it."""
    found, manifest = {}, None
    try:
        with tarfile.open(archive, mode="r:") as tar:
            for member, sha256, size in _members(tar):
                if member.name == MANIFEST:
                    manifest = json.loads(tar.extractfile(member).read())
                else:
                    found[member.name] = {"sha256": sha256, "size": size}
    except FileNotFoundError:
        raise RestoreError(f"{archive} does not exist.") from None
    except (tarfile.TarError, EOFError, OSError, ValueError) as error:
        raise RestoreError(f"{archive} is damaged or cut short ({error}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise RestoreError(
            f"{archive} has no manifest: it is cut short, or not a backup of this site."
        )
    listed = manifest.get("files", {})
    for name, expected in listed.items():
        if name not in found:
            raise RestoreError(f"{archive} lacks {name}, which its manifest lists.")
        if found[name] != expected:
            raise RestoreError(f"{name} in {archive} is not what was backed up (its checksum).")
    if extra := sorted(set(found) - set(listed)):
        raise RestoreError(f"{archive} holds {extra[0]}, which its manifest does not list.")
    if manifest["database"]["vendor"] != connection.vendor:
        raise RestoreError(
            f"{archive} holds a {manifest['database']['vendor']} database; this site uses "
            f"{connection.vendor}."
        )
    return manifest


def database_is_empty():
    try:
        return not connection.introspection.table_names()
    except DatabaseError:
        return True


def media_is_empty():
    root = Path(settings.MEDIA_ROOT)
    return not root.exists() or not any(path.is_file() for path in root.rglob("*"))


def _extract(archive, manifest, database_path, erasures_path, media_stage):
    """Write the database and uploads out of the archive, checking each again as written."""
    member_name = manifest["database"]["member"]
    with tarfile.open(archive, mode="r:") as tar:
        for member in tar:
            if member.name == MANIFEST:
                continue
            if member.name == member_name:
                target = database_path
            elif member.name == ERASURES:
                target = erasures_path
            elif member.name.startswith("media/") and media_stage is not None:
                target = media_stage / member.name.removeprefix("media/")
            else:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            sha256 = hashlib.sha256()
            with tar.extractfile(member) as source, open(target, "wb") as out:
                while chunk := source.read(CHUNK):
                    sha256.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if sha256.hexdigest() != manifest["files"][member.name]["sha256"]:
                raise RestoreError(f"{member.name} changed while it was restored.")


def _erasures_in_database():
    """The erasure log of the database about to be replaced, to replay it too."""
    from .models import ErasureLog

    try:
        return dict(ErasureLog.objects.values_list("key", "erased_at"))
    except DatabaseError:
        return {}


def _replace_sqlite(restored):
    name = Path(settings.DATABASES["default"]["NAME"])
    connections.close_all()
    name.parent.mkdir(parents=True, exist_ok=True)
    staged = name.with_name(f".{name.name}.restoring")
    shutil.copyfile(restored, staged)
    with open(staged, "rb+") as file:
        os.fsync(file.fileno())
    for stale in ("-wal", "-shm", "-journal"):
        Path(f"{name}{stale}").unlink(missing_ok=True)
    os.replace(staged, name)
    check = sqlite3.connect(name)
    check.execute("PRAGMA quick_check")
    check.close()


def _replace_postgresql(restored, force):
    if force:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    connections.close_all()
    db = settings.DATABASES["default"]["NAME"]
    result = subprocess.run(  # noqa: S603 (the tool and our own arguments)
        [
            pg_tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            "-d",
            db,
            str(restored),
        ],
        env=pg_environment(),
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise RestoreError(
            f"pg_restore failed: {result.stderr.strip()}. Give --force to restore again.",
            unchanged=False,
        )


def _merge_erasure_file(restored_file):
    """Entries of the archive's erasure log that the file here lacks (one lost with the
    machine, say) are added to it."""
    if not restored_file.exists():
        return
    current = personal_data.read_file()
    for key, erased_at in personal_data.read_file(restored_file).items():
        if key not in current:
            personal_data.append_to_file(key, erased_at)


def restore(archive, force=False, stdout=None):
    """Restore `archive`; return a summary of what was done."""
    archive = Path(archive)
    manifest = verify(archive)
    with_media = not settings.MEDIA_BUCKET and manifest["media"] == "media/"
    if not force:
        if not database_is_empty():
            raise RestoreError(
                "The database is not empty: restore into an empty one, or give --force to "
                "replace everything in it."
            )
        if with_media and not media_is_empty():
            raise RestoreError(
                f"MEDIA_ROOT ({settings.MEDIA_ROOT}) is not empty: restore into an empty "
                "folder, or give --force to replace what is in it."
            )
    earlier_erasures = _erasures_in_database()
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".genmig-restore-", dir=media_root.parent))
    try:
        database_path = work / manifest["database"]["member"]
        stage = work / "media" if with_media else None
        _extract(archive, manifest, database_path, work / ERASURES, stage)
        if connection.vendor == "postgresql":
            _replace_postgresql(database_path, force)
        else:
            _replace_sqlite(database_path)
        if with_media:
            if force:
                for child in media_root.iterdir():
                    shutil.rmtree(child) if child.is_dir() else child.unlink()
            for path in sorted(stage.rglob("*")):
                if path.is_file():
                    target = media_root / path.relative_to(stage)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.move(path, target)
        _merge_erasure_file(work / ERASURES)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    call_command("migrate", "--noinput", verbosity=0, stdout=stdout)
    replayed = personal_data.replay(earlier_erasures)
    return {
        "created_at": datetime.fromisoformat(manifest["created_at"]),
        "release": manifest["release"],
        "files": sum(name.startswith("media/") for name in manifest["files"]),
        "media": with_media,
        "replayed": replayed,
    }
