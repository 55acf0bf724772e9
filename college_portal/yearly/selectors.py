"""Which years the report can be opened for: from the first year the portal holds data of to
the current one (a fixed number of queries)."""

from django.db.models import Min
from django.utils import timezone

from partners.models import Agreement, Meeting, SteeringGroupMember
from placements.models import Offer, Slot
from programs.models import Intake

from .models import FIRST_YEAR, CriterionAssessment, FrozenReport


def first_data_year():
    days = [
        Agreement.objects.aggregate(d=Min("valid_from"))["d"],
        SteeringGroupMember.objects.aggregate(d=Min("from_date"))["d"],
        Meeting.objects.aggregate(d=Min("date"))["d"],
        Intake.objects.aggregate(d=Min("start_date"))["d"],
        Offer.objects.aggregate(d=Min("period_start"))["d"],
        Slot.objects.aggregate(d=Min("starts_at"))["d"],
    ]
    years = [d.year for d in days if d is not None]
    years += [
        y
        for y in (
            CriterionAssessment.objects.aggregate(y=Min("year"))["y"],
            FrozenReport.objects.aggregate(y=Min("year"))["y"],
        )
        if y is not None
    ]
    return max(FIRST_YEAR, min(years)) if years else None


def report_years():
    """The current year and every earlier year since the first with data, newest first."""
    current = timezone.localdate().year
    first = min(first_data_year() or current, current)
    return list(range(current, first - 1, -1))
