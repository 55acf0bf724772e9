"""The outbox against a real SMTP server that misbehaves, with a real Celery worker: a worker
killed in the middle of a send, and a server whose acknowledgement comes after EMAIL_TIMEOUT.

SMTP cannot be exactly-once. What must hold: a killed worker costs at most one extra copy,
with the same Message-ID as the first (a receiving system can drop it); a slow
acknowledgement never gives a second copy, and the row shows as uncertain to project leads.

The worker runs in a process of its own (`celery worker`, prefork pool, one child: as
`make worker` runs it), so the child that sends can be killed with SIGKILL. It uses the
portal's settings with the test database, the test run's queue and the local SMTP server.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, transaction

from college_portal.celery import app
from college_portal.notifications.models import Notification
from college_portal.notifications.services import notify
from college_portal.notifications.tasks import relay_unsent
from tests.conftest import redis_available, require
from tests.helpers import sv, url, wait_until

from .smtp_server import SMTPServer

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

Status = Notification.Status
LEASE = 4  # seconds a send holds its row in the worker (NOTIFICATION_SEND_LEASE)
STARTUP = 90  # seconds a worker may take to start on a busy machine


def database_url():
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class WorkerProcess:
    """`celery worker` in a process of its own, consuming this test run's queue."""

    def __init__(self, log, email_url, email_timeout):
        cache = settings.CACHES["default"]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "college_portal.settings",
            "DATABASE_URL": database_url(),
            "CONN_MAX_AGE": "0",
            "REDIS_URL": settings.CELERY_BROKER_URL,
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "EMAIL_URL": email_url,
            "EMAIL_TIMEOUT": str(email_timeout),
            "NOTIFICATION_SEND_LEASE": str(LEASE),
        }
        if "redis" in cache["BACKEND"].lower():
            env["CACHE_REDIS_URL"] = cache["LOCATION"]
        self.log = log
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "college_portal",
                "worker",
                "--queues",
                app.conf.task_default_queue,
                "--hostname",
                f"outbox-faults-{os.getpid()}@%h",
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(self.ready, what=f"the worker ready (log: {log})", timeout=STARTUP)

    def ready(self):
        assert self.process.poll() is None, self.log.read_text()
        return " ready." in self.log.read_text() and bool(self.children())

    def children(self):
        """The pool processes: whose parent (the 2nd field after the name in /proc/PID/stat)
        is the worker's main process."""
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:  # gone meanwhile
                continue
            if int(fields[1]) == self.process.pid:
                found.append(int(stat.parent.name))
        return found

    def kill_child(self):
        """SIGKILL the pool process doing the work (the main process notices and starts a new
        one; with acks_late and reject_on_worker_lost the task goes back to the queue)."""
        [child] = self.children()
        os.kill(child, signal.SIGKILL)
        return child

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()  # warm shutdown
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)


@pytest.fixture
def smtp():
    with SMTPServer() as server:
        yield server


@pytest.fixture
def start_worker(django_db_setup, smtp, tmp_path):
    require(redis_available(), "Redis is not available for a real Celery worker")
    require(
        connection.vendor == "postgresql",
        "a worker in its own process needs PostgreSQL (the test database is shared with it)",
    )
    workers = []
    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # this process publishes for real
    app.control.purge()

    def start(email_timeout):
        log = tmp_path / f"worker-{len(workers)}.log"
        workers.append(WorkerProcess(log, smtp.url, email_timeout))
        return workers[-1]

    try:
        yield start
    finally:
        app.conf.task_always_eager = was_eager
        for worker in workers:
            worker.stop()
        with app.connection_for_write() as conn:
            queue = app.amqp.queues[app.conf.task_default_queue].bind(conn.default_channel)
            queue.declare()
            queue.delete()


def make(event_key):
    with transaction.atomic():
        return notify(
            kind="account_email",
            event_key=event_key,
            email="elsa@example.org",
            language="sv",
            context={"subject": "Hej", "text": f"Händelse {event_key}", "html": ""},
        )


def status(row):
    return Notification.objects.get(pk=row.pk).status


def test_worker_killed_mid_send_costs_at_most_one_extra_copy_with_the_same_message_id(
    start_worker, smtp
):
    worker = start_worker(email_timeout=20)
    smtp.recorder.hold = True  # the server takes the message and answers only when released

    row = make("faults:killed")
    assert smtp.recorder.received.wait(30), "the worker did not send"
    # The server has the message; the worker waits for its answer. Kill it there.
    assert status(row) == Status.SENDING
    worker.kill_child()
    smtp.recorder.release()

    # The claim was committed: the row stays `sending` (not pending: no blind second send by
    # the redelivered task), until the claim runs out; then the relay takes it over.
    deadline = time.monotonic() + LEASE + 30
    while status(row) != Status.SENT and time.monotonic() < deadline:
        relay_unsent()  # what beat does every minute
        time.sleep(1)

    row.refresh_from_db()
    copies = smtp.recorder.message_ids
    print(f"killed mid-send: {len(copies)} copies, Message-IDs {set(copies)}")
    assert row.status == Status.SENT
    assert row.attempts == 2
    assert 1 <= len(copies) <= 2
    assert set(copies) == {row.message_id}
    # Nothing more comes later.
    time.sleep(1)
    assert relay_unsent() == 0
    assert len(smtp.recorder.message_ids) == len(copies)


def test_slow_acknowledgement_sends_one_copy_and_leaves_it_to_a_lead(
    start_worker, smtp, client, lead
):
    start_worker(email_timeout=1)
    smtp.recorder.ack_delay = 3  # the server has the message, its answer comes after 3 s

    row = make("faults:slow-ack")
    wait_until(lambda: status(row) == Status.UNCERTAIN, what="the row uncertain", timeout=30)
    # Past the server's late answer and the claim's end: still one copy, and nobody sends it
    # again by themselves.
    time.sleep(LEASE + 1)
    assert relay_unsent() == 0
    time.sleep(1)
    row.refresh_from_db()
    print(f"slow ack: {len(smtp.recorder.message_ids)} copy, row {row.status}")
    assert smtp.recorder.message_ids == [row.message_id]
    assert (row.status, row.attempts) == (Status.UNCERTAIN, 1)

    # A project lead finds it in admin...
    client.force_login(lead)
    changelist = url("admin:notifications_notification_changelist")
    page = client.get(changelist, {"status__exact": "uncertain"}).content.decode()
    assert "elsa@example.org" in page
    assert sv("Uncertain (may have been delivered)") in page
    # ...and, having checked with the recipient, sends it again: the same Message-ID.
    smtp.recorder.ack_delay = 0
    response = client.post(
        changelist, {"action": "send_uncertain_again", "_selected_action": [row.pk], "index": 0}
    )
    assert response.status_code == 302
    wait_until(lambda: status(row) == Status.SENT, what="sent again", timeout=30)
    assert smtp.recorder.message_ids == [row.message_id] * 2
