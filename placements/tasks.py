"""Scheduled work of placements (from the one Celery beat)."""

from celery import shared_task

from . import notifications


@shared_task
def remind_study_visits():
    return notifications.remind_study_visits()


@shared_task
def report_passed_deadlines():
    return notifications.report_passed_deadlines()


@shared_task
def send_weekly_digests():
    return notifications.send_weekly_digests()
