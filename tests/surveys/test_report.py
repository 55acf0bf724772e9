"""The satisfaction index in the partnership report and the yearly report: anonymous, and no
figure from fewer than 5 answers (a group hidden beside others is not left to subtraction)."""

import datetime

import pytest

from college_portal.registry import yearly_evidence
from college_portal.surveys.models import SurveyAnswer
from college_portal.surveys.report import groups, index_of
from college_portal.yearly.period import Period
from tests.factories import ProgrammeFactory
from tests.helpers import page, table_by_caption, table_rows, url
from tests.surveys.helpers import make_answers

FEWER = "färre än 5 svar"


def test_the_index_scales_the_mean_to_0_100():
    assert [index_of(m) for m in (1, 2, 3, 4, 5, 4.5)] == [0, 25, 50, 75, 100, 88]


def report_table(client, caption):
    response = client.get(url("report"))
    assert response.status_code == 200
    return table_rows(table_by_caption(page(response), caption))


@pytest.mark.django_db
def test_four_answers_show_no_figure_five_do(lead_client, company):
    make_answers(4, organisation=company, score=4)

    assert report_table(lead_client, "Nöjdhetsindex per företag") == [
        ["LK Precision AB", FEWER, FEWER]
    ]

    make_answers(1, organisation=company, score=2)

    # (4 × 4 + 2) / 5 = 3.6 → (3.6 − 1) / 4 × 100 = 65
    assert report_table(lead_client, "Nöjdhetsindex per företag") == [
        ["LK Precision AB", "5", "65"]
    ]


@pytest.mark.django_db
def test_a_small_group_beside_a_shown_one_hides_both(company, company2):
    make_answers(4, organisation=company, score=5)
    make_answers(6, organisation=company2, score=1)

    rows = groups(SurveyAnswer.objects.all(), "organisation")

    # The year's total (10 answers) less the shown company would give the small one away.
    assert [index for _value, _n, index in rows] == [None, None]


@pytest.mark.django_db
def test_groups_of_five_and_more_are_all_shown(company, company2):
    make_answers(5, organisation=company, score=5)
    make_answers(6, organisation=company2, score=1)

    rows = groups(SurveyAnswer.objects.all(), "organisation")

    assert sorted(index for _value, _n, index in rows) == [0, 100]


@pytest.mark.django_db
def test_the_yearly_evidence_of_criterion_1_suppresses_fewer_than_five(company):
    programme = ProgrammeFactory(name="Industritekniska programmet")
    make_answers(4, organisation=company, programme=programme, event_date=datetime.date(2025, 5, 1))
    make_answers(5, organisation=company, programme=programme, event_date=datetime.date(2026, 5, 1))

    by_year = {
        year: {t.caption: t.rows for t in yearly_evidence(1, Period(year))} for year in (2025, 2026)
    }

    assert by_year[2025]["Nöjdhetsindex per utbildning (2025)"] == [
        ["Industritekniska programmet", FEWER, FEWER]
    ]
    assert by_year[2026]["Nöjdhetsindex per utbildning (2026)"] == [
        ["Industritekniska programmet", 5, 75]
    ]


@pytest.mark.django_db
def test_the_report_is_for_project_leads_only(client, rep):
    client.force_login(rep)
    assert client.get(url("report")).status_code == 403


@pytest.mark.django_db
def test_a_year_without_answers_has_no_criterion_1_table(company):
    make_answers(5, organisation=company, event_date=datetime.date(2026, 5, 1))

    assert yearly_evidence(1, Period(2025)) == []
