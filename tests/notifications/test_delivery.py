"""Delivery as honest as SMTP allows: an attempt claims its row (committed) before it talks to
the mail server and alone records the outcome; every attempt carries the same Message-ID; a
send that may have reached the server is not repeated by itself (uncertain, a project lead
decides); a row whose attempt died is taken over once its claim has run out.

Tasks run in-process; the tests of the SMTP backend talk to a real local SMTP server."""

import os
import re
import smtplib
import subprocess
import sys
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import ngettext

from college_portal.notifications import services
from college_portal.notifications.backends import DeliveryUncertain
from college_portal.notifications.models import Notification
from college_portal.notifications.services import Outcome, claim, deliver, notify
from college_portal.notifications.tasks import relay_unsent, send_notification
from tests.conftest import require
from tests.helpers import all_at_once, closed_port, outcomes, sv, url

from .smtp_server import SMTPServer

Status = Notification.Status


class WorkerKilled(BaseException):
    """What a worker killed in the middle of a send looks like to the code after it: nothing
    of deliver() runs any more (BaseException: no `except Exception` sees it)."""


def pending(event_key="delivery:1", email="elsa@example.org"):
    """A committed outbox row whose after-commit enqueue did not happen."""
    with mock.patch.object(services, "enqueue"):
        return notify(
            kind="account_email",
            event_key=event_key,
            email=email,
            language="sv",
            context={"subject": "Hej", "text": f"Händelse {event_key}", "html": ""},
        )


def sending_with(fn):
    """Replace the send of every message by fn(message)."""

    def send(message, fail_silently=False):
        return fn(message)

    return mock.patch.object(EmailMultiAlternatives, "send", send)


_real = EmailMultiAlternatives.send


def message_id(message):
    return message.message()["Message-ID"]


def expire_claim(row):
    Notification.objects.filter(pk=row.pk).update(lease_until=timezone.now() - timedelta(seconds=1))


# --- The claim ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_claim_is_committed_before_the_server_is_contacted():
    row = pending()
    seen = []

    def dies_while_sending(message):
        seen.append((connection.in_atomic_block, Notification.objects.get(pk=row.pk).status))
        raise WorkerKilled

    with sending_with(dies_while_sending), pytest.raises(WorkerKilled):
        deliver(row.pk)

    # The send ran outside any transaction, with the row already marked as being sent...
    assert seen == [(False, Status.SENDING)]
    # ...so a worker dying there leaves it sending, its attempt counted, not pending again.
    row.refresh_from_db()
    assert row.status == Status.SENDING
    assert row.attempts == 1
    assert row.claim is not None
    lease = timedelta(seconds=django_settings.NOTIFICATION_SEND_LEASE)
    assert timezone.now() < row.lease_until <= timezone.now() + lease
    assert row.sent_at is None


@pytest.mark.django_db
def test_a_second_worker_finds_the_row_being_sent_and_sends_nothing():
    row = pending()
    second = []

    def send(message):
        # Another worker got the same id (a duplicate task, the relay) while this one sends.
        second.append(deliver(row.pk))
        return _real(message)

    with sending_with(send):
        assert deliver(row.pk) == (Outcome.SENT, None)

    assert second == [(Outcome.ALREADY_DONE, None)]
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.claim, row.lease_until) == (Status.SENT, 1, None, None)


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_one_mail():
    require(
        connection.vendor == "postgresql",
        "threads on one row need PostgreSQL: SQLite's test database locks tables between threads",
    )
    row = pending()
    sends = []

    def slow_send(message):
        sends.append(message_id(message))
        time.sleep(0.3)
        return _real(message)

    with sending_with(slow_send):
        results = all_at_once(deliver, [row.pk, row.pk])

    assert outcomes(results) == ["ok", "ok"]
    assert sorted(outcome for _kind, (outcome, _delay) in results) == [
        Outcome.ALREADY_DONE,
        Outcome.SENT,
    ]
    assert len(sends) == 1
    assert len(mail.outbox) == 1


