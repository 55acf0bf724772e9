"""Reads of the needs inventory that pages compose: a representative's open rounds (the
dashboard task), one organisation's answer page, and the yearly report's evidence. Each runs a
fixed number of queries, whatever the number of areas, answers or rounds."""

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from college_portal.reports import Table
from partners.models import Organisation

from .models import CompetenceArea, InventoryRound, NeedAnswer


def rounds_asking(user):
    """The rounds (any state) that ask an organisation `user` acts for."""
    asked = InventoryRound.asked.through.objects.filter(
        organisation__in=Organisation.objects.acted_for_by(user)
    ).values("inventoryround")
    return InventoryRound.objects.filter(pk__in=asked)


def open_tasks(user, today=None):
    """Each open round asking an organisation `user` acts for, per organisation, with when it
    was last answered (None: not yet). Two queries."""
    today = today or timezone.localdate()
    asked = list(
        InventoryRound.asked.through.objects.filter(
            organisation__in=Organisation.objects.acted_for_by(user),
            inventoryround__closed_at__isnull=True,
            inventoryround__deadline__gte=today,
        )
        .select_related("inventoryround", "organisation")
        .order_by("inventoryround__deadline", "inventoryround__pk", "organisation__name")
    )
    if not asked:
        return []
    answered = {
        (row["round"], row["organisation"]): row["last"]
        for row in NeedAnswer.objects.filter(
            current=True,
            round__in={a.inventoryround_id for a in asked},
            organisation__in={a.organisation_id for a in asked},
        )
        .values("round", "organisation")
        .annotate(last=Max("answered_at"))
    }
    several = len({a.organisation_id for a in asked}) > 1
    return [
        {
            "round": a.inventoryround,
            "organisation": a.organisation,
            "answered_at": answered.get((a.inventoryround_id, a.organisation_id)),
            "name_organisation": several,
        }
        for a in asked
    ]


def answer_sheet(inventory_round, organisation):
    """The active areas in order, each with the organisation's current answer (or None), and the
    latest answer of all (who saved last, when). Two queries."""
    areas = list(CompetenceArea.objects.filter(active=True).order_by("order", "name_sv"))
    current = {
        answer.area_id: answer
        for answer in NeedAnswer.objects.filter(
            round=inventory_round, organisation=organisation, current=True
        ).select_related("answered_by")
    }
    latest = max(current.values(), key=lambda a: (a.answered_at, a.pk), default=None)
    return [(area, current.get(area.pk)) for area in areas], latest


# --- The yearly report (criterion 4, Industrins kompetensbehov) ------------------------------


def _answers_as_of(rounds, moment):
    """Each (round, organisation, area)'s answer as it stood at `moment`: the latest row saved
    before it, history rows included, so a later change never alters a past year."""
    latest = {}
    rows = (
        NeedAnswer.objects.filter(round__in=rounds, answered_at__lt=moment)
        .order_by("answered_at", "pk")
        .values_list(
            "round", "organisation", "area", "within_1_year", "within_3_years", "within_5_years"
        )
    )
    for round_id, organisation_id, area_id, *figures in rows:
        latest[(round_id, organisation_id, area_id)] = figures
    return latest


def inventory_evidence(period):
    """The rounds whose deadline falls in `period` (title, deadline, asked, answered, response
    rate) and the need they stated per competence area at 1, 3 and 5 years, summed over the
    companies, as the answers stood at the period's end. Three queries."""
    rounds = list(
        InventoryRound.objects.filter(**period.date_q("deadline"))
        .annotate(asked_count=Count("asked", distinct=True))
        .order_by("deadline", "pk")
    )
    answers = _answers_as_of(rounds, period.end_datetime) if rounds else {}
    answered = {}
    totals = {}
    for (round_id, organisation_id, area_id), figures in answers.items():
        answered.setdefault(round_id, set()).add(organisation_id)
        total = totals.setdefault(area_id, [0, 0, 0, set()])
        for i, value in enumerate(figures):
            total[i] += value
        total[3].add(organisation_id)
    area_names = (
        {area.pk: area for area in CompetenceArea.objects.filter(pk__in=totals)} if totals else {}
    )
    round_rows = []
    for inventory_round in rounds:
        asked, replied = inventory_round.asked_count, len(answered.get(inventory_round.pk, ()))
        round_rows.append(
            [
                str(inventory_round.title),
                inventory_round.deadline.isoformat(),
                asked,
                replied,
                round(100 * replied / asked) if asked else 0,
            ]
        )
    need_rows = [
        [
            area_names[area_id].name,
            area_names[area_id].ssyk_code,
            total[0],
            total[1],
            total[2],
            len(total[3]),
        ]
        for area_id, total in sorted(
            totals.items(), key=lambda item: (area_names[item[0]].order, area_names[item[0]].name)
        )
    ]
    return [
        Table(
            _("Needs inventory rounds with their deadline in %(year)s") % {"year": period.year},
            [_("Round"), _("Deadline"), _("Asked"), _("Answered"), _("Response rate (%)")],
            round_rows,
        ),
        Table(
            _("Stated need per competence area, rounds with their deadline in %(year)s")
            % {"year": period.year},
            [
                _("Competence area"),
                _("SSYK 2012"),
                _("Within 1 year"),
                _("Within 3 years"),
                _("Within 5 years"),
                _("Companies"),
            ],
            need_rows,
        ),
    ]
