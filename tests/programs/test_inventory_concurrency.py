"""Colleagues saving their company's needs inventory at the same moment, with real threads and
connections on PostgreSQL: every save succeeds and each area keeps exactly one current answer,
the last one saved; the others are history. (SQLite runs one writer at a time anyway.)"""

import pytest
from django.db import connection

from programs.inventory import save_answers
from programs.models import NeedAnswer
from tests.conftest import require
from tests.factories import MembershipFactory
from tests.helpers import all_at_once, outcomes

from .inventory_data import make_areas, make_round

pytestmark = pytest.mark.django_db(transaction=True)

SAVES = 8


@pytest.fixture(autouse=True)
def _postgresql():
    require(connection.vendor == "postgresql", "row locks between threads need PostgreSQL")


def figures(n):
    return {"within_1_year": n, "within_3_years": n + 1, "within_5_years": n + 2, "comment": ""}


def test_colleagues_saving_at_once_leave_one_current_answer_per_area(rep, colleague, company):
    areas = make_areas(3)
    inventory_round = make_round([company])
    people = [rep, colleague] + [
        MembershipFactory(organisation=company).user for _ in range(SAVES - 2)
    ]

    def save(i):
        return save_answers(
            user=people[i],
            round_id=inventory_round.pk,
            organisation_id=company.pk,
            answers={area.pk: figures(i) for area in areas},
        )

    results = all_at_once(save, list(range(SAVES)))

    assert outcomes(results) == ["ok"] * SAVES, results
    for area in areas:
        rows = NeedAnswer.objects.filter(round=inventory_round, organisation=company, area=area)
        assert rows.count() == SAVES  # each save changed the figures: one row each
        current = rows.filter(current=True)
        assert current.count() == 1
        # The current answer is the one saved last; every earlier one is history.
        last = rows.order_by("-answered_at", "-pk").first()
        assert current.get().pk == last.pk


def test_colleagues_saving_the_same_figures_at_once_write_them_once(rep, colleague, company):
    areas = make_areas(2)
    inventory_round = make_round([company])
    people = [rep, colleague] * (SAVES // 2)

    def save(i):
        return save_answers(
            user=people[i],
            round_id=inventory_round.pk,
            organisation_id=company.pk,
            answers={area.pk: figures(5) for area in areas},
        )

    results = all_at_once(save, list(range(SAVES)))

    assert outcomes(results) == ["ok"] * SAVES, results
    written = [value for _kind, value in results if value]
    assert len(written) == 1  # the first writes both areas; the rest find nothing changed
    assert NeedAnswer.objects.count() == NeedAnswer.objects.filter(current=True).count() == 2