# --- A worker that died: the relay takes the row over once the claim runs out ---------------


@pytest.mark.django_db(transaction=True)
def test_relay_takes_over_a_send_whose_worker_died():
    row = pending()
    ids = []

    def dies_while_sending(message):
        ids.append(message_id(message))
        raise WorkerKilled

    with sending_with(dies_while_sending), pytest.raises(WorkerKilled):
        deliver(row.pk)

    # While the claim holds, the relay leaves the row to the attempt that has it.
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
    assert relay_unsent() == 0
    assert deliver(row.pk) == (Outcome.ALREADY_DONE, None)
    assert mail.outbox == []

    expire_claim(row)
    assert relay_unsent() == 1

    row.refresh_from_db()
    assert row.status == Status.SENT
    assert row.attempts == 2
    assert row.last_error == ""
    # One copy more at most, and with the Message-ID of the attempt that died.
    [message] = mail.outbox
    assert message_id(message) == ids[0] == row.message_id
    assert relay_unsent() == 0


@pytest.mark.django_db(transaction=True)
def test_a_row_whose_attempts_ran_out_while_sending_becomes_uncertain(settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    row = pending()
    with sending_with(lambda message: (_ for _ in ()).throw(WorkerKilled)):
        with pytest.raises(WorkerKilled):
            deliver(row.pk)
    expire_claim(row)

    assert relay_unsent() == 1  # taken over ...
    row.refresh_from_db()
    assert row.status == Status.UNCERTAIN  # ... but no attempt is left: a lead decides
    assert "stopped before it finished" in row.last_error
    assert mail.outbox == []
    assert relay_unsent() == 0


@pytest.mark.django_db
def test_only_the_attempt_holding_the_claim_records_its_outcome():
    row = pending()
    taken_over = []

    def slow_then_fails(message):
        # This attempt is so slow that its claim runs out and another attempt takes the row...
        expire_claim(row)
        taken_over.append(claim(row.pk))
        # ...then it fails, before its message went out.
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    with sending_with(slow_then_fails):
        assert deliver(row.pk) == (Outcome.ALREADY_DONE, None)

    # The failure of the overtaken attempt did not put the row back to pending: the attempt
    # that holds it now is still sending, and nobody else starts a third send.
    row.refresh_from_db()
    assert row.status == Status.SENDING
    assert row.claim == taken_over[0].claim
    assert row.attempts == 2
    assert deliver(row.pk) == (Outcome.ALREADY_DONE, None)
    assert relay_unsent() == 0
    assert mail.outbox == []
    # The attempt holding the claim records its outcome.
    assert services.record(taken_over[0], status=Status.SENT, sent_at=timezone.now())
    row.refresh_from_db()
    assert (row.status, row.claim, row.lease_until) == (Status.SENT, None, None)


# --- Uncertain: never repeated by itself ------------------------------------------------------


@pytest.mark.django_db
def test_a_send_that_may_have_arrived_is_not_repeated(commit):
    row = pending()
    maybe = DeliveryUncertain("SMTPServerDisconnected: Connection unexpectedly closed: timed out")
    with mock.patch.object(EmailMultiAlternatives, "send", side_effect=maybe) as send:
        with commit():
            assert deliver(row.pk) == (Outcome.UNCERTAIN, None)

        row.refresh_from_db()
        assert row.status == Status.UNCERTAIN
        assert "timed out" in row.last_error
        assert (row.claim, row.lease_until, row.sent_at) == (None, None, None)

        # Neither the relay, nor a duplicate task, nor the original's retry sends it again.
        Notification.objects.filter(pk=row.pk).update(
            next_attempt_at=timezone.now() - timedelta(hours=1),
            lease_until=timezone.now() - timedelta(hours=1),
        )
        assert relay_unsent() == 0
        assert deliver(row.pk) == (Outcome.ALREADY_DONE, None)
        assert send_notification.delay(row.pk).get() == Outcome.ALREADY_DONE
    assert send.call_count == 1
    assert Notification.objects.get(pk=row.pk).status == Status.UNCERTAIN


# --- Message-ID -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_attempt_carries_the_same_message_id(settings):
    row = pending("application:7:received")
    ids = []

    def first_fails(message):
        ids.append(message_id(message))
        if len(ids) == 1:
            raise smtplib.SMTPServerDisconnected("gone")
        return _real(message)

    with sending_with(first_fails):
        assert deliver(row.pk)[0] == Outcome.RETRY
        assert deliver(row.pk)[0] == Outcome.SENT

    assert ids == [row.message_id, row.message_id]
    assert re.fullmatch(r"<[0-9a-f]{32}@teknikcollege\.example>", row.message_id)
    assert message_id(mail.outbox[0]) == row.message_id
    # Another event has another one; the domain can be set.
    other = pending("application:8:received")
    assert other.message_id != row.message_id
    settings.NOTIFICATION_MESSAGE_ID_DOMAIN = "portal.teknikcollege.se"
    assert row.message_id.endswith("@portal.teknikcollege.se>")


# --- The SMTP backend, against a real SMTP server -------------------------------------------


@pytest.fixture
def smtp(settings):
    """A local SMTP server, and the portal's SMTP backend pointed at it (1 s timeout)."""
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "college_portal.notifications.backends.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 1
        yield server.recorder


@pytest.mark.django_db
def test_the_server_gets_the_message_with_its_message_id(smtp):
    row = pending()

    assert deliver(row.pk) == (Outcome.SENT, None)

    assert smtp.message_ids == [row.message_id]
    assert smtp.messages[0]["To"] == "elsa@example.org"
    assert Notification.objects.get(pk=row.pk).status == Status.SENT


@pytest.mark.django_db
def test_an_acknowledgement_slower_than_the_timeout_makes_the_row_uncertain(smtp):
    smtp.ack_delay = 2.5  # the server has the message; its answer comes after EMAIL_TIMEOUT
    row = pending()

    assert deliver(row.pk) == (Outcome.UNCERTAIN, None)

    row.refresh_from_db()
    assert row.status == Status.UNCERTAIN
    assert row.attempts == 1
    assert "DeliveryUncertain" in row.last_error and "timed out" in row.last_error
    assert relay_unsent() == 0
    assert deliver(row.pk) == (Outcome.ALREADY_DONE, None)
    assert smtp.message_ids == [row.message_id]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ({"rcpt_reply": "550 No such user here"}, "SMTPRecipientsRefused"),
        ({"rcpt_delay": 2.5}, "SMTPServerDisconnected"),  # times out before the message
        ({"data_reply": "451 Try again later"}, "SMTPDataError"),  # the server said no
        ({"port": "closed"}, "ConnectionRefusedError"),
    ],
    ids=["recipient-refused", "timeout-before-data", "data-refused", "connection-refused"],
)
def test_a_failure_before_the_message_went_out_is_retried(smtp, settings, fault, error):
    for name, value in fault.items():
        if name == "port":
            settings.EMAIL_PORT = closed_port()
        else:
            setattr(smtp, name, value)
    row = pending()

    outcome, retry_in = deliver(row.pk)

    assert outcome == Outcome.RETRY and retry_in > 0
    row.refresh_from_db()
    assert row.status == Status.PENDING
    assert row.attempts == 1
    assert row.last_error.startswith(error)
    assert row.next_attempt_at > timezone.now()
    assert smtp.messages == []


