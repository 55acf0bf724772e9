"""The outbox with a real Celery worker on Redis: each notification is e-mailed exactly once,
whatever duplicates, retries or broker outages happen on the way.

The worker runs in a thread of this process (the project's own app, solo pool), so it sees the
test database and Django's in-memory mail outbox.
"""

import logging
import smtplib
import time
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from college_portal.accounts.models import User
from college_portal.celery import app
from college_portal.notifications.models import Notification
from college_portal.notifications.services import RELAY_GRACE, broker_breaker, notify
from college_portal.notifications.tasks import relay_unsent, send_notification
from tests.helpers import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Nothing listens here: connections are refused at once.
CLOSED_BROKER = "redis://127.0.0.1:6390/0"


def wait_sent(pk):
    wait_until(
        lambda: Notification.objects.filter(pk=pk, sent_at__isnull=False).exists(),
        what=f"notification {pk} sent",
    )
    return Notification.objects.get(pk=pk)


def make(event_key, email="elsa@example.org"):
    return notify(
        kind="account_email",
        event_key=event_key,
        email=email,
        language="sv",
        context={"subject": "Hej", "text": f"Händelse {event_key}", "html": ""},
    )


def reset_publisher():
    """Forget the app's broker connections so the next publish uses the current broker_url.

    Celery builds its connection and producer pools from broker_url on the first publish and
    keeps them; it has no public way to drop them.
    """
    app.amqp._producer_pool = None
    app._pool = None


@contextmanager
def broker_unreachable():
    """Point the web side's publishing at a closed port; the running worker is left alone."""
    original = app.conf.broker_url
    app.conf.broker_url = CLOSED_BROKER
    reset_publisher()
    try:
        yield
    finally:
        app.conf.broker_url = original
        reset_publisher()
        # The broker is back; the breaker would skip publishing for a while yet.
        broker_breaker.reset()


def test_committed_notification_is_delivered_once(worker, finished):
    with transaction.atomic():
        row = make("worker:commit")
    # Delivery happens in the worker, after the commit.
    row = wait_sent(row.pk)

    wait_until(lambda: finished.runs, what="the task's end")
    assert finished.runs == [(send_notification.name, False, False)]

    assert row.status == Notification.Status.SENT
    assert row.attempts == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["elsa@example.org"]
    assert mail.outbox[0].subject == "Hej"


def test_nothing_is_enqueued_for_a_rolled_back_transaction(worker, finished):
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        make("worker:rollback")
        raise Boom
    # A later notification goes through the same queue: when it is sent, anything enqueued
    # before it has been handled too.
    with transaction.atomic():
        marker = make("worker:marker")
    wait_sent(marker.pk)

    assert not Notification.objects.filter(event_key="worker:rollback").exists()
    assert [m.body for m in mail.outbox] == ["Händelse worker:marker"]


def test_task_run_twice_sends_once(worker, finished):
    with transaction.atomic():
        row = make("worker:twice")
    wait_sent(row.pk)

    duplicate = send_notification.delay(row.pk)
    state, outcome = finished(duplicate.id)

    assert (state, outcome) == ("SUCCESS", "already_done")
    assert len(mail.outbox) == 1
    assert Notification.objects.get(pk=row.pk).attempts == 1


def test_duplicates_queued_together_send_once(worker, finished):
    with transaction.atomic():
        row = make("worker:together")
        transaction.on_commit(lambda: send_notification.delay(row.pk))
        transaction.on_commit(lambda: send_notification.delay(row.pk))
    last = send_notification.delay(row.pk)
    finished(last.id)

    assert len(mail.outbox) == 1
    row = Notification.objects.get(pk=row.pk)
    assert row.status == Notification.Status.SENT
    assert row.attempts == 1


def test_retry_after_failed_send_ends_with_one_mail(worker):
    real_send = EmailMultiAlternatives.send
    calls = []

    def flaky_send(message, *args, **kwargs):
        calls.append(message.subject)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("mail server went away")
        return real_send(message, *args, **kwargs)

    with (
        mock.patch.object(EmailMultiAlternatives, "send", flaky_send),
        # Retry in a fraction of a second instead of 15-30 s.
        mock.patch("college_portal.notifications.services.backoff", return_value=0.2),
    ):
        with transaction.atomic():
            row = make("worker:flaky")
        row = wait_sent(row.pk)

    assert len(calls) == 2
    assert row.attempts == 2
    assert row.status == Notification.Status.SENT
    assert row.last_error == ""
    assert len(mail.outbox) == 1


def test_broker_down_at_commit_then_relayed_once(worker, client, finished, caplog):
    caplog.set_level(logging.WARNING, logger="college_portal.notifications.services")
    password = "Svarv-och-fras-2026"
    with translation.override("sv"):
        signup = reverse("account_signup")

    with broker_unreachable():
        started = time.monotonic()
        response = client.post(
            signup,
            {
                "full_name": "Lina Nord",
                "email": "lina@example.org",
                "password1": password,
                "password2": password,
            },
        )
        elapsed = time.monotonic() - started

    # The student's signup went through, quickly, although the mail could not be queued.
    assert response.status_code == 302
    assert elapsed < 5
    user = User.objects.get(email="lina@example.org")
    row = Notification.objects.get(recipient=user)
    assert row.status == Notification.Status.PENDING
    assert row.attempts == 0
    assert mail.outbox == []
    assert f"Could not enqueue notification {row.pk}" in caplog.text

    # The relay leaves it alone while the on-commit enqueue may still be on its way...
    assert relay_unsent() == 0
    # ...and once its time has come, sends it, exactly once.
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - RELAY_GRACE)
    assert relay_unsent() == 1
    row = wait_sent(row.pk)
    assert row.attempts == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lina@example.org"]

    assert relay_unsent() == 0
    again = send_notification.delay(row.pk)
    finished(again.id)
    assert len(mail.outbox) == 1


def test_relay_task_runs_in_the_worker(worker, finished):
    with broker_unreachable(), transaction.atomic():
        row = make("worker:relay-task")
    assert Notification.objects.get(pk=row.pk).status == Notification.Status.PENDING
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - RELAY_GRACE)

    state, count = finished(relay_unsent.delay().id)

    assert (state, count) == ("SUCCESS", 1)
    wait_sent(row.pk)
    assert len(mail.outbox) == 1
