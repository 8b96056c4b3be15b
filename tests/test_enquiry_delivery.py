"""Each notification is sent exactly once, even when attempts overlap, on SQLite and PostgreSQL.

Real processes (manage.py, as cron and the admin run it) share a database of their own and
a real SMTP server that takes a while over each message, so that their attempts overlap.
"""

import re
import subprocess
import sys
import time
from collections import Counter

import pytest

from tests.conftest import SMTPServer
from tests.servers import ROOT, PostgresDatabase, manage, postgres_url, production_env

ENQUIRIES = 10

CREATE_DUE_ENQUIRIES = """
from datetime import timedelta
from django.utils import timezone
from partners.models import Enquiry
Enquiry.objects.all().delete()
past = timezone.now() - timedelta(minutes=5)
for number in range({count}):
    Enquiry.objects.create(
        topic="research", name=f"Sender {{number}}", email=f"sender{{number}}@example.org",
        organisation_type="individual", message="Hello", next_delivery_at=past,
    )
print(",".join(str(pk) for pk in Enquiry.objects.order_by("pk").values_list("pk", flat=True)))
"""

ADMIN_RETRY = """
from partners import notifications
print(notifications.retry([{pks}]))
"""


@pytest.fixture(scope="module")
def mail_server():
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def site_env(mail_server, tmp_path_factory):
    server = postgres_url()
    database = PostgresDatabase(server).create() if server else None
    url = database.url if database else f"sqlite:///{tmp_path_factory.mktemp('db') / 'db.sqlite3'}"
    env = production_env(
        DATABASE_URL=url, EMAIL_URL=f"smtp://127.0.0.1:{mail_server.port}", EMAIL_TIMEOUT="10"
    )
    try:
        manage(env, "migrate", "--noinput")
        yield env
    finally:
        if database:
            database.drop()


@pytest.fixture
def due_enquiries(site_env, mail_server):
    mail_server.envelopes.clear()
    mail_server.delay = 0.3  # each message takes a while, so that attempts overlap
    output = manage(site_env, "shell", "-c", CREATE_DUE_ENQUIRIES.format(count=ENQUIRIES))
    return output.stdout.strip().splitlines()[-1]


def start(env, command):
    return subprocess.Popen(  # noqa: S603 (the tests' own arguments)
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(*processes):
    results = [process.communicate(timeout=120) for process in processes]
    for process, (_out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err
    return [out for out, _err in results]


def wait_for_first_message(mail_server, timeout=60):
    deadline = time.monotonic() + timeout
    while not mail_server.envelopes:
        assert time.monotonic() < deadline, "nothing was sent"
        time.sleep(0.01)


def assert_each_sent_once(mail_server):
    message_ids = Counter(message["Message-ID"] for message in mail_server.messages)
    assert len(message_ids) == ENQUIRIES
    assert set(message_ids.values()) == {1}, message_ids


def test_two_overlapping_cron_runs_send_each_notification_once(
    site_env, mail_server, due_enquiries
):
    command = ["send_pending_enquiries", "-v", "2"]
    outputs = finish(start(site_env, command), start(site_env, command))
    assert_each_sent_once(mail_server)
    counts = [int(re.search(r"Enquiry notifications: (\d+) sent", out)[1]) for out in outputs]
    assert sum(counts) == ENQUIRIES


def test_the_admin_retry_racing_the_cron_job_sends_each_notification_once(
    site_env, mail_server, due_enquiries
):
    mail_server.delay = 1  # the cron job spends most of its time sending
    cron = start(site_env, ["send_pending_enquiries"])
    # The staff member retries every one, the oldest first, while the cron job is sending.
    wait_for_first_message(mail_server)
    retry = start(site_env, ["shell", "-c", ADMIN_RETRY.format(pks=due_enquiries)])
    finish(cron, retry)
    assert_each_sent_once(mail_server)
