"""Scheduled work of placements (from the one Celery beat)."""

from celery import shared_task

from . import notifications


@shared_task
def remind_study_visits():
    return notifications.remind_study_visits()


@shared_task
def report_passed_deadlines():
    """Tell representatives about undecided applicants of offers past their deadline, then
    close those offers (and any other that can no longer be taken up)."""
    from .services import close_passed_offers

    told = notifications.report_passed_deadlines()
    closed = close_passed_offers()
    return {"told": told, "closed": closed}


@shared_task
def send_weekly_digests():
    return notifications.send_weekly_digests()


@shared_task
def erase_expired_cvs():
    """CVs of applications over for longer than CV_RETENTION_DAYS: file deleted, field cleared."""
    from .retention import erase_expired_cvs

    return {"erased": erase_expired_cvs()}


@shared_task
def remind_final_assessments():
    """A week before an APL period ends, remind the company once to give the final assessment."""
    from .agreements import remind_final_assessments

    return {"reminded": remind_final_assessments()}
