"""Freezing and writing assessments at the same moment, with real threads and connections on
PostgreSQL: a version is either in the frozen snapshot (saved before) or refused (after);
none is saved behind the snapshot's back. Two leads freezing at once: one snapshot."""

import pytest
from django.db import connection

from college_portal.yearly.models import CriterionAssessment, FrozenReport
from college_portal.yearly.services import freeze_year, save_assessment
from tests.conftest import require
from tests.helpers import all_at_once, outcomes
from tests.yearly.conftest import LAST_YEAR

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 7


@pytest.fixture(autouse=True)
def _postgresql():
    require(connection.vendor == "postgresql", "advisory locks between threads need PostgreSQL")


def test_a_version_is_in_the_snapshot_or_refused(lead):
    def act(i):
        if i == 0:
            return freeze_year(year=LAST_YEAR, user=lead)
        return save_assessment(year=LAST_YEAR, criterion=2, text=f"Version {i}", user=lead)

    results = all_at_once(act, list(range(WRITERS + 1)))

    assert outcomes(results)[0] == "ok", results
    assert set(outcomes(results)[1:]) <= {"ok", "refused"}, results
    saved = [f"Version {i}" for i, (kind, _v) in enumerate(results) if i and kind == "ok"]
    rows = CriterionAssessment.objects.filter(year=LAST_YEAR, criterion=2)
    assert sorted(rows.values_list("text", flat=True)) == sorted(saved)
    snapshot = FrozenReport.objects.get(year=LAST_YEAR).snapshot["languages"]["sv"]["criteria"][1]
    newest = rows.order_by("-written_at", "-pk").first()
    assert (snapshot["assessment"] or {}).get("text") == (newest.text if newest else None)


def test_two_leads_freezing_at_once_make_one_snapshot(lead):
    results = all_at_once(lambda i: freeze_year(year=LAST_YEAR, user=lead), [0, 1])

    assert sorted(outcomes(results)) == ["ok", "refused"], results
    assert FrozenReport.objects.count() == 1
