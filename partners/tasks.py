"""Scheduled work of the partners app."""

from celery import shared_task

from .services import remind_expiring_agreements as remind


@shared_task
def remind_expiring_agreements():
    return remind()
