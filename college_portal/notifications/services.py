"""Writing notifications into the outbox and delivering them.

SMTP cannot deliver exactly once; what the outbox guarantees (README, "Delivery guarantees"):
each event is one row; an attempt claims its row in a committed transaction before it talks to
the mail server and alone records the outcome; every attempt carries the same Message-ID; a
send that may have reached the server is never repeated by itself (status uncertain), except
when the attempt's worker died: the relay takes its row over once the claim has run out, at
most one extra copy per dead worker.
"""

import logging
import random
import threading
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ..registry import attachments_for
from .backends import DeliveryUncertain
from .links import portal_base_url
from .models import Notification

logger = logging.getLogger(__name__)

# A row the after-commit enqueue did not pick up within this time is relayed by beat.
RELAY_GRACE = timedelta(seconds=60)


def notify(*, kind, event_key, email, recipient=None, language=None, context=None):
    """Record a notification in the current transaction; send it after commit.

    The event key makes this idempotent: calling it twice for one event makes one row.
    The row keeps the portal address its links use (see links.py): the mail may be sent
    later, by another process, outside the request that caused it.
    """
    if recipient is not None and not recipient.is_active:
        return None  # a deleted or disabled account is sent nothing more
    language = language or getattr(recipient, "language", None) or settings.LANGUAGE_CODE
    context = {**(context or {})}
    context.setdefault("base_url", portal_base_url())
    notification, created = Notification.objects.get_or_create(
        event_key=event_key[:200],
        defaults={
            "kind": kind,
            "email": email,
            "recipient": recipient,
            "language": language,
            "context": context,
            "next_attempt_at": timezone.now() + RELAY_GRACE,
        },
    )
    if created:
        pk = notification.pk
        transaction.on_commit(lambda: enqueue(pk), robust=True)
    return notification


def notify_many(notifications, batch_size=1000):
    """`notify` for many events at once (the weekly digest): each item a dict of notify's
    arguments. Rows are written with bulk_create in batches, events already in the outbox are
    left as they are (their event key), and each new row is enqueued after commit.
    Returns how many rows were new."""
    now = timezone.now()
    base_url = portal_base_url()
    created = 0
    items = [n for n in notifications if n.get("recipient") is None or n["recipient"].is_active]
    for start in range(0, len(items), batch_size):
        batch = items[start : start + batch_size]
        keys = [n["event_key"][:200] for n in batch]
        known = set(
            Notification.objects.filter(event_key__in=keys).values_list("event_key", flat=True)
        )
        rows = [
            Notification(
                event_key=key,
                kind=n["kind"],
                email=n["email"],
                recipient=n.get("recipient"),
                language=n.get("language")
                or getattr(n.get("recipient"), "language", None)
                or settings.LANGUAGE_CODE,
                context={"base_url": base_url, **(n.get("context") or {})},
                next_attempt_at=now + RELAY_GRACE,
            )
            for key, n in zip(keys, batch, strict=True)
            if key not in known
        ]
        # A digest run at the same moment writes the same keys: the unique key keeps one.
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        new_ids = list(
            Notification.objects.filter(
                event_key__in=[r.event_key for r in rows], created_at__gte=now
            ).values_list("pk", flat=True)
        )
        created += len(new_ids)
        transaction.on_commit(lambda ids=new_ids: [enqueue(pk) for pk in ids], robust=True)
    return created


def notify_rendered(*, subject, text, html="", **kwargs):
    """Send a mail rendered elsewhere (allauth's) through the same outbox."""
    context = {"subject": subject, "text": text, "html": html}
    return notify(context=context, **kwargs)


