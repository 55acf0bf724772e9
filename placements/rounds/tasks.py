"""Scheduled work of allocation rounds (from the one Celery beat)."""

from celery import shared_task


@shared_task
def remind_round_choices():
    from .notifications import remind_students

    return {"reminded": remind_students()}


@shared_task
def allocate_due_rounds():
    from .services import allocate_due_rounds

    return {"allocated": allocate_due_rounds()}
