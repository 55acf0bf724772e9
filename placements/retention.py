"""How long a CV is kept: until the application is over (declined, completed, withdrawn, or an
accepted placement whose period has ended) and `CV_RETENTION_DAYS` have passed since. Then
the file is deleted and the field cleared; the application row stays for the statistics."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from college_portal.files import delete_after_commit
from college_portal.uploads import private_storage

from .models import Application, ApplicationStatus

A = ApplicationStatus
BATCH = 500


def expired_cvs(*, now=None):
    """Applications whose CV is past the retention period: over for longer than
    `CV_RETENTION_DAYS` (a missing date counts from the submission). Undecided ones and
    accepted placements still running keep theirs, however old."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.CV_RETENTION_DAYS)

    def ended_before(status, field):
        return Q(status=status) & (
            Q(**{f"{field}__lt": cutoff}) | Q(**{f"{field}__isnull": True}, submitted_at__lt=cutoff)
        )

    over = (
        ended_before(A.WITHDRAWN, "withdrawn_at")
        | ended_before(A.DECLINED, "decided_at")
        | ended_before(A.COMPLETED, "completed_at")
        # Accepted and never marked completed: over when its period has ended.
        | Q(status=A.ACCEPTED, offer__period_end__lt=timezone.localdate(cutoff))
    )
    return Application.objects.exclude(cv="").filter(over)


def erase_expired_cvs(*, now=None):
    """Delete the CVs past the retention period (after each batch commits); returns how many.
    Safe to repeat: an erased CV is no longer found."""
    erased = 0
    while True:
        with transaction.atomic():
            rows = list(
                expired_cvs(now=now)
                .order_by("pk")
                .select_for_update(of=("self",))
                .values_list("pk", "cv")[:BATCH]
            )
            if not rows:
                return erased
            Application.objects.filter(pk__in=[pk for pk, _cv in rows]).update(cv="")
            delete_after_commit(private_storage(), [cv for _pk, cv in rows])
        erased += len(rows)
