"""Industry's demand against education's supply per competence area (and municipality): who
sees it, the stated need of a round's current answers, the supply of the programmes teaching
each area, the gap and ratio between them, and the public aggregate that never shows a figure
built from fewer than three companies.

Demand lies where the answering organisation is (its municipality); supply where the
programme is given. Supply within N years is N times the year's figure (seats, admitted or
completed): the education is assumed to keep its size, so a five-year need is weighed against
five years of students.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from partners.models import SteeringGroupMember

from .models import CompetenceArea, InventoryRound, NeedAnswer
from .supply import programme_supply, supply_per_area

HORIZONS = (1, 3, 5)
MEASURES = {
    "seats": _("seats"),
    "admitted": _("admitted"),
    "completed": pgettext_lazy("supply", "completed"),
}
MIN_COMPANIES = 3  # the public never sees a figure built from fewer companies than this


# --- Who sees the full page -----------------------------------------------------------------


def may_see_gap(user):
    """Project leads, and people who hold a steering-group seat of their own today
    (`SteeringGroupMember.user`, as the yearly report's readers): not every member of an
    organisation that has a seat, since a company's other representatives do not sit in it."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    today = timezone.localdate()
    return (
        SteeringGroupMember.objects.filter(user=user, from_date__lte=today)
        .filter(Q(to_date__isnull=True) | Q(to_date__gte=today))
        .exists()
    )


# --- Rounds ---------------------------------------------------------------------------------


def rounds():
    return list(InventoryRound.objects.order_by("-year", "-opened_at"))


def latest_round():
    return InventoryRound.objects.order_by("-year", "-opened_at").first()


# --- Figures --------------------------------------------------------------------------------


@dataclass
class Figures:
    """Need and supply of one cell (an area, or an area in a municipality)."""

    need_1: int = 0
    need_3: int = 0
    need_5: int = 0
    companies: int = 0
    seats: int = 0
    admitted: int = 0
    completed: int = 0
    programmes: int = 0

    def need(self, horizon):
        return getattr(self, f"need_{horizon}")

    def add_need(self, n1, n3, n5, companies):
        self.need_1 += n1 or 0
        self.need_3 += n3 or 0
        self.need_5 += n5 or 0
        self.companies += companies

    def add_supply(self, supply):
        for key in ("seats", "admitted", "completed", "programmes"):
            setattr(self, key, getattr(self, key) + supply[key])


@dataclass
class Comparison:
    """Need at one horizon against supply of one measure over the same years."""

    need: int
    supply: int
    gap: int  # need − supply: above 0 a shortage, below 0 more students than stated need
    ratio: int | None  # supply as a percentage of need; None when no need is stated
    status: str  # "shortage", "surplus", "balanced" or "none"

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]

    @property
    def marker(self):
        return STATUS_MARKERS[self.status]

    @property
    def short_label(self):
        return STATUS_SHORT[self.status]

    @property
    def badge(self):
        return STATUS_BADGES[self.status]


STATUS_LABELS = {
    "shortage": _("Shortage"),
    "surplus": _("More students than stated need"),
    "balanced": _("Balanced"),
    "none": _("No need stated"),
}
# In the chart, where the space is short.
STATUS_SHORT = {
    "shortage": _("Shortage"),
    "surplus": _("Surplus"),
    "balanced": _("Balanced"),
    "none": _("No need"),
}
# Shown beside the label, so the status is not told by colour alone.
STATUS_MARKERS = {"shortage": "▲", "surplus": "▼", "balanced": "=", "none": "–"}
STATUS_BADGES = {
    "shortage": "badge-error",
    "surplus": "badge-warn",
    "balanced": "badge-ok",
    "none": "badge-none",
}


def compare(figures, *, horizon, measure):
    need = figures.need(horizon)
    supply = horizon * getattr(figures, measure)
    gap = need - supply
    if need == 0 and supply == 0:
        status = "none"
    elif gap > 0:
        status = "shortage"
    elif gap < 0:
        status = "surplus"
    else:
        status = "balanced"
    ratio = round(100 * supply / need) if need else None
    return Comparison(need=need, supply=supply, gap=gap, ratio=ratio, status=status)


@dataclass
class Row:
    area: CompetenceArea
    municipality: str | None = None
    figures: Figures = field(default_factory=Figures)
    comparison: Comparison | None = None


