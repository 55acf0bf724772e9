"""The open needs inventory as a task on the representative's dashboard ("answer by …", then
"answered on …, you can change the answer until …"), in a fixed number of queries; and the
inventory's evidence in the yearly report (criterion 4), computed for the year's dates."""

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.utils import formats, timezone, translation

from college_portal.registry import yearly_evidence
from college_portal.yearly.period import Period
from programs.inventory_selectors import inventory_evidence
from programs.models import NeedAnswer
from tests.factories import MembershipFactory
from tests.helpers import dashboard_html, page, section, url

from .inventory_data import answer, make_areas, make_round

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def on_pages(day, lang="en"):
    with translation.override(lang):
        return formats.date_format(day, "j F Y")


@pytest.fixture
def areas(db):
    return make_areas(2)


# --- The dashboard task --------------------------------------------------------------------------


def test_a_representative_of_an_asked_company_sees_the_open_round_as_a_task(
    client, rep, company, areas
):
    inventory_round = make_round([company], days_left=10)

    card = section(dashboard_html(client, rep), "inventory-title")

    assert "Behovsinventering 2026" in card
    assert "To do" in card
    assert f"Answer by {on_pages(inventory_round.deadline)}." in card
    assert url("programs:inventory_answer", inventory_round.pk, company.slug, lang="en") in card


def test_the_task_says_when_it_was_answered_and_until_when_it_can_change(
    client, rep, colleague, company, areas
):
    inventory_round = make_round([company], days_left=10)
    saved = timezone.now() - timedelta(days=2)
    answer(inventory_round, company, areas[0], answered_by=colleague, answered_at=saved)

    card = section(dashboard_html(client, rep), "inventory-title")

    assert "Answered" in card and "To do" not in card
    assert (
        f"Answered on {on_pages(timezone.localtime(saved).date())}; you can change the answer "
        f"until {on_pages(inventory_round.deadline)}." in card
    )


def test_the_swedish_dashboard_reads_swedish(client, rep, company, areas):
    inventory_round = make_round([company], days_left=10)
    client.force_login(rep)

    html = client.get(url("dashboard")).content.decode()

    assert "Behovsinventering" in section(html, "inventory-title")
    assert f"Svara senast {on_pages(inventory_round.deadline, 'sv')}." in html


def test_no_task_for_closed_or_passed_rounds_nor_for_others(
    client, rep, rep2, student, teacher, lead, company, areas
):
    make_round([company], closed_at=timezone.now())
    make_round([company], title="Förra", deadline=TODAY - timedelta(days=1))
    make_round([company], title="Annan")  # company2 (rep2's) is not asked

    assert 'id="inventory-title"' not in dashboard_html(client, rep2)
    for person in (student, teacher, lead):
        assert 'id="inventory-title"' not in dashboard_html(client, person)
    card = section(dashboard_html(client, rep), "inventory-title")
    assert "Annan" in card and "Förra" not in card and "Behovsinventering 2026" not in card


def test_a_member_of_two_asked_companies_gets_a_task_for_each(
    client, rep, company, company2, areas
):
    inventory_round = make_round([company, company2])
    MembershipFactory(organisation=company2, user=rep)
    answer(inventory_round, company2, areas[0])

    card = page(SimpleNamespace(content=dashboard_html(client, rep).encode()))

    items = card.find("section", **{"aria-labelledby": "inventory-title"}).find_all("li")
    assert [(li.find("a").text, li.find("span").text) for li in items] == [
        ("Behovsinventering 2026 – Huddinge Fräs AB", "Answered"),
        ("Behovsinventering 2026 – LK Precision AB", "To do"),
    ]


def test_the_dashboard_runs_the_same_queries_with_one_round_as_with_many(
    client, rep, company, company2, django_assert_max_num_queries
):
    MembershipFactory(organisation=company2, user=rep)
    areas = make_areas(12)

    def measure():
        client.force_login(rep)
        with django_assert_max_num_queries(60) as captured:
            response = client.get(url("dashboard", lang="en"))
        assert response.status_code == 200
        return len(captured.captured_queries), response.content.decode().count('class="badge')

    first = make_round([company])
    answer(first, company, areas[0])
    few, _ = measure()
    for i in range(6):
        extra = make_round([company, company2], title=f"Runda {i}")
        for area in areas:
            answer(extra, company, area, current=False)
            answer(extra, company2, area)
    many, badges = measure()
    assert badges == 1 + 6 * 2  # a task per round and company asked
    assert many == few