def test_an_smtp_email_url_selects_the_portals_backend():
    """EMAIL_URL keeps working; an SMTP server gets the backend that tells the phases apart."""

    def backend(email_url):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "college_portal.settings",
            "EMAIL_URL": email_url,
        }
        code = "import django; django.setup(); from django.conf import settings as s; "
        code += "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS)"
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            cwd=django_settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert backend("smtp+tls://user:secret@smtp.example.org:587") == [
        "college_portal.notifications.backends.EmailBackend",
        "smtp.example.org",
        "587",
        "True",
    ]
    assert backend("consolemail://")[0] == "django.core.mail.backends.console.EmailBackend"


# --- Admin: uncertain notifications for project leads ----------------------------------------


def uncertain(event_key="uncertain:1", email="elsa@example.org"):
    row = pending(event_key, email)
    maybe = DeliveryUncertain("SMTPServerDisconnected: timed out")
    with mock.patch.object(EmailMultiAlternatives, "send", side_effect=maybe):
        assert deliver(row.pk)[0] == Outcome.UNCERTAIN
    row.refresh_from_db()
    return row


@pytest.mark.django_db
def test_a_lead_finds_uncertain_notifications_in_admin(client, lead):
    row = uncertain()
    pending("other", email="omar@example.org")
    client.force_login(lead)

    changelist = url("admin:notifications_notification_changelist")
    page = client.get(changelist, {"status__exact": "uncertain"}).content.decode()

    assert "elsa@example.org" in page
    assert "omar@example.org" not in page
    assert sv("Uncertain (may have been delivered)") in page
    assert sv("Send uncertain notifications again (the recipient may get a second copy)") in page
    detail = client.get(url("admin:notifications_notification_change", row.pk))
    assert "timed out" in detail.content.decode()


