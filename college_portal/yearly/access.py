"""Who may read and write a year's report.

Readers: project leads (staff) and the people who sat in a steering group during that year,
each by their own seat (`SteeringGroupMember.user`), not everyone of the organisation the seat
represents: a company's other representatives are not its steering-group members. Writers of
the assessment: project leads and members of a regional steering group that year (the
report is the regional steering group's own account). Freezing: project leads only.
"""

from django.db.models import Q
from django.utils import timezone

from partners.models import SteeringGroupMember, SteeringLevel

from .models import FIRST_YEAR
from .period import Period


def valid_year(year):
    """A year the report can be about: one that has begun, within the portal's dates."""
    return FIRST_YEAR <= year <= timezone.localdate().year


def seats_during(user, period):
    return SteeringGroupMember.objects.filter(user=user, from_date__lte=period.end).filter(
        Q(to_date__isnull=True) | Q(to_date__gte=period.start)
    )


def can_read(user, year):
    if not user.is_authenticated:
        return False
    return user.is_staff or seats_during(user, Period(year)).exists()


def can_write(user, year):
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return seats_during(user, Period(year)).filter(group__level=SteeringLevel.REGIONAL).exists()


def can_freeze(user):
    return user.is_authenticated and user.is_staff


def readable_years(user, years):
    """Those of `years` the user may read (one query for a steering-group member)."""
    if not user.is_authenticated:
        return []
    if user.is_staff:
        return list(years)
    seats = list(SteeringGroupMember.objects.filter(user=user).values_list("from_date", "to_date"))
    return [
        year for year in years if any(Period(year).overlaps(start, end) for start, end in seats)
    ]
