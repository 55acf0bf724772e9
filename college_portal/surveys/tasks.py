"""Scheduled work of the surveys (from the one Celery beat)."""

from celery import shared_task


@shared_task
def send_survey_invitations():
    from .services import send_survey_invitations as send

    return send()