@dataclass
class GapReport:
    round: InventoryRound | None
    year: int
    municipality: str
    horizon: int
    measure: str
    areas: list  # Rows per area
    cells: list  # Rows per area and municipality (only those with need or supply)
    supplies: list  # ProgrammeSupply of every programme counted

    def programmes_of(self, area_id):
        return [s.programme for s in self.supplies if area_id in s.courses_by_area]

    @property
    def chart(self):
        return chart_bars(self.areas)

    @property
    def measure_label(self):
        return MEASURES[self.measure]


def demand_cells(round_, *, municipality=None):
    """Sums of the round's current answers per area and the answering organisation's
    municipality: (area id, municipality, need 1, 3, 5, companies). One query."""
    if round_ is None:
        return []
    answers = NeedAnswer.objects.filter(round=round_, current=True, area__active=True)
    if municipality:
        answers = answers.filter(organisation__municipality=municipality)
    return list(
        answers.values("area", "organisation__municipality")
        .annotate(
            n1=Sum("within_1_year"),
            n3=Sum("within_3_years"),
            n5=Sum("within_5_years"),
            companies=Count("organisation", distinct=True),
        )
        .order_by()
        .values_list("area", "organisation__municipality", "n1", "n3", "n5", "companies")
    )


def build_rows(areas, demand, supplies):
    """Rows per area and per area and municipality from the demand cells and the programmes'
    supply (each programme once in every area it teaches, where it is given)."""
    per_area = {area.pk: Row(area=area) for area in areas}
    cells = defaultdict(Figures)
    for area_id, place, n1, n3, n5, companies in demand:
        if area_id in per_area:
            per_area[area_id].figures.add_need(n1, n3, n5, companies)
            cells[(area_id, place or "")].add_need(n1, n3, n5, companies)
    for area_id, totals in supply_per_area(supplies).items():
        if area_id in per_area:
            per_area[area_id].figures.add_supply(totals)
    for supply in supplies:
        place = supply.programme.municipality or ""
        for area_id, totals in supply_per_area([supply]).items():
            if area_id in per_area:
                cells[(area_id, place)].add_supply(totals)
    order = {area.pk: i for i, area in enumerate(areas)}
    cell_rows = [
        Row(area=per_area[area_id].area, municipality=place, figures=figures)
        for (area_id, place), figures in sorted(
            cells.items(), key=lambda item: (order[item[0][0]], item[0][1] == "", item[0][1])
        )
    ]
    return list(per_area.values()), cell_rows


def gap_report(*, round_, year, municipality="", horizon=1, measure="seats", programmes=None):
    """The demand/supply table of a round (supply of `year`), for one municipality or the
    whole county. A fixed number of queries (seven) whatever the amount of data."""
    areas = list(CompetenceArea.objects.filter(active=True))
    demand = demand_cells(round_, municipality=municipality or None)
    supplies = programme_supply(year, programmes=programmes, municipality=municipality or None)
    area_rows, cell_rows = build_rows(areas, demand, supplies)
    for row in (*area_rows, *cell_rows):
        row.comparison = compare(row.figures, horizon=horizon, measure=measure)
    return GapReport(
        round=round_,
        year=year,
        municipality=municipality,
        horizon=horizon,
        measure=measure,
        areas=area_rows,
        cells=cell_rows,
        supplies=supplies,
    )


def area_detail(area, report):
    """What lies behind one area's figures in `report`: the companies' current answers (one
    query) and the programmes whose courses teach it, with their seats, admitted and
    completed."""
    answers = []
    if report.round is not None:
        answers = NeedAnswer.objects.filter(round=report.round, area=area, current=True)
        if report.municipality:
            answers = answers.filter(organisation__municipality=report.municipality)
        answers = list(answers.select_related("organisation").order_by("organisation__name"))
    supplies = [s for s in report.supplies if area.pk in s.courses_by_area]
    for supply in supplies:
        supply.courses = supply.courses_by_area[area.pk]
    return answers, supplies


# --- The chart ------------------------------------------------------------------------------

BAR, ROW, LEGEND, LABEL_WIDTH, BAR_SPACE, WIDTH = 16, 46, 34, 210, 330, 680


