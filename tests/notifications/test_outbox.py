"""The notification outbox, with tasks run in-process (eager): one e-mail per event, sent only
after commit, retried with backoff, given up after the last attempt, in the reader's language."""

import smtplib
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from college_portal.notifications.models import Notification
from college_portal.notifications.services import (
    RELAY_GRACE,
    Outcome,
    backoff,
    deliver,
    notify,
)
from college_portal.notifications.tasks import relay_unsent, send_notification
from tests.factories import UserFactory

TEMPLATES = Path(__file__).parent / "templates"


class Boom(Exception):
    pass


@pytest.fixture
def test_templates(settings):
    """The `outbox_test` kind's templates (tests/notifications/templates) beside the portal's."""
    engine = {**settings.TEMPLATES[0]}
    engine["DIRS"] = [*engine["DIRS"], TEMPLATES]
    settings.TEMPLATES = [engine, *settings.TEMPLATES[1:]]


def make(event_key="test:1", email="elsa@example.org", **kwargs):
    kwargs.setdefault("kind", "account_email")
    if kwargs["kind"] == "account_email":
        kwargs.setdefault(
            "context", {"subject": "Hej", "text": "Brödtext", "html": "<p>Brödtext</p>"}
        )
    return notify(event_key=event_key, email=email, **kwargs)


def failing_send(error=None):
    return mock.patch.object(
        EmailMultiAlternatives, "send", side_effect=error or smtplib.SMTPServerDisconnected("gone")
    )


# --- One e-mail per event ---------------------------------------------------------------------


@pytest.mark.django_db
def test_same_event_twice_makes_one_row_and_one_mail(commit):
    with commit():
        first = make("application:7:received")
        second = make("application:7:received")

    assert first.pk == second.pk
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["elsa@example.org"]
    row = Notification.objects.get()
    assert row.status == Notification.Status.SENT
    assert row.attempts == 1
    assert row.sent_at is not None


@pytest.mark.django_db
def test_same_event_in_a_later_transaction_is_not_sent_again(commit):
    with commit():
        make("decision:3")
    with commit():
        make("decision:3")

    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_nothing_is_sent_before_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make()

    assert mail.outbox == []
    assert Notification.objects.get().status == Notification.Status.PENDING
    assert len(callbacks) == 1


@pytest.mark.django_db(transaction=True)
def test_rolled_back_transaction_leaves_no_row_and_sends_nothing():
    with pytest.raises(Boom), transaction.atomic():
        make("booking:1:confirmed")
        raise Boom

    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_committed_transaction_sends_once():
    with transaction.atomic():
        make("booking:2:confirmed")
        assert mail.outbox == []

    assert len(mail.outbox) == 1
    assert Notification.objects.get().status == Notification.Status.SENT


@pytest.mark.django_db
def test_rolled_back_savepoint_drops_its_notification(commit):
    with commit() as callbacks:
        make("kept")
        with pytest.raises(Boom), transaction.atomic():
            make("dropped")
            raise Boom

    assert list(Notification.objects.values_list("event_key", flat=True)) == ["kept"]
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1


# --- Failures, retries, giving up -----------------------------------------------------------


@pytest.mark.django_db
def test_send_failure_leaves_row_pending_with_a_later_attempt(commit):
    before = timezone.now()
    with failing_send(), commit():
        make()

    row = Notification.objects.get()
    assert row.status == Notification.Status.PENDING
    assert row.attempts == 1
    assert "SMTPServerDisconnected" in row.last_error
    assert "gone" in row.last_error
    assert row.next_attempt_at > before + RELAY_GRACE
    assert row.sent_at is None
    assert mail.outbox == []


@pytest.mark.django_db
def test_each_failure_waits_longer(commit):
    with failing_send(), commit():
        make()
    row = Notification.objects.get()
    for attempt in (2, 3, 4):
        start = timezone.now()
        with failing_send():
            deliver(row.pk)
        row.refresh_from_db()
        assert row.attempts == attempt
        # Exponential backoff with jitter: between half and all of 30 s * 2^(attempt-1).
        ceiling = timedelta(seconds=30 * 2 ** (attempt - 1))
        wait = row.next_attempt_at - start - RELAY_GRACE
        assert ceiling / 2 <= wait <= ceiling + timedelta(seconds=1)


def test_backoff_is_capped_at_an_hour():
    assert all(1800 <= backoff(attempts) <= 3600 for attempts in range(8, 30))


@pytest.mark.django_db
def test_failed_for_good_after_the_last_attempt(settings, commit):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    with failing_send(), commit():
        make()
    row = Notification.objects.get()

    with failing_send():
        assert deliver(row.pk)[0] == Outcome.RETRY
        assert deliver(row.pk)[0] == Outcome.FAILED
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED
    assert row.attempts == 3
    assert row.last_error

    # A failed row is not tried again by the relay or by a stray task.
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - RELAY_GRACE)
    with mock.patch.object(EmailMultiAlternatives, "send") as send:
        assert relay_unsent() == 0
        assert deliver(row.pk)[0] == Outcome.ALREADY_DONE
    send.assert_not_called()
    row.refresh_from_db()
    assert row.attempts == 3


@pytest.mark.django_db
def test_default_max_attempts_is_honoured(settings, commit):
    with failing_send(), commit():
        make()
    row = Notification.objects.get()
    with failing_send():
        while deliver(row.pk)[0] == Outcome.RETRY:
            pass
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED
    assert row.attempts == settings.NOTIFICATION_MAX_ATTEMPTS


@pytest.mark.django_db
def test_retry_after_failure_sends_exactly_once(commit):
    with failing_send(), commit():
        make()
    row = Notification.objects.get()

    assert deliver(row.pk)[0] == Outcome.SENT
    assert deliver(row.pk)[0] == Outcome.ALREADY_DONE
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT
    assert row.attempts == 2
    assert row.last_error == ""


