"""Celery tasks of the outbox: send one notification; relay what is still unsent."""

from celery import shared_task

from .services import Outcome, deliver, due_notification_ids, enqueue


@shared_task(bind=True, max_retries=None, acks_late=True)
def send_notification(self, notification_id):
    outcome, retry_in = deliver(notification_id)
    if outcome == Outcome.RETRY and not self.request.is_eager:
        raise self.retry(countdown=retry_in)
    return outcome


@shared_task
def relay_unsent():
    """Every minute: enqueue pending rows whose time has come (the broker was down) and rows
    whose sending attempt stopped (the worker died); returns how many were handed over."""
    return sum(enqueue(pk) for pk in due_notification_ids())