def chart_bars(rows, *, need_of=None, supply_of=None):
    """Geometry of a horizontal bar chart, two bars per area (need, supply) on one scale, for
    the SVG the templates draw. A hidden need (None) draws no bar, only its text."""
    need_of = need_of or (lambda row: row.comparison.need)
    supply_of = supply_of or (lambda row: row.comparison.supply)
    values = [(row, need_of(row), supply_of(row)) for row in rows]
    top = max([v for _r, n, s in values for v in (n, s) if v is not None], default=0) or 1
    bar_x = LABEL_WIDTH + 10
    bars = []
    for i, (row, need, supply) in enumerate(values):
        y = LEGEND + i * ROW
        need_width = 0 if need is None else round(BAR_SPACE * need / top, 1)
        supply_width = round(BAR_SPACE * supply / top, 1)
        bars.append(
            {
                "row": row,
                "label": row.area.name,
                "label_y": y + 15,
                "status_y": y + 33,
                "need": need,
                "need_y": y + 3,
                "need_width": need_width,
                "need_text_x": bar_x + need_width + 6,
                "need_text_y": y + 15,
                "supply": supply,
                "supply_y": y + 5 + BAR,
                "supply_width": supply_width,
                "supply_text_x": bar_x + supply_width + 6,
                "supply_text_y": y + 17 + BAR,
            }
        )
    return {
        "bars": bars,
        "width": WIDTH,
        "height": LEGEND + max(ROW, ROW * len(bars)) + 6,
        "label_x": LABEL_WIDTH,
        "bar_x": bar_x,
        "legend_supply_x": bar_x + 150,
    }


# --- The public aggregate -------------------------------------------------------------------


@dataclass
class PublicCell:
    """A cell of the public page: the need is None when it is hidden (too few companies, or
    because its neighbours' total would give it away)."""

    area: CompetenceArea
    municipality: str | None
    companies: int
    need_1: int | None
    need_3: int | None
    need_5: int | None
    seats: int
    programmes: list = field(default_factory=list)
    # Why the need is hidden: "few" (fewer than MIN_COMPANIES answered) or "complement"
    # (hidden so that a neighbour's figure cannot be worked out from the total).
    reason: str = ""

    @property
    def hidden(self):
        return self.need_1 is None


def _public_cell(row):
    f = row.figures
    shown = f.companies >= MIN_COMPANIES
    return PublicCell(
        area=row.area,
        municipality=row.municipality,
        companies=f.companies,
        need_1=f.need_1 if shown else None,
        need_3=f.need_3 if shown else None,
        need_5=f.need_5 if shown else None,
        seats=f.seats,
        reason="" if shown else "few",
    )


def _hide(cell):
    cell.need_1 = cell.need_3 = cell.need_5 = None
    cell.reason = "complement"


def suppress_complements(cells, total_shown):
    """Where an area's county total is shown, the hidden municipality cells together must hold
    at least MIN_COMPANIES companies, or the total minus the shown cells would give them away:
    hide the smallest shown cells until they do."""
    hidden = [c for c in cells if c.hidden and c.companies]
    if not total_shown or not hidden:
        return
    shown = sorted((c for c in cells if not c.hidden), key=lambda c: (c.companies, c.need_5))
    while sum(c.companies for c in hidden) < MIN_COMPANIES and shown:
        cell = shown.pop(0)
        _hide(cell)
        hidden.append(cell)


def public_report(*, round_, year, programmes):
    """Per area (county) and per area and municipality: need at 1/3/5 years where at least
    three companies answered, and the seats of the year's intakes of `programmes`."""
    report = gap_report(round_=round_, year=year, programmes=programmes)
    areas = [_public_cell(row) for row in report.areas]
    for cell in areas:
        cell.programmes = report.programmes_of(cell.area.pk)
    cells = [_public_cell(row) for row in report.cells]
    by_area = defaultdict(list)
    for cell in cells:
        by_area[cell.area.pk].append(cell)
    for area in areas:
        suppress_complements(by_area[area.area.pk], total_shown=not area.hidden)
    chart = chart_bars(areas, need_of=lambda c: c.need_1, supply_of=lambda c: c.seats)
    return {"round": round_, "year": year, "areas": areas, "cells": cells, "chart": chart}