@pytest.mark.django_db
def test_a_lead_sends_an_uncertain_notification_again_with_the_same_message_id(
    client, lead, commit, settings
):
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    row = uncertain()
    with mock.patch.object(
        EmailMultiAlternatives, "send", side_effect=smtplib.SMTPServerDisconnected("gone")
    ):
        failed = pending("failed:1", email="omar@example.org")
        assert deliver(failed.pk)[0] == Outcome.FAILED
    client.force_login(lead)
    changelist = url("admin:notifications_notification_changelist")

    with commit():
        response = client.post(
            changelist,
            {
                "action": "send_uncertain_again",
                "_selected_action": [row.pk, failed.pk],
                "index": 0,
            },
        )

    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts) == (Status.SENT, 1)
    [message] = mail.outbox
    assert message.to == ["elsa@example.org"]
    assert message_id(message) == row.message_id
    # The action is for uncertain rows only; failed ones have their own.
    assert Notification.objects.get(pk=failed.pk).status == Status.FAILED
    shown = [str(m) for m in client.get(response.url).context["messages"]]
    with translation.override("sv"):
        sent_again = ngettext(
            "%(count)d notification queued again.", "%(count)d notifications queued again.", 1
        )
    assert shown == [sent_again % {"count": 1}]


@pytest.mark.django_db
def test_retrying_failed_notifications_leaves_uncertain_ones_alone(client, lead, commit):
    row = uncertain()
    client.force_login(lead)

    with commit():
        client.post(
            url("admin:notifications_notification_changelist"),
            {"action": "retry_selected", "_selected_action": [row.pk], "index": 0},
        )

    assert Notification.objects.get(pk=row.pk).status == Status.UNCERTAIN
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["student", "rep", "teacher"])
def test_only_project_leads_may_send_again(client, request, commit, who):
    row = uncertain()
    client.force_login(request.getfixturevalue(who))

    with commit():
        response = client.post(
            url("admin:notifications_notification_changelist"),
            {"action": "send_uncertain_again", "_selected_action": [row.pk], "index": 0},
        )

    assert response.status_code == 302
    assert "login" in response["Location"]
    assert Notification.objects.get(pk=row.pk).status == Status.UNCERTAIN
    assert mail.outbox == []


def test_a_claim_shorter_than_a_send_may_take_is_warned_about(settings):
    from college_portal.notifications.checks import send_lease_outlasts_a_send

    assert send_lease_outlasts_a_send(None) == []  # the default: 120 s, above the 90 s limit
    settings.NOTIFICATION_SEND_LEASE = settings.CELERY_TASK_TIME_LIMIT
    [warning] = send_lease_outlasts_a_send(None)
    assert warning.id == "notifications.W002"
