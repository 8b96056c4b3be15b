"""Backups that restore, on the suite's database (SQLite, or PostgreSQL when DATABASE_URL names
it): a backup taken while gunicorn serves, the database and uploads deleted, a restore into a
fresh database, every row and file back, an erasure made after the backup still holding; and
archives cut short, altered or written to a full disk, refused without harm.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import pytest

from tests.helpers import tags
from tests.servers import (
    ROOT,
    Gunicorn,
    PostgresDatabase,
    manage,
    postgres_url,
    production_env,
)

ERASED = "amina.diallo@example.org"


# Run inside `manage.py shell` in the site's environment ------------------------------------


def seed():
    """Content of every kind a backup must bring back."""
    import reversion
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from pages.models import Page, Update
    from partners.models import Enquiry, Partner
    from tests.test_updates import photo

    editor = get_user_model().objects.create_superuser(
        "editor", "editor@iom.int", "a-long-test-password"
    )
    for number in range(3):
        with reversion.create_revision():
            reversion.set_user(editor)
            Partner.objects.create(
                name=f"Partner {number}",
                slug=f"partner-{number}",
                type="research",
                published=True,
                logo=SimpleUploadedFile(
                    f"logo-{number}.png", photo((300 + number, 120), "PNG"), "image/png"
                ),
            )
    with reversion.create_revision():
        reversion.set_user(editor)
        Update.objects.create(
            title="Pictured news",
            slug="pictured-news",
            summary="With a picture.",
            published=True,
            image=SimpleUploadedFile("photo.jpg", photo((1200, 800)), "image/jpeg"),
            image_alt="A room",
        )
        page = Page.objects.get(slug="background")
        page.summary = "Edited before the backup."
        page.save()
    for email in ("Amina.Diallo@example.org", "kept@example.org", "amina.diallo@example.org"):
        Enquiry.objects.create(
            topic="research",
            name="Someone",
            email=email,
            organisation_type="individual",
            message="About care work.",
        )


def print_table_counts():
    from django.db import connection

    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    print("COUNTS " + json.dumps(counts))  # noqa: T201


# The tests' side ------------------------------------------------------------------------------


def shell(env, code):
    return manage(env, "shell", "-c", code).stdout


def table_counts(env):
    output = shell(env, "from tests.test_backup import print_table_counts; print_table_counts()")
    line = next(line for line in output.splitlines() if line.startswith("COUNTS "))
    return json.loads(line.removeprefix("COUNTS "))


def file_checksums(folder):
    folder = Path(folder)
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def run_manage(env, *args):
    return subprocess.run(  # noqa: S603 (the tests' own arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


class Databases:
    """Fresh databases of the module's own: on the suite's PostgreSQL server, or SQLite files."""

    def __init__(self, folder):
        self.folder = folder
        self.server = postgres_url()
        self.created = []

    def new(self):
        if self.server:
            database = PostgresDatabase(self.server).create()
            self.created.append(database)
            return database.url
        path = self.folder / f"db-{len(self.created)}.sqlite3"
        self.created.append(path)
        return f"sqlite:///{path}"

    def delete(self, url):
        if self.server:
            next(db for db in self.created if db.url == url).drop()
        else:
            Path(url.removeprefix("sqlite:///")).unlink()

    def drop_all(self):
        for database in self.created:
            if self.server:
                database.drop()


@pytest.fixture(scope="module")
def databases(tmp_path_factory):
    found = Databases(tmp_path_factory.mktemp("databases"))
    yield found
    found.drop_all()


def site_env(folder, database_url, **overrides):
    return production_env(
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(folder / "media"),
        BACKUP_DIR=str(folder / "backups"),
        ERASURE_LOG_FILE=str(folder / "erasures.jsonl"),
        **overrides,
    )


def keep_asking(server, paths, stop, answers):
    while not stop.is_set():
        for path in paths:
            started = time.monotonic()
            response = server.get(path)
            answers.append((started, time.monotonic() - started, path, response.status))


@pytest.fixture(scope="module")
def site(databases, tmp_path_factory):
    """A seeded site and a backup of it, taken while gunicorn answers requests."""
    folder = tmp_path_factory.mktemp("site")
    env = site_env(folder, databases.new())
    manage(env, "migrate", "--noinput")
    shell(env, "from tests.test_backup import seed; seed()")
    server = Gunicorn(env, folder / "gunicorn.log").start()
    stop, answers = threading.Event(), []
    paths = ["/", "/partners/", "/contact/", "/updates/pictured-news/", "/healthz"]
    asking = threading.Thread(target=keep_asking, args=(server, paths, stop, answers))
    try:
        asking.start()
        # Every page once first: a fresh worker's first requests are slow on a busy machine.
        deadline = time.monotonic() + 60
        while len(answers) < 2 * len(paths) and time.monotonic() < deadline:
            time.sleep(0.1)
        warm = len(answers)
        started = time.monotonic()
        backup = manage(env, "backup")
        finished = time.monotonic()
        time.sleep(0.2)
    finally:
        stop.set()
        asking.join()
        server.stop()
    archive = Path(backup.stdout.strip().splitlines()[-1])
    during = [
        answer
        for answer in answers[warm:]
        if answer[0] < finished and answer[0] + answer[1] > started
    ]
    return {
        "env": env,
        "folder": folder,
        "archive": archive,
        "backup_seconds": finished - started,
        "answers": answers,
        "during": during,
    }


def test_backup_is_taken_while_the_site_answers(site):
    archive = site["archive"]
    assert archive.parent == site["folder"] / "backups"
    assert archive.name.endswith(".tar") and archive.is_file()
    assert site["during"], "no request was made while the backup ran"
    assert {status for *_, status in site["answers"]} == {200}
    # No request waited on the backup (a busy two-core machine answers within seconds).
    assert max(seconds for _, seconds, *_ in site["during"]) < 10
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert names[-1] == "manifest.json"
    assert manifest["release"] == json.loads(
        manage(
            site["env"],
            "shell",
            "-c",
            "import json; from genmig.cache import release_id; print(json.dumps(release_id()))",
        ).stdout.splitlines()[-1]
    )
    media = file_checksums(site["folder"] / "media")
    assert {
        name.removeprefix("media/") for name in manifest["files"] if name.startswith("media/")
    } == set(media)
    for name, checksum in media.items():
        assert manifest["files"][f"media/{name}"]["sha256"] == checksum
    assert any(name.startswith("media/partners/logos/") for name in manifest["files"])
    assert any(name.startswith("media/updates/renditions/") for name in manifest["files"])
    print(  # noqa: T201 (the figures the README reports)
        f"\nbackup: {site['backup_seconds']:.2f} s, {archive.stat().st_size} bytes, "
        f"{len(site['during'])} requests answered meanwhile, "
        f"{len(site['answers'])} in all, slowest {max(a[1] for a in site['answers']):.2f} s"
    )


@pytest.fixture
def small_disk(tmp_path):
    """A file system of a given size (a tmpfs, mounted as root), for a full disk."""
    mounted = []

    def mount(size):
        if os.geteuid() != 0:
            message = "mounting a small tmpfs needs root"
            if os.environ.get("CI") == "true":
                pytest.fail(message, pytrace=False)
            pytest.skip(message)
        folder = tmp_path / f"disk-{size}"
        folder.mkdir()
        subprocess.run(  # noqa: S603 (fixed arguments)
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],  # noqa: S607
            check=True,
        )
        mounted.append(folder)
        return folder

    yield mount
    for folder in mounted:
        subprocess.run(["umount", str(folder)], check=False)  # noqa: S603, S607


# Before the drill, which deletes the site's database and uploads.
@pytest.mark.parametrize("where", ["database", "uploads"])
def test_backup_on_a_full_disk_leaves_no_archive(site, small_disk, where, tmp_path):
    """The disk fills while the database is dumped, or later while the uploads are archived:
    either way the command fails saying so, and no file is left that looks like an archive."""
    with tarfile.open(site["archive"]) as tar:
        database = next(m for m in tar.getmembers() if m.name.startswith("database."))
    size = 16 * 1024 if where == "database" else database.size + 64 * 1024
    assert size < site["archive"].stat().st_size
    disk = small_disk(size)
    env = dict(site["env"], BACKUP_DIR=str(disk))
    result = run_manage(env, "backup")
    assert result.returncode != 0, result.stdout
    assert "Backup failed, no archive written" in result.stderr
    assert "No space left on device" in result.stderr or "full" in result.stderr
    assert list(disk.iterdir()) == []


def test_with_object_storage_the_backup_holds_the_database_alone(site, tmp_path):
    env = dict(site["env"], AWS_STORAGE_BUCKET_NAME="genmig-uploads", BACKUP_DIR=str(tmp_path))
    result = manage(env, "backup")
    assert "the archive holds the database alone" in result.stdout
    with tarfile.open(result.stdout.strip().splitlines()[-1]) as tar:
        names = tar.getnames()
    assert names[0].startswith("database.") and names[-1] == "manifest.json"
    assert not [name for name in names if name.startswith("media/")]


def test_archives_are_readable_by_the_site_alone(site, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir(mode=0o755)
    old = os.umask(0o022)
    try:
        result = manage(dict(site["env"], BACKUP_DIR=str(folder)), "backup")
    finally:
        os.umask(old)
    archive = Path(result.stdout.strip().splitlines()[-1])
    assert oct(archive.stat().st_mode & 0o777) == oct(0o600)
    assert oct(folder.stat().st_mode & 0o777) == oct(0o700)


def test_old_archives_are_pruned_keeping_the_newest(site, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    day = 86400
    now = time.time()
    for age, name in [
        (40, "genmig-20261001-030000-a.tar"),
        (31, "genmig-20261010-030000-a.tar"),
        (29, "genmig-20261012-030000-a.tar"),
        (2, "genmig-20261205-030000-a.tar.partial"),
    ]:
        path = folder / name
        path.write_bytes(b"x")
        os.utime(path, (now - age * day, now - age * day))
    env = dict(site["env"], BACKUP_DIR=str(folder), BACKUP_KEEP_DAYS="30")
    result = manage(env, "backup")
    assert sorted(path.name for path in folder.iterdir()) == [
        "genmig-20261012-030000-a.tar",
        Path(result.stdout.strip().splitlines()[-1]).name,
    ]


def test_the_newest_archive_is_kept_however_old(tmp_path, settings):
    from genmig.backup import prune

    settings.BACKUP_KEEP_DAYS = 30
    long_ago = time.time() - 90 * 86400
    for number in range(3):
        path = tmp_path / f"genmig-2026090{number}-030000-a.tar"
        path.write_bytes(b"x")
        os.utime(path, (long_ago + number, long_ago + number))
    assert len(prune(tmp_path)) == 2
    assert [path.name for path in tmp_path.iterdir()] == ["genmig-20260902-030000-a.tar"]


def test_restore_drill(site, databases, tmp_path):
    env, folder = site["env"], site["folder"]
    # After the backup, a person asks to be erased.
    erased = manage(env, "personal_data", "erase", f"  {ERASED.upper()} ", "--noinput")
    assert "2 enquiries" in erased.stdout
    before_rows = table_counts(env)
    before_files = file_checksums(folder / "media")
    assert before_rows["partners_enquiry"] == 1 and before_rows["genmig_erasurelog"] == 1

    # The machine is lost: the database and the uploads are gone.
    databases.delete(env["DATABASE_URL"])
    shutil.rmtree(folder / "media")
    restored_env = dict(env, DATABASE_URL=databases.new())

    started = time.monotonic()
    result = manage(restored_env, "restore", str(site["archive"]), "--noinput")
    seconds = time.monotonic() - started
    assert "Erasures made since then, replayed: 1." in result.stdout

    assert table_counts(restored_env) == before_rows
    assert file_checksums(folder / "media") == before_files
    nothing = run_manage(restored_env, "personal_data", "export", ERASED)
    assert "Nothing is held on" in nothing.stderr
    assert (
        "kept@example.org"
        in manage(restored_env, "personal_data", "export", "kept@example.org").stdout
    )

    server = Gunicorn(restored_env, tmp_path / "gunicorn.log").start()
    try:
        pictures = set()
        for path in ("/", "/partners/", "/updates/pictured-news/", "/background/", "/privacy/"):
            page = server.get(path)
            assert page.status == 200, path
            pictures |= {
                tag["src"] for tag in tags(page.text, "img") if "/media/" in tag.get("src", "")
            }
        assert "Edited before the backup." in server.get("/background/").text
        assert any("/logos/" in src for src in pictures)
        assert any("/renditions/" in src for src in pictures)
        for src in pictures:
            picture = server.get(src)
            assert picture.status == 200, src
            name = src.split("/media/", 1)[1]
            assert hashlib.sha256(picture.body).hexdigest() == before_files[name]
    finally:
        server.stop()
    print(f"\nrestore: {seconds:.2f} s")  # noqa: T201 (the figures the README reports)


@pytest.fixture
def target(databases, tmp_path):
    """Another site with content of its own, to restore over."""
    env = site_env(tmp_path, databases.new())
    manage(env, "migrate", "--noinput")
    media = tmp_path / "media" / "partners" / "logos"
    media.mkdir(parents=True)
    (media / "own.webp").write_bytes(b"its own upload")
    return env


def assert_unchanged(env, rows, files, result, message):
    assert result.returncode != 0
    assert message in result.stderr
    assert "nothing was changed" in result.stderr
    assert table_counts(env) == rows
    assert file_checksums(Path(env["MEDIA_ROOT"])) == files


def test_restore_into_a_site_that_is_not_empty_is_refused(site, target):
    rows, files = table_counts(target), file_checksums(target["MEDIA_ROOT"])
    result = run_manage(target, "restore", str(site["archive"]), "--noinput")
    assert_unchanged(target, rows, files, result, "The database is not empty")


def test_truncated_archive_is_refused_and_changes_nothing(site, target, tmp_path):
    rows, files = table_counts(target), file_checksums(target["MEDIA_ROOT"])
    data = site["archive"].read_bytes()
    with tarfile.open(site["archive"]) as tar:
        manifest = tar.getmember("manifest.json")
    # Cut in the middle, and in the manifest, the last member.
    for cut in (len(data) // 2, manifest.offset_data + 10):
        truncated = tmp_path / f"cut-{cut}.tar"
        truncated.write_bytes(data[:cut])
        result = run_manage(target, "restore", str(truncated), "--noinput", "--force")
        assert_unchanged(target, rows, files, result, "cut short")


def test_altered_archive_is_refused_and_changes_nothing(site, target, tmp_path):
    rows, files = table_counts(target), file_checksums(target["MEDIA_ROOT"])
    data = bytearray(site["archive"].read_bytes())
    with tarfile.open(site["archive"]) as tar:
        member = next(m for m in tar.getmembers() if m.name.startswith("media/partners/logos/"))
    data[member.offset_data + 10] ^= 0xFF
    altered = tmp_path / "altered.tar"
    altered.write_bytes(bytes(data))
    result = run_manage(target, "restore", str(altered), "--noinput", "--force")
    assert_unchanged(target, rows, files, result, "is not what was backed up")
    assert member.name in result.stderr


def test_a_file_that_is_not_a_backup_is_refused(target, tmp_path):
    rows, files = table_counts(target), file_checksums(target["MEDIA_ROOT"])
    other = tmp_path / "other.tar"
    with tarfile.open(other, "w") as tar:
        tar.add(__file__, arcname="notes.txt")
    result = run_manage(target, "restore", str(other), "--noinput", "--force")
    assert_unchanged(target, rows, files, result, "has no manifest")