class BrokerBreaker:
    """After a failed publish, skip publishing for `pause` seconds (then try one again).

    Per process, which is enough: it is only a hint. Every row stays in the database and the
    beat relay sends it; the breaker only spares requests the broker's timeout on every
    notification while the broker is down or hung. Logs once per outage and once when the
    broker is back.
    """

    pause = 30.0

    def __init__(self):
        self._lock = threading.Lock()
        self._open_until = None  # monotonic time; None: closed

    def allows(self):
        with self._lock:
            return self._open_until is None or time.monotonic() >= self._open_until

    def failed(self):
        """Open (again); True when this starts an outage."""
        with self._lock:
            starts = self._open_until is None
            self._open_until = time.monotonic() + self.pause
            return starts

    def succeeded(self):
        """Close; True when this ends an outage."""
        with self._lock:
            ended = self._open_until is not None
            self._open_until = None
            return ended

    reset = succeeded


broker_breaker = BrokerBreaker()


def enqueue(notification_id):
    """Hand a notification to Celery; returns whether it was handed over.

    The publish fails fast when the broker is down or hung (CELERY_BROKER_TRANSPORT_OPTIONS:
    short socket timeouts, no retries); after a failure the breaker skips publishing for a
    while. Either way the row stays pending and the relay sends it later.
    """
    from .tasks import send_notification

    if not broker_breaker.allows():
        return False
    try:
        send_notification.apply_async(args=[notification_id], retry=False)
    except Exception as exc:  # broker unreachable: the row stays pending and beat relays it
        if broker_breaker.failed():
            logger.warning(
                "Could not enqueue notification %s (%s: %s); relay will send it. Not trying "
                "the broker again for %g s",
                notification_id,
                type(exc).__name__,
                exc,
                broker_breaker.pause,
            )
        return False
    if broker_breaker.succeeded():
        logger.info("The broker takes notifications again")
    return True


def backoff(attempts):
    """Seconds before the next try: exponential with full jitter, capped at an hour."""
    ceiling = min(3600, 30 * 2 ** max(0, attempts - 1))
    return ceiling / 2 + random.uniform(0, ceiling / 2)


def render_message(notification):
    context = dict(notification.context)
    if notification.kind == "account_email":
        subject, text, html = context["subject"], context["text"], context.get("html", "")
    else:
        context.setdefault("base_url", portal_base_url())  # rows from before it was stored
        with translation.override(notification.language):
            base = f"notifications/{notification.kind}"
            subject = render_to_string(f"{base}/subject.txt", context).strip()
            text = render_to_string(f"{base}/body.txt", context)
            html = render_to_string(f"{base}/body.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[notification.email],
        headers={
            "Auto-Submitted": "auto-generated",
            "X-Portal-Event": notification.event_key,
            # The same on every attempt: a receiver can drop a second copy.
            "Message-ID": notification.message_id,
        },
    )
    if html:
        message.attach_alternative(html, "text/html")
    for filename, content, mimetype in attachments_for(notification):
        message.attach(filename, content, mimetype)
    return message


class Outcome:
    SENT = "sent"
    ALREADY_DONE = "already_done"
    RETRY = "retry"
    FAILED = "failed"
    UNCERTAIN = "uncertain"


def send_lease():
    """How long a claim holds: longer than any send takes (settings.NOTIFICATION_SEND_LEASE)."""
    return timedelta(seconds=settings.NOTIFICATION_SEND_LEASE)


def claim(notification_id):
    """Take a notification for one attempt, in a transaction of its own; returns the row
    (its `claim` set) or None when there is nothing to send.

    A pending row is taken; so is a row still `sending` whose claim ran out: the worker that
    held it died before it could know whether the server got the message, and sending again
    gives at most one extra copy (with the same Message-ID). The row lock makes a second
    worker holding the same id wait, then find the row claimed.
    """
    Status = Notification.Status
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None:
            return None
        now = timezone.now()
        if notification.status == Status.SENDING and notification.lease_until <= now:
            notification.last_error = (
                f"Attempt {notification.attempts} stopped before it finished (its claim ran "
                "out): the message may have reached the server."
            )
            logger.warning("Notification %s: taking over an attempt that stopped", notification_id)
            if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
                notification.status = Status.UNCERTAIN
                notification.lease_until = notification.claim = None
                notification.save(update_fields=["status", "lease_until", "claim", "last_error"])
                return None
        elif notification.status != Status.PENDING:
            return None
        notification.status = Status.SENDING
        notification.attempts += 1
        notification.claim = uuid.uuid4()
        notification.lease_until = now + send_lease()
        notification.save(
            update_fields=["status", "attempts", "claim", "lease_until", "last_error"]
        )
    return notification


