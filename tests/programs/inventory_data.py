"""Data for the needs inventory's tests, on tests/factories.py: competence areas with the demo's
names, a round asking given organisations, answers, and the answer form's POST data. Plain
functions (the fixtures live in each test module)."""

from datetime import timedelta

from django.utils import timezone

from programs.models import NeedAnswer
from tests.factories import CompetenceAreaFactory, InventoryRoundFactory, NeedAnswerFactory

AREAS = [
    ("CNC-svarvning", "CNC turning"),
    ("CNC-fräsning", "CNC milling"),
    ("Mätteknik och kvalitet", "Measuring and quality"),
]


def make_areas(count=3):
    """`count` active competence areas, the first three with the demo's names."""
    names = AREAS + [(f"Område {i}", f"Area {i}") for i in range(len(AREAS), count)]
    return [
        CompetenceAreaFactory(name_sv=sv, name_en=en, order=i * 10)
        for i, (sv, en) in enumerate(names[:count], start=1)
    ]


def make_round(asked, *, days_left=14, title="Behovsinventering 2026", **extra):
    inventory_round = InventoryRoundFactory(
        title=title,
        year=extra.pop("year", 2026),
        deadline=extra.pop("deadline", timezone.localdate() + timedelta(days=days_left)),
        **extra,
    )
    inventory_round.asked.set(asked)
    return inventory_round


def answer(inventory_round, organisation, area, figures=(1, 2, 3), comment="", **extra):
    one, three, five = figures
    return NeedAnswerFactory(
        round=inventory_round,
        organisation=organisation,
        area=area,
        within_1_year=one,
        within_3_years=three,
        within_5_years=five,
        comment=comment,
        **extra,
    )


def form_data(figures_by_area, comments=None):
    """The answer form's POST data: {area: (1 year, 3 years, 5 years)}, values as typed."""
    data = {}
    for area, (one, three, five) in figures_by_area.items():
        prefix = f"area-{area.pk}"
        data[f"{prefix}-within_1_year"] = str(one)
        data[f"{prefix}-within_3_years"] = str(three)
        data[f"{prefix}-within_5_years"] = str(five)
        data[f"{prefix}-comment"] = (comments or {}).get(area, "")
    return data


def current_figures(inventory_round, organisation):
    """{area's Swedish name: (1, 3, 5, comment)} of the organisation's current answers."""
    return {
        a.area.name_sv: (a.within_1_year, a.within_3_years, a.within_5_years, a.comment)
        for a in NeedAnswer.objects.filter(
            round=inventory_round, organisation=organisation, current=True
        ).select_related("area")
    }
