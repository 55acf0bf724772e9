"""Writing notifications into the outbox and delivering them exactly once."""

import logging
import random
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from ..registry import attachments_for
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


def enqueue(notification_id):
    """Hand a notification to Celery. If the broker is down, the relay sends it later."""
    from .tasks import send_notification

    try:
        send_notification.apply_async(args=[notification_id])
    except Exception:  # broker unreachable: the row stays pending and beat relays it
        logger.warning("Could not enqueue notification %s; relay will send it", notification_id)


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
        headers={"Auto-Submitted": "auto-generated", "X-Portal-Event": notification.event_key},
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


def deliver(notification_id):
    """Send one notification unless it is already sent; returns (outcome, retry_in_seconds).

    The row lock makes a second worker holding the same id wait, then find it sent.
    """
    with transaction.atomic():
        notification = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if notification is None or notification.status != Notification.Status.PENDING:
            return Outcome.ALREADY_DONE, None
        notification.attempts += 1
        try:
            render_message(notification).send()
        except Exception as exc:
            notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if notification.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
                notification.status = Notification.Status.FAILED
                notification.save(update_fields=["attempts", "last_error", "status"])
                logger.error("Notification %s failed for good: %s", notification_id, exc)
                return Outcome.FAILED, None
            delay = backoff(notification.attempts)
            notification.next_attempt_at = timezone.now() + timedelta(seconds=delay) + RELAY_GRACE
            notification.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            return Outcome.RETRY, delay
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        notification.last_error = ""
        notification.save(update_fields=["attempts", "status", "sent_at", "last_error"])
        return Outcome.SENT, None


def due_notification_ids(now=None, limit=500):
    now = now or timezone.now()
    return list(
        Notification.objects.filter(
            status=Notification.Status.PENDING, next_attempt_at__lte=now
        ).values_list("pk", flat=True)[:limit]
    )


def retry_failed(queryset):
    """Give failed notifications another round of attempts (admin action)."""
    ids = list(queryset.filter(status=Notification.Status.FAILED).values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids).update(
        status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    for pk in ids:
        transaction.on_commit(lambda pk=pk: enqueue(pk), robust=True)
    return len(ids)