def record(notification, **fields):
    """Write an attempt's outcome, if the row is still claimed by this attempt (a row taken
    over after its claim ran out belongs to the attempt that took it)."""
    updated = Notification.objects.filter(
        pk=notification.pk, status=Notification.Status.SENDING, claim=notification.claim
    ).update(lease_until=None, claim=None, **fields)
    if not updated:
        logger.warning(
            "Notification %s was taken over while attempt %s was sending; its outcome (%s) "
            "is not recorded",
            notification.pk,
            notification.attempts,
            fields.get("status", Notification.Status.PENDING),
        )
    return bool(updated)


def deliver(notification_id):
    """Send one notification unless it is sent, being sent, uncertain or failed; returns
    (outcome, retry_in_seconds).

    The claim is committed before the mail server is contacted and the send runs outside any
    transaction, so a worker killed or timed out after the server accepted the message leaves
    the row `sending` (not pending) until its claim runs out.
    """
    Status = Notification.Status
    notification = claim(notification_id)
    if notification is None:
        return Outcome.ALREADY_DONE, None
    try:
        render_message(notification).send()
    except DeliveryUncertain as exc:
        logger.error(
            "Notification %s may or may not have been delivered (%s); not sending it again "
            "unless a project lead does",
            notification_id,
            exc,
        )
        done = record(notification, status=Status.UNCERTAIN, last_error=_error(exc))
        return (Outcome.UNCERTAIN if done else Outcome.ALREADY_DONE), None
    except Exception as exc:  # nothing reached the server (see backends.py): try again
        if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
            logger.error("Notification %s failed for good: %s", notification_id, type(exc).__name__)
            done = record(notification, status=Status.FAILED, last_error=_error(exc))
            return (Outcome.FAILED if done else Outcome.ALREADY_DONE), None
        delay = backoff(notification.attempts)
        done = record(
            notification,
            status=Status.PENDING,
            last_error=_error(exc),
            next_attempt_at=timezone.now() + timedelta(seconds=delay) + RELAY_GRACE,
        )
        return (Outcome.RETRY, delay) if done else (Outcome.ALREADY_DONE, None)
    done = record(notification, status=Status.SENT, sent_at=timezone.now(), last_error="")
    return (Outcome.SENT if done else Outcome.ALREADY_DONE), None


def _error(exc):
    return f"{type(exc).__name__}: {exc}"[:2000]


def due_notification_ids(now=None, limit=500):
    """Rows the relay sends: pending ones whose time has come, and ones still `sending` whose
    claim ran out (their worker died). Uncertain and failed rows wait for a project lead."""
    now = now or timezone.now()
    Status = Notification.Status
    return list(
        Notification.objects.filter(
            Q(status=Status.PENDING, next_attempt_at__lte=now)
            | Q(status=Status.SENDING, lease_until__lte=now)
        ).values_list("pk", flat=True)[:limit]
    )


def _send_again(queryset, status):
    ids = list(queryset.filter(status=status).values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids, status=status).update(
        status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    for pk in ids:
        transaction.on_commit(lambda pk=pk: enqueue(pk), robust=True)
    return len(ids)


def retry_failed(queryset):
    """Give failed notifications another round of attempts (admin action)."""
    return _send_again(queryset, Notification.Status.FAILED)


def send_uncertain_again(queryset):
    """Send uncertain notifications again (admin action), with the same Message-ID: the
    recipient may get a second copy, which a receiving system may drop."""
    return _send_again(queryset, Notification.Status.UNCERTAIN)
