"""Evidence for the yearly report: the demand/supply gap per competence area of the year's
needs inventory (criterion 4) and each programme's supply in the year (criterion 5). Cells
are plain strings and numbers, so a frozen year keeps them as they were."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from college_portal.reports import Flag, Table

from .gap import gap_report
from .models import CompetenceArea, InventoryRound
from .supply import programme_supply, supply_table


def _round_of(period):
    """The period's inventory: the round whose deadline fell last in it (as the inventory's
    own evidence counts rounds by their deadline)."""
    return (
        InventoryRound.objects.filter(**period.date_q("deadline"))
        .order_by("-deadline", "-opened_at")
        .first()
    )


def gap_evidence(period):
    """The period's needs inventory against the supply of its year: need within 1 year
    against the seats of the intakes starting in the year."""
    round_ = _round_of(period)
    if round_ is None:
        return [
            Table(
                _("Demand against supply per competence area: no needs inventory in %(year)s")
                % {"year": period.year},
                [_("Competence area")],
                [],
            )
        ]
    report = gap_report(round_=round_, year=period.year, horizon=1, measure="seats")
    rows = []
    for row in report.areas:
        f, c = row.figures, row.comparison
        status = str(c.status_label)
        rows.append(
            [
                row.area.name,
                f.companies,
                f.need_1,
                f.need_3,
                f.need_5,
                f.seats,
                f.admitted,
                f.completed,
                c.gap,
                "" if c.ratio is None else c.ratio,
                Flag(status) if c.status == "shortage" else status,
            ]
        )
    return [
        Table(
            _("Demand against supply per competence area (%(round)s)") % {"round": round_},
            [
                _("Competence area"),
                _("Companies answered"),
                _("Need within 1 year"),
                _("Need within 3 years"),
                _("Need within 5 years"),
                _("Seats"),
                _("Admitted"),
                pgettext("supply", "Completed"),
                _("Gap: need within 1 year − seats"),
                _("Seats as percentage of need"),
                _("Status"),
            ],
            rows,
        )
    ]


def supply_evidence(period):
    """Per programme: seats of its intakes starting in the year, admitted and completed in
    the year (the current figures), and the competence areas its courses teach."""
    supplies = [s for s in programme_supply(period.year) if s.seats or s.admitted or s.completed]
    names = {a.pk: a.name for a in CompetenceArea.objects.all()} if supplies else {}
    return [
        Table(
            _("Supply per programme in %(year)s") % {"year": period.year},
            *supply_table(supplies, names),
        )
    ]
