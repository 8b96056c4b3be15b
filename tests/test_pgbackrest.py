"""deploy/pgbackrest/ as operators install it: a PostgreSQL cluster of the test's own archiving
its WAL with pgBackRest, a full backup, writes after it, and a restore to a moment between two
of them. Needs root (the cluster runs as the postgres user), Debian's PostgreSQL server
programs and pgbackrest (.ci/run installs it)."""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from tests.servers import ROOT, free_port

DEPLOY = ROOT / "deploy" / "pgbackrest"


def server_bin():
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return versions[-1].parent if versions else None


def missing():
    if os.geteuid() != 0:
        return "the cluster runs as the postgres user: needs root"
    if not shutil.which("pgbackrest"):
        return "pgbackrest is not installed: apt-get install pgbackrest"
    if server_bin() is None:
        return "PostgreSQL's server programs are not installed"
    return None


class Cluster:
    def __init__(self, folder):
        self.folder = folder
        self.bin = server_bin()
        self.data = folder / "data"
        self.socket = folder / "socket"
        self.repo = folder / "repo"
        self.config = folder / "pgbackrest.conf"
        self.port = free_port()

    def as_postgres(self, *args, check=True):
        result = subprocess.run(  # noqa: S603 (the tests' own arguments)
            ["runuser", "-u", "postgres", "--", *map(str, args)],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=300,
        )
        if check:
            assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
        return result

    def pgbackrest(self, *args):
        return self.as_postgres("pgbackrest", f"--config={self.config}", "--stanza=genmig", *args)

    def sql(self, statement):
        return self.as_postgres(
            self.bin / "psql",
            "-h",
            self.socket,
            "-p",
            self.port,
            "-d",
            "postgres",
            "-Atqc",
            statement,
        ).stdout.strip()

    def setup(self):
        for folder in (self.socket, self.repo):
            folder.mkdir()
        shutil.chown(self.folder, "postgres", "postgres")
        for folder in (self.socket, self.repo):
            shutil.chown(folder, "postgres", "postgres")
        # The shipped files, with only the paths and the port filled in.
        filled = {
            "repo1-path": self.repo,
            "pg1-path": self.data,
            "pg1-port": self.port,
            "pg1-socket-path": self.socket,
        }
        lines = []
        for line in (DEPLOY / "pgbackrest.conf").read_text().splitlines():
            name = line.split("=", 1)[0]
            lines.append(f"{name}={filled[name]}" if name in filled else line)
        self.config.write_text("\n".join(lines) + "\n")
        self.as_postgres(self.bin / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust")
        archive = (
            (DEPLOY / "genmig-archive.conf")
            .read_text()
            .replace("pgbackrest ", f"pgbackrest --config={self.config} ")
        )
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(archive)
            conf.write(
                f"\nport = {self.port}\nlisten_addresses = ''\n"
                f"unix_socket_directories = '{self.socket}'\n"
            )
        return self

    def start(self):
        self.as_postgres(
            self.bin / "pg_ctl", "-D", self.data, "-l", self.folder / "server.log", "-w", "start"
        )

    def stop(self):
        self.as_postgres(
            self.bin / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop", check=False
        )


@pytest.fixture
def cluster():
    reason = missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    # Under /tmp, which the postgres user can reach (pytest's folders are the runner's own).
    folder = Path(tempfile.mkdtemp(prefix="genmig-pgbackrest-"))
    found = Cluster(folder)
    try:
        yield found.setup()
    finally:
        found.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_point_in_time_restore_with_the_shipped_configuration(cluster):
    cluster.start()
    cluster.pgbackrest("stanza-create")
    cluster.pgbackrest("check")
    cluster.pgbackrest("--type=full", "backup")
    # pgBackRest picks a backup that stopped before the target, in whole seconds.
    time.sleep(1.1)

    cluster.sql("CREATE TABLE enquiry (n int); INSERT INTO enquiry VALUES (1)")
    moment = cluster.sql("SELECT now()")
    time.sleep(1.1)
    cluster.sql("INSERT INTO enquiry VALUES (2)")
    cluster.pgbackrest("check")  # completes the WAL segment and waits for it to be archived
    cluster.stop()

    cluster.pgbackrest(
        "--delta", "--type=time", f"--target={moment}", "--target-action=promote", "restore"
    )
    cluster.start()
    deadline = time.monotonic() + 60
    while cluster.sql("SELECT pg_is_in_recovery()") == "t" and time.monotonic() < deadline:
        time.sleep(0.5)
    assert cluster.sql("SELECT array_agg(n ORDER BY n) FROM enquiry") == "{1}"
    info = cluster.pgbackrest("info").stdout
    assert "full backup" in info
