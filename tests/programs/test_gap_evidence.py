"""What demand and supply give the yearly report: under criterion 4 the gap per competence
area of the year's needs inventory, under criterion 5 each programme's seats, admitted and
completed in the year; computed for the report's year, not for today."""

import json

import pytest

from college_portal.registry import yearly_evidence
from college_portal.yearly.period import Period
from tests.helpers import sv, url

from .gap_market import YEAR, build_market

pytestmark = pytest.mark.django_db


@pytest.fixture
def market(school):
    return build_market(school)


def table(criterion, year, caption_start):
    tables = yearly_evidence(criterion, Period(year))
    found = [t for t in tables if t.caption.startswith(caption_start)]
    assert len(found) == 1, [t.caption for t in tables]
    return found[0]


def test_criterion_4_has_the_gap_per_area_of_the_years_inventory(market):
    gap = table(4, YEAR, "Behov mot utbud per kompetensområde (Behovsinventering")

    rows = {row[0]: row for row in gap.rows}
    # area, companies, need 1/3/5, seats, admitted, completed, gap, ratio, status
    assert rows["CNC-svarvning"][:10] == ["CNC-svarvning", 5, 30, 60, 90, 24, 22, 5, 6, 80]
    assert rows["CNC-svarvning"][10] == sv("Shortage")
    assert getattr(rows["CNC-svarvning"][10], "flag", False)
    assert rows["CNC-fräsning"][8] == -10
    json.dumps([gap.rows, gap.headers])  # a frozen year stores them as they are


def test_criterion_4_says_when_the_year_had_no_inventory(market):
    gap = table(4, YEAR - 1, "Behov mot utbud per kompetensområde: ingen")

    assert str(YEAR - 1) in gap.caption
    assert gap.rows == []


def test_criterion_5_has_each_programmes_supply_in_the_year(market):
    supply = table(5, YEAR, f"Utbud per utbildning {YEAR}")

    assert sorted(supply.rows) == [
        ["CNC-operatör Huddinge", "Huddinge Vux", "Huddinge", "CNC-svarvning", 8, 8, 5],
        [
            "Industritekniska programmet",
            "Täljegymnasiet",
            "Södertälje",
            "CNC-svarvning, CNC-fräsning",
            16,
            14,
            0,
        ],
    ]
    # Next year only the intake starting then counts; nothing was admitted yet.
    next_year = table(5, YEAR + 1, f"Utbud per utbildning {YEAR + 1}")
    assert [row[4:] for row in next_year.rows] == [[30, 0, 0]]


def test_the_yearly_report_page_shows_the_gap(lead_client, market):
    response = lead_client.get(url("yearly:detail", YEAR))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Behov mot utbud per kompetensområde (Behovsinventering" in html
    assert f"Utbud per utbildning {YEAR}" in html
