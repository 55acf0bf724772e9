"""The demand/supply page for project leads and steering-group members: need per competence
area and municipality at 1, 3 and 5 years against seats, admitted and completed, the gap and
ratio told in text and markers, the chart and its table, the drill-down to companies and
programmes, the exports, who may see it, and a query count independent of the data's size."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from partners.models import SteeringGroup, SteeringGroupMember
from programs.models import NeedAnswer
from tests.factories import (
    CompetenceAreaFactory,
    IntakeFactory,
    NeedAnswerFactory,
    OrganisationFactory,
    ProgrammeCourseFactory,
    SupplyFigureFactory,
)
from tests.helpers import page, sv, table_rows, url

from .gap_market import YEAR, build_market

pytestmark = pytest.mark.django_db

HEADERS = 13


@pytest.fixture
def market(school):
    return build_market(school)


def area_rows(client, lang="sv", **query):
    response = client.get(url("programs:gap", lang=lang), query)
    assert response.status_code == 200
    return {row[0]: row for row in table_rows(page(response).find("table", id="gap-areas"))}


def test_lead_sees_need_against_seats_per_area(lead_client, market):
    rows = area_rows(lead_client)

    # area (and SSYK), companies, need 1/3/5, programmes, seats, admitted, completed,
    # supply within 1 year (seats), gap, ratio, status
    assert rows["CNC-svarvning SSYK 7223"][1:] == [
        "5", "30", "60", "90", "2", "24", "22", "5", "24", "6", "80 %", "▲ " + sv("Shortage"),
    ]  # fmt: skip
    assert rows["CNC-fräsning"][1:] == [
        "2", "6", "7", "8", "1", "16", "14", "0", "16", "-10", "267 %",
        "▼ " + sv("More students than stated need"),
    ]  # fmt: skip
    assert rows["Mätning och kvalitet"][1:] == [
        "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "–", "– " + sv("No need stated"),
    ]  # fmt: skip


def test_a_programme_counts_in_every_area_its_courses_teach_and_the_page_says_so(
    lead_client, market
):
    response = lead_client.get(url("programs:gap"))
    rows = {r[0]: r for r in table_rows(page(response).find("table", id="gap-areas"))}

    # Industritekniska programmet teaches turning and milling: its 16 seats count in both.
    assert rows["CNC-svarvning SSYK 7223"][6] == "24"
    assert rows["CNC-fräsning"][6] == "16"
    assert "En utbildning räknas i varje område som dess kurser lär ut" in response.content.decode()
    english = lead_client.get(url("programs:gap", lang="en")).content.decode()
    assert "A programme counts in every area its courses teach" in english


def test_history_and_other_years_count_nowhere(lead_client, market):
    rows = area_rows(lead_client)
    html = str(rows)

    assert "500" not in html and "99" not in html and "46" not in html  # 16 + 30 seats
    assert rows["CNC-svarvning SSYK 7223"][7] == "22"  # 14 + 8 admitted, not 99 + 8


def test_horizon_and_measure_change_the_comparison(lead_client, market):
    rows = area_rows(lead_client, horizon=3, measure="completed")

    # Within 3 years: need 60 against 3 × 5 completed.
    assert rows["CNC-svarvning SSYK 7223"][9:12] == ["15", "45", "25 %"]
    # Milling: 7 needed, nobody completes: a shortage now.
    assert rows["CNC-fräsning"][9:13] == ["0", "7", "0 %", "▲ " + sv("Shortage")]


def test_a_municipality_shows_its_companies_and_programmes(lead_client, market):
    rows = area_rows(lead_client, municipality="Södertälje")

    # Three companies in Södertälje state 20 within a year; the programme there has 16 seats.
    assert rows["CNC-svarvning SSYK 7223"][1:4] == ["3", "20", "40"]
    assert rows["CNC-svarvning SSYK 7223"][6] == "16"
    assert rows["CNC-svarvning SSYK 7223"][10] == "4"
    assert rows["CNC-fräsning"][1:3] == ["0", "0"]


def test_need_and_supply_per_area_and_municipality(lead_client, market):
    response = lead_client.get(url("programs:gap"))
    cells = table_rows(page(response).find("table", id="gap-cells"))

    # area, municipality, companies, need, supply, gap, ratio, status
    assert [c[:6] for c in cells] == [
        ["CNC-svarvning", "Huddinge", "2", "10", "8", "2"],
        ["CNC-svarvning", "Södertälje", "3", "20", "16", "4"],
        ["CNC-fräsning", "Huddinge", "2", "6", "0", "6"],
        ["CNC-fräsning", "Södertälje", "0", "0", "16", "-16"],
    ]
    link = page(response).find("table", id="gap-cells").find("a")
    assert link.attrs["href"].startswith(url("programs:gap_area", market.turning.pk))
    assert "municipality=Huddinge" in link.attrs["href"]


def test_the_status_is_told_in_words_and_markers_not_colour_alone(lead_client, market):
    document = page(lead_client.get(url("programs:gap", lang="en")))
    statuses = [
        badge.text for badge in document.find("table", id="gap-areas").find_all(cls="badge")
    ]

    assert statuses == ["▲ Shortage", "▼ More students than stated need", "– No need stated"]


def test_the_chart_is_an_image_with_title_description_and_bars_with_their_numbers(
    lead_client, market
):
    response = lead_client.get(url("programs:gap", lang="en"))
    document = page(response)
    svg = document.find("svg")

    assert svg.attrs["role"] == "img"
    title_id, desc_id = svg.attrs["aria-labelledby"].split()
    assert svg.find("title", id=title_id).text.startswith("Stated need within 1 year against")
    assert "table below" in svg.find("desc", id=desc_id).text
    texts = [t.text for t in svg.find_all("text")]
    assert "CNC turning" in texts and "need 30" in texts and "supply 24" in texts
    assert "▲ Shortage: 6" in texts
    # The longest bar (need 30) fills the space; supply 24 is four fifths of it.
    widths = [float(r.attrs["width"]) for r in svg.find_all("rect") if r.attrs.get("height")]
    assert 330.0 in widths and 264.0 in widths
    # The data table follows the chart, and the page needs no script.
    assert document.find("table", id="gap-areas") is not None
    assert b"<script" not in response.content


def test_the_drill_down_shows_the_companies_and_programmes_behind_the_figures(lead_client, market):
    response = lead_client.get(url("programs:gap_area", market.milling.pk))
    document = page(response)

    companies = table_rows(document.find("table", id="gap-companies"))
    assert [row[:5] for row in companies] == [
        ["Huddinge Fräs 0 AB", "Huddinge", "5", "5", "5"],
        ["Huddinge Fräs 1 AB", "Huddinge", "1", "2", "3"],
    ]
    assert "Vi behöver fler som kan fräsa i fem axlar." in companies[0][5]
    programmes = table_rows(document.find("table", id="gap-programmes"))
    assert programmes == [
        [
            "Industritekniska programmet",
            "Täljegymnasiet",
            "Södertälje",
            "Fräsning 1",
            "16",
            "14",
            "0",
        ]
    ]


def test_the_drill_down_keeps_the_municipality(lead_client, market):
    response = lead_client.get(
        url("programs:gap_area", market.turning.pk), {"municipality": "Huddinge"}
    )
    document = page(response)

    assert [r[0] for r in table_rows(document.find("table", id="gap-companies"))] == [
        "Huddinge Fräs 0 AB",
        "Huddinge Fräs 1 AB",
    ]
    assert [r[0] for r in table_rows(document.find("table", id="gap-programmes"))] == [
        "CNC-operatör Huddinge"
    ]


def test_an_inactive_or_unknown_area_is_not_found(lead_client, market):
    market.measuring.active = False
    market.measuring.save()

    assert lead_client.get(url("programs:gap_area", market.measuring.pk)).status_code == 404
    assert lead_client.get(url("programs:gap_area", 999999)).status_code == 404
    assert "Mätning och kvalitet" not in area_rows(lead_client)


def test_another_round_is_chosen_by_the_form(lead_client, market):
    older = NeedAnswerFactory(
        round__title="Förra årets inventering",
        round__year=YEAR - 1,
        area=market.turning,
        within_1_year=41,
        within_3_years=41,
        within_5_years=41,
    ).round

    latest = area_rows(lead_client)
    chosen = area_rows(lead_client, round=older.pk)

    assert latest["CNC-svarvning SSYK 7223"][2] == "30"
    assert chosen["CNC-svarvning SSYK 7223"][2] == "41"
    # Supply of the chosen round's year: last year had no intakes.
    assert chosen["CNC-svarvning SSYK 7223"][6] == "0"


@pytest.mark.parametrize(
    "query",
    [
        {"round": "abc"},
        {"round": "99999999999999999999"},
        {"year": "99999"},
        {"year": "x"},
        {"horizon": "2"},
        {"measure": "salary"},
        {"municipality": "Atlantis"},
    ],
)
def test_a_wrong_choice_is_explained_and_the_defaults_are_shown(lead_client, market, query):
    response = lead_client.get(url("programs:gap"), query)

    assert response.status_code == 200
    document = page(response)
    assert document.find(cls="error-summary") is not None
    rows = table_rows(document.find("table", id="gap-areas"))
    assert rows[0][2] == "30"


# --- Exports ----------------------------------------------------------------------------------


def test_csv_export_has_the_table_in_swedish(lead_client, market):
    response = lead_client.get(url("programs:gap"), {"format": "csv", "horizon": 3})

    assert response["Content-Type"].startswith("text/csv")
    assert f"behov-och-utbildning-{YEAR}-" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    lines = [line.split(";") for line in text.splitlines()]
    assert lines[0][:2] == [sv("Needs inventory"), f"Behovsinventering ({YEAR})"]
    header = lines[2]
    assert header[0] == sv("Competence area")
    turning = next(line for line in lines if line[0] == "CNC-svarvning")
    assert turning[2:6] == ["5", "30", "60", "90"]
    assert turning[10:13] == ["72", "-12", "120"]  # 3 × 24 seats against 60


def test_xlsx_export_has_the_areas_municipalities_companies_and_programmes(lead_client, market):
    response = lead_client.get(url("programs:gap", lang="en"), {"format": "xlsx"})

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Per area",
        "Per area and municipality",
        "Stated needs",
        "Programmes",
    ]
    areas = list(book["Per area"].iter_rows(values_only=True))
    assert areas[1][0] == "Competence area"
    assert areas[2][:6] == ("CNC turning", "7223", 5, 30, 60, 90)
    assert areas[2][11] == 6  # the gap, a number Excel can sum
    needs = list(book["Stated needs"].iter_rows(values_only=True))
    assert ("CNC milling", "Huddinge Fräs 0 AB", "Huddinge", 5, 5, 5) in [r[:6] for r in needs]
    programmes = list(book["Programmes"].iter_rows(values_only=True))
    assert (
        "Industritekniska programmet",
        "Täljegymnasiet",
        "Södertälje",
        "CNC turning, CNC milling",
        16,
        14,
        0,
    ) in programmes


def test_xlsx_keeps_a_formula_like_comment_as_text(lead_client, market):
    NeedAnswer.objects.filter(area=market.milling).update(comment="=HYPERLINK(1)")

    response = lead_client.get(url("programs:gap"), {"format": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content))["Angivna behov"]
    cell = next(c for row in sheet.iter_rows() for c in row if c.value == "=HYPERLINK(1)")
    assert cell.data_type == "s"


# --- Who sees it ------------------------------------------------------------------------------


@pytest.fixture
def steering_group(company):
    return SteeringGroup.objects.create(name="Regionala styrgruppen", level="regional")


def seat(group, organisation, user, **dates):
    return SteeringGroupMember.objects.create(
        group=group, person_name="Styrgruppsledamot", organisation=organisation, user=user, **dates
    )


def test_a_steering_group_member_sees_the_page_and_finds_it_on_the_dashboard(
    client, market, steering_group, company, rep
):
    seat(steering_group, company, rep)
    client.force_login(rep)

    assert area_rows(client)["CNC-svarvning SSYK 7223"][2] == "30"
    assert client.get(url("programs:gap_area", market.turning.pk)).status_code == 200
    dashboard = client.get(url("dashboard")).content.decode()
    assert f'href="{url("programs:gap")}"' in dashboard


def test_a_former_member_and_a_colleague_of_a_member_are_refused(
    client, market, steering_group, company, rep, colleague
):
    today = timezone.localdate()
    seat(
        steering_group,
        company,
        rep,
        from_date=today - timedelta(days=400),
        to_date=today - timedelta(days=1),
    )
    seat(steering_group, company, None)  # LK has a seat, held by someone without an account

    for person in (rep, colleague):
        client.force_login(person)
        assert client.get(url("programs:gap")).status_code == 403
        assert client.get(url("programs:gap_area", market.turning.pk)).status_code == 403
        assert client.get(url("programs:gap"), {"format": "csv"}).status_code == 403
    assert f'href="{url("programs:gap")}"' not in client.get(url("dashboard")).content.decode()


@pytest.mark.parametrize("person", ["student", "rep", "teacher"])
def test_students_representatives_and_teachers_are_refused(client, market, request, person):
    client.force_login(request.getfixturevalue(person))

    assert client.get(url("programs:gap")).status_code == 403
    assert client.get(url("programs:gap"), {"format": "xlsx"}).status_code == 403
    assert client.get(url("programs:gap_area", market.turning.pk)).status_code == 403


def test_a_visitor_is_asked_to_sign_in(client, market):
    for address in (url("programs:gap"), url("programs:gap_area", market.turning.pk)):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith(url("account_login"))


def test_the_leads_menu_links_the_page(lead_client, client, student):
    assert f'href="{url("programs:gap")}"' in lead_client.get(url("home")).content.decode()
    client.force_login(student)
    assert f'href="{url("programs:gap")}"' not in client.get(url("home")).content.decode()


# --- Queries ----------------------------------------------------------------------------------


def grow(market, n):
    """`n` more companies, areas, programmes, intakes and figures, all counted."""
    for i in range(n):
        area = CompetenceAreaFactory()
        company = OrganisationFactory(municipality="Nacka" if i % 2 else "Solna")
        NeedAnswerFactory(round=market.round, organisation=company, area=area)
        NeedAnswerFactory(round=market.round, organisation=company, area=market.turning)
        plan = ProgrammeCourseFactory(programme__municipality="Nacka")
        plan.course.areas.add(area, market.turning)
        intake = IntakeFactory(programme=plan.programme, start_date=market.intake_a.start_date)
        SupplyFigureFactory(intake=intake, year=YEAR, admitted=3, completed=1)


@pytest.mark.parametrize("name", ["programs:gap", "programs:gap_area"])
def test_the_query_count_does_not_grow_with_the_data(
    client, market, lead, steering_group, company, rep, name, django_assert_max_num_queries
):
    seat(steering_group, company, rep)
    args = [market.turning.pk] if name == "programs:gap_area" else []
    counts = {}
    for size in (1, 12):
        grow(market, size if not counts else size - 1)
        for person in (lead, rep):
            client.force_login(person)
            with django_assert_max_num_queries(14) as captured:
                response = client.get(url(name, *args), {"municipality": ""})
            assert response.status_code == 200
            counts[(size, person.pk)] = len(captured)
    assert counts[(1, lead.pk)] == counts[(12, lead.pk)]
    assert counts[(1, rep.pk)] == counts[(12, rep.pk)]


def test_the_exports_query_count_does_not_grow_with_the_data(
    lead_client, market, django_assert_max_num_queries
):
    counts = []
    for size in (1, 11):
        grow(market, size)
        with django_assert_max_num_queries(16) as captured:
            assert lead_client.get(url("programs:gap"), {"format": "xlsx"}).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
