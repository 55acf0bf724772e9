"""Supply: students admitted to and completing each intake per year (entered with history by
project leads and the providing school's staff), and the education's supply per programme
and competence area.

The rule for areas: a programme supplies an area when one of its courses is tagged with it,
and its seats, admitted and completed count once in every area it supplies (a programme
counts in every area its courses teach). Figures per area are therefore not to be summed
across areas.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from partners.models import Organisation

from .models import Intake, Programme, ProgrammeCourse, SupplyFigure

FIRST_YEAR, LAST_YEAR = 2000, 2100
MAX_FIGURE = 100_000


# --- Who enters figures ---------------------------------------------------------------------


def supply_programmes_for(user):
    """Programmes whose figures `user` enters: every programme for project leads; for school
    staff, those their own school provides (a member of the provider organisation)."""
    if not user.is_authenticated:
        return Programme.objects.none()
    if user.is_staff:
        return Programme.objects.all()
    if not user.is_school_staff:
        return Programme.objects.none()
    return Programme.objects.filter(provider__in=Organisation.objects.acted_for_by(user))


def years_of(intake):
    """The years an intake's figures can be about: its start year to the year it ends (and one
    more for late completions), within the portal's dates."""
    length_years = max(1, math.ceil(intake.programme.length_weeks / 40))
    first = intake.start_date.year
    return [y for y in range(first, first + length_years + 1) if FIRST_YEAR <= y <= LAST_YEAR]


# --- Entering figures -----------------------------------------------------------------------


@transaction.atomic
def record_supply(*, user, intake_id, year, admitted, completed):
    """Enter an intake's admitted and completed students in `year`. The previous current
    figure is kept as history (current=False) and the new one becomes current; saving the
    same figures again changes nothing. Returns the current figure."""
    # Lock the intake: two people saving the same intake and year wait for each other, so the
    # second sees the first's row as the previous one instead of both making a current row.
    intake = (
        Intake.objects.select_for_update(of=("self",))
        .select_related("programme")
        .filter(pk=intake_id)
        .first()
    )
    if intake is None or not supply_programmes_for(user).filter(pk=intake.programme_id).exists():
        raise PermissionDenied
    if year not in years_of(intake):
        raise ValidationError(
            _("Choose a year from %(first)s to %(last)s for this intake.")
            % {"first": years_of(intake)[0], "last": years_of(intake)[-1]}
        )
    for value in (admitted, completed):
        if not 0 <= value <= MAX_FIGURE:
            raise ValidationError(_("Enter a number from 0 to 100 000."))
    previous = SupplyFigure.objects.filter(intake=intake, year=year, current=True).first()
    if previous and (previous.admitted, previous.completed) == (admitted, completed):
        return previous
    if previous:
        SupplyFigure.objects.filter(pk=previous.pk).update(current=False)
    return SupplyFigure.objects.create(
        intake=intake,
        year=year,
        admitted=admitted,
        completed=completed,
        entered_by=user,
        entered_at=timezone.now(),
        current=True,
    )


# --- Reading figures ------------------------------------------------------------------------


def intakes_with_history(programme):
    """The programme's intakes, each with `.years`: per year of `years_of`, the current figure
    (or None) and the earlier ones, newest first. Three queries whatever the history's size."""
    intakes = list(programme.intakes.select_related("programme").order_by("-start_date"))
    figures = defaultdict(list)
    for figure in (
        SupplyFigure.objects.filter(intake__programme=programme)
        .select_related("entered_by")
        .order_by("-entered_at", "-pk")
    ):
        figures[(figure.intake_id, figure.year)].append(figure)
    for intake in intakes:
        intake.years = []
        for year in years_of(intake):
            rows = figures.get((intake.pk, year), [])
            current = next((f for f in rows if f.current), None)
            intake.years.append(
                {
                    "year": year,
                    "current": current,
                    "history": [f for f in rows if not f.current],
                }
            )
    return intakes


@dataclass
class ProgrammeSupply:
    programme: Programme
    seats: int = 0
    admitted: int = 0
    completed: int = 0
    # area id -> names of the programme's courses tagged with it
    courses_by_area: dict = field(default_factory=dict)


def programme_supply(year, *, programmes=None, municipality=None):
    """Each programme's supply in `year`: seats of its intakes starting in the year, and the
    current admitted and completed figures of the year, with the active areas its courses
    teach. Four queries, whatever the number of programmes, intakes or figures."""
    programmes = Programme.objects.all() if programmes is None else programmes
    if municipality:
        programmes = programmes.filter(municipality=municipality)
    rows = {
        p.pk: ProgrammeSupply(programme=p)
        for p in programmes.select_related("provider").order_by("name")
    }
    seats = (
        Intake.objects.filter(programme__in=programmes, start_date__year=year)
        .values("programme")
        .annotate(total=Sum("seats"))
        .values_list("programme", "total")
    )
    for pk, total in seats:
        rows[pk].seats = total or 0
    figures = (
        SupplyFigure.objects.filter(intake__programme__in=programmes, year=year, current=True)
        .values("intake__programme")
        .annotate(admitted=Sum("admitted"), completed=Sum("completed"))
        .values_list("intake__programme", "admitted", "completed")
    )
    for pk, admitted, completed in figures:
        rows[pk].admitted, rows[pk].completed = admitted or 0, completed or 0
    tagged = ProgrammeCourse.objects.filter(
        programme__in=programmes, course__areas__active=True
    ).order_by("order")
    for pk, area_id, course_name in tagged.values_list(
        "programme", "course__areas", "course__name"
    ):
        rows[pk].courses_by_area.setdefault(area_id, []).append(course_name)
    return list(rows.values())


def supply_per_area(supplies):
    """area id -> {"seats", "admitted", "completed", "programmes"}: each programme once in every
    area it supplies."""
    per_area = defaultdict(lambda: {"seats": 0, "admitted": 0, "completed": 0, "programmes": 0})
    for supply in supplies:
        for area_id in supply.courses_by_area:
            totals = per_area[area_id]
            totals["seats"] += supply.seats
            totals["admitted"] += supply.admitted
            totals["completed"] += supply.completed
            totals["programmes"] += 1
    return per_area


def supply_table(supplies, area_names):
    """Per programme: school, municipality, the competence areas its courses teach, seats,
    admitted and completed, as (headers, rows) of plain cells, for the yearly report's evidence
    and the demand/supply workbook alike. `area_names` maps area ids to their names."""
    headers = [
        _("Programme"),
        _("School"),
        _("Municipality"),
        _("Competence areas"),
        _("Seats"),
        _("Admitted"),
        pgettext("supply", "Completed"),
    ]
    rows = [
        [
            s.programme.name,
            s.programme.provider.name,
            s.programme.municipality,
            ", ".join(area_names[a] for a in s.courses_by_area if a in area_names),
            s.seats,
            s.admitted,
            s.completed,
        ]
        for s in supplies
    ]
    return headers, rows