# --- The yearly report, criterion 4 ------------------------------------------------------------


def at(year, month, day):
    return timezone.make_aware(datetime(year, month, day, 12, 0))


@pytest.fixture
def last_years_round(company, company2, areas):
    """Behovsinventering 2025: asked LK and Huddinge Fräs; only LK answered, and changed its
    answer once before the deadline."""
    inventory_round = make_round(
        [company, company2], title="Behovsinventering 2025", year=2025, deadline=date(2025, 11, 30)
    )
    answer(
        inventory_round, company, areas[0], (1, 2, 3), current=False, answered_at=at(2025, 11, 1)
    )
    answer(inventory_round, company, areas[0], (2, 4, 6), answered_at=at(2025, 11, 20))
    answer(inventory_round, company, areas[1], (0, 1, 1), answered_at=at(2025, 11, 20))
    return inventory_round


def test_the_report_lists_the_years_rounds_with_their_response_rate_and_need_per_area(
    last_years_round, company2, areas
):
    rounds, need = inventory_evidence(Period(2025))

    assert rounds.rows == [["Behovsinventering 2025", "2025-11-30", 2, 1, 50]]
    assert need.rows == [
        [areas[0].name, "", 2, 4, 6, 1],
        [areas[1].name, "", 0, 1, 1, 1],
    ]
    assert inventory_evidence(Period(2024))[0].rows == []
    assert inventory_evidence(Period(2024))[1].rows == []


def test_a_past_years_figures_do_not_change_with_later_answers(
    last_years_round, company, company2, areas
):
    before = [t.rows for t in inventory_evidence(Period(2025))]

    # Next year: an answer changed after the fact and a late company answering.
    NeedAnswer.objects.filter(round=last_years_round, area=areas[0], current=True).update(
        current=False
    )
    answer(last_years_round, company, areas[0], (9, 9, 9), answered_at=at(2026, 2, 1))
    answer(last_years_round, company2, areas[0], (5, 5, 5), answered_at=at(2026, 2, 1))
    make_round([company], title="Behovsinventering 2026", year=2026, deadline=date(2026, 11, 30))

    assert [t.rows for t in inventory_evidence(Period(2025))] == before


def test_the_evidence_is_registered_under_criterion_4_in_both_languages(last_years_round, areas):
    with translation.override("en"):
        captions = [t.caption for t in yearly_evidence(4, Period(2025))]
        assert "Needs inventory rounds with their deadline in 2025" in captions
    with translation.override("sv"):
        tables = yearly_evidence(4, Period(2025))
        captions = [t.caption for t in tables]
        assert "Behovsinventeringar med sista svarsdag under 2025" in captions
        need = next(t for t in tables if t.caption.startswith("Angivet rekryteringsbehov"))
        assert need.rows[0][0] == "CNC-svarvning"


def test_the_evidence_runs_the_same_queries_whatever_the_amount_of_answers(
    company, company2, areas, django_assert_max_num_queries
):
    first = make_round([company], title="R", year=2025, deadline=date(2025, 6, 1))
    answer(first, company, areas[0], answered_at=at(2025, 5, 1))
    with django_assert_max_num_queries(3):
        inventory_evidence(Period(2025))
    for i in range(5):
        extra = make_round(
            [company, company2], title=f"R{i}", year=2025, deadline=date(2025, 6, 2 + i)
        )
        for area in areas:
            answer(extra, company, area, answered_at=at(2025, 5, 1))
            answer(extra, company2, area, answered_at=at(2025, 5, 1))
    with django_assert_max_num_queries(3):
        tables = inventory_evidence(Period(2025))
    assert len(tables[0].rows) == 6