@pytest.mark.django_db
def test_deliver_on_a_sent_row_sends_nothing(commit):
    with commit():
        make()
    row = Notification.objects.get()
    sent_at = row.sent_at

    with mock.patch.object(EmailMultiAlternatives, "send") as send:
        assert deliver(row.pk) == (Outcome.ALREADY_DONE, None)
        assert send_notification.delay(row.pk).get() == Outcome.ALREADY_DONE
    send.assert_not_called()
    row.refresh_from_db()
    assert row.attempts == 1
    assert row.sent_at == sent_at
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_deliver_on_a_missing_row_does_nothing():
    assert deliver(123456) == (Outcome.ALREADY_DONE, None)
    assert mail.outbox == []


# --- The relay --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_relay_sends_due_rows_only(django_capture_on_commit_callbacks):
    # Rows whose after-commit enqueue never ran (the broker was down).
    with django_capture_on_commit_callbacks(execute=False):
        due = make("due")
        fresh = make("fresh", email="omar@example.org")
    Notification.objects.filter(pk=due.pk).update(next_attempt_at=timezone.now())

    assert relay_unsent() == 1

    assert [m.to for m in mail.outbox] == [["elsa@example.org"]]
    assert Notification.objects.get(pk=due.pk).status == Notification.Status.SENT
    assert Notification.objects.get(pk=fresh.pk).status == Notification.Status.PENDING
    # Once sent, the relay leaves it alone.
    assert relay_unsent() == 0
    assert len(mail.outbox) == 1


# --- Rendering ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "answer"), [("sv", "ja"), ("en", "yes")])
def test_mail_is_rendered_in_recipients_language(test_templates, commit, language, answer):
    reader = UserFactory(language=language)
    with commit():
        notify(
            kind="outbox_test",
            event_key=f"render:{language}",
            email=reader.email,
            recipient=reader,
            context={"title": "Studiebesök", "path": "/x/"},
        )

    (message,) = mail.outbox
    assert message.subject == f"Outbox test [{language}] Studiebesök"
    assert f"language={language}\n" in message.body
    assert f"answer={answer}\n" in message.body
    assert "http://" in message.body and "/x/" in message.body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert f'<html lang="{language}">' in html
    assert f'<p class="answer">{answer}</p>' in html
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


@pytest.mark.django_db
def test_explicit_language_wins_over_the_active_one(test_templates, commit):
    with translation.override("sv"), commit():
        notify(
            kind="outbox_test",
            event_key="explicit-en",
            email="guest@example.org",
            language="en",
            context={"title": "Visit"},
        )

    assert "language=en\n" in mail.outbox[0].body


@pytest.mark.django_db
def test_recipient_without_language_gets_swedish(test_templates, commit):
    with translation.override("en"), commit():
        notify(kind="outbox_test", event_key="default", email="x@example.org", context={})

    assert Notification.objects.get().language == "sv"
    assert "language=sv\n" in mail.outbox[0].body


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sv", "en"])
def test_invitation_mail_has_text_and_html_in_the_readers_language(commit, language):
    with commit():
        notify(
            kind="invitation",
            event_key=f"invitation:{language}",
            email="new.rep@example.org",
            language=language,
            context={
                "organisation": "LK Precision AB",
                "inviter": "Anna Holm",
                "path": "/sv/inbjudan/abc/",
            },
        )

    (message,) = mail.outbox
    assert "LK Precision AB" in message.subject
    assert "Anna Holm" in message.body
    assert "/sv/inbjudan/abc/" in message.body
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert f'<html lang="{language}">' in html
    assert 'href="http' in html and "/sv/inbjudan/abc/" in html


# --- Admin --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_action_retries_a_failed_notification(client, lead, settings, commit):
    settings.NOTIFICATION_MAX_ATTEMPTS = 1
    with failing_send(), commit():
        failed = make("failed-one")
        pending = make("pending-one", email="omar@example.org")
    Notification.objects.filter(pk=pending.pk).update(status=Notification.Status.PENDING)
    failed.refresh_from_db()
    assert failed.status == Notification.Status.FAILED
    client.force_login(lead)

    with translation.override("sv"):
        changelist = reverse("admin:notifications_notification_changelist")
    with commit():
        response = client.post(
            changelist,
            {"action": "retry_selected", "_selected_action": [failed.pk], "index": 0},
        )

    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == Notification.Status.SENT
    assert failed.attempts == 1
    assert [m.to for m in mail.outbox] == [["elsa@example.org"]]
    # The admin says what it did.
    page = client.get(response.url)
    assert [m.level_tag for m in page.context["messages"]] == ["success"]


@pytest.mark.django_db
def test_admin_retry_leaves_sent_rows_alone(client, lead, commit):
    with commit():
        sent = make()
    client.force_login(lead)

    with translation.override("sv"):
        changelist = reverse("admin:notifications_notification_changelist")
    with commit():
        client.post(
            changelist, {"action": "retry_selected", "_selected_action": [sent.pk], "index": 0}
        )

    assert len(mail.outbox) == 1
    sent.refresh_from_db()
    assert sent.attempts == 1


@pytest.mark.django_db
def test_admin_cannot_add_or_edit_notifications(client, lead, commit):
    with commit():
        row = make()
    client.force_login(lead)

    with translation.override("sv"):
        add = reverse("admin:notifications_notification_add")
        change = reverse("admin:notifications_notification_change", args=[row.pk])
    assert client.get(add).status_code == 403
    client.post(change, {"email": "mallory@example.org", "status": "pending"})
    row.refresh_from_db()
    assert row.email == "elsa@example.org"
    assert row.status == Notification.Status.SENT
