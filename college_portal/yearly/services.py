"""What changes the yearly report: writing an assessment (a new version) and freezing a year."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from .models import CriterionAssessment, FrozenReport
from .report import snapshot_of


class YearFrozen(ValidationError):
    pass


def frozen_message(year):
    return _(
        "The report for %(year)s is frozen: its assessments can no longer be changed. "
        "A project lead can unfreeze it in the administration."
    ) % {"year": year}


# pg_advisory_xact_lock's first key: the yearly report's locks, the second is the year.
LOCK_NAMESPACE = 0x7945  # "yE"


def lock_year(year):
    """Writing an assessment and freezing the same year take turns (until the transaction
    ends). SQLite needs nothing: its transactions start IMMEDIATE and so already do."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, year])


@transaction.atomic
def save_assessment(*, year, criterion, text, user):
    """A new version of the criterion's assessment for `year`; refused once the year is
    frozen. Returns the new row, or None when the text is the same as the current one."""
    # The frozen check and the write under the year's lock: a freeze cannot commit in
    # between, so no version is written after the snapshot or missing from it.
    lock_year(year)
    if FrozenReport.objects.filter(year=year).exists():
        raise YearFrozen(frozen_message(year))
    current = (
        CriterionAssessment.objects.filter(year=year, criterion=criterion)
        .order_by("-written_at", "-pk")
        .first()
    )
    if current is not None and current.text == text:
        return None
    return CriterionAssessment.objects.create(
        year=year, criterion=criterion, text=text, written_by=user
    )


def freeze_year(*, year, user):
    """Store the year's report as it is now, in every language. Returns the FrozenReport;
    raises YearFrozen when the year was already frozen."""
    try:
        with transaction.atomic():
            lock_year(year)
            if FrozenReport.objects.filter(year=year).exists():
                raise YearFrozen(_("The report for %(year)s is already frozen.") % {"year": year})
            return FrozenReport.objects.create(
                year=year, frozen_by=user, snapshot=snapshot_of(year, user)
            )
    except IntegrityError as error:  # another lead froze it at the same moment
        raise YearFrozen(
            _("The report for %(year)s is already frozen.") % {"year": year}
        ) from error
