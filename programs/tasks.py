"""Scheduled work of the programs app."""

from celery import shared_task

from .inventory import remind_unanswered


@shared_task
def remind_needs_inventory():
    """Daily: remind asked organisations that have not answered an open needs inventory."""
    return remind_unanswered()
