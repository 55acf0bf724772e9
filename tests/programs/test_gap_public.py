"""The public aggregate, "where the jobs are": students and parents see the stated need per
competence area (and municipality) and the programmes' seats, never a company's figure and
never a figure built from fewer than three companies; the page is cached for visitors and a
new answer or figure shows at once."""

import pytest
from django.test import override_settings

from programs.models import NeedAnswer
from tests.factories import NeedAnswerFactory, OrganisationFactory
from tests.helpers import page, sv, table_rows, url

from .gap_market import build_market

pytestmark = pytest.mark.django_db

FEWER = "Färre än 3 företag har svarat"


@pytest.fixture
def market(school):
    return build_market(school)


def public(client, lang="sv"):
    response = client.get(url("programs:jobs", lang=lang))
    assert response.status_code == 200
    return response


def rows(response, table):
    return table_rows(page(response).find("table", id=table))


def test_a_visitor_sees_need_and_seats_per_area_where_three_companies_answered(client, market):
    areas = {row[0]: row for row in rows(public(client), "jobs-areas")}

    # Turning: five companies answered: 30/60/90 within 1/3/5 years, 24 seats.
    assert areas["CNC-svarvning"][:5] == ["CNC-svarvning", "30", "60", "90", "24"]
    assert areas["CNC-svarvning"][5] == "CNC-operatör Huddinge , Industritekniska programmet"
    # Milling: only two companies answered: no figure, and the reason instead.
    assert areas["CNC-fräsning"][:3] == ["CNC-fräsning", FEWER, "16"]


def test_a_cell_from_two_companies_is_nowhere_in_the_page(client, market):
    # Give the two milling answers figures found nowhere else on the page.
    NeedAnswer.objects.filter(area=market.milling).delete()
    for organisation, n in zip(market.huddinge, (417, 419), strict=True):
        NeedAnswerFactory(
            round=market.round,
            organisation=organisation,
            area=market.milling,
            within_1_year=n,
            within_3_years=n + 200,
            within_5_years=n + 400,
        )

    html = public(client).content.decode()

    for figure in ("417", "419", "836", "617", "619", "1236", "817", "819", "1636"):
        assert figure not in html, figure
    document = page(public(client))
    chart = " ".join(t.text for t in document.find("svg").find_all("text"))
    assert "behov: färre än 3 företag har svarat" in chart
    milling_cells = [r for r in rows(public(client), "jobs-cells") if r[0] == "CNC-fräsning"]
    assert ["CNC-fräsning", "Huddinge", FEWER, "0"] in milling_cells


def test_a_third_company_makes_the_figure_appear(client, market):
    NeedAnswerFactory(
        round=market.round,
        organisation=OrganisationFactory(municipality="Huddinge"),
        area=market.milling,
        within_1_year=4,
        within_3_years=4,
        within_5_years=4,
    )

    areas = {row[0]: row for row in rows(public(client), "jobs-areas")}

    assert areas["CNC-fräsning"][:5] == ["CNC-fräsning", "10", "11", "12", "16"]


def test_a_municipality_is_hidden_too_when_the_total_would_give_another_away(client, market):
    cells = {(r[0], r[1]): r for r in rows(public(client), "jobs-cells")}

    # Turning: Södertälje has three companies, Huddinge two. The county's 30 is shown, so
    # Södertälje's 20 would give Huddinge's 10 away: both are hidden.
    assert cells[("CNC-svarvning", "Huddinge")][2] == FEWER
    assert cells[("CNC-svarvning", "Södertälje")][2] == sv(
        "Hidden, so that a municipality with fewer answers cannot be worked out from the total"
    )
    assert cells[("CNC-svarvning", "Södertälje")][3] == "16"  # the seats stay


def test_with_enough_companies_everywhere_each_municipality_shows_its_need(client, market):
    for i in range(1, 4):
        NeedAnswerFactory(
            round=market.round,
            organisation=OrganisationFactory(municipality="Huddinge"),
            area=market.turning,
            within_1_year=i,
            within_3_years=i,
            within_5_years=i,
        )

    cells = {(r[0], r[1]): r for r in rows(public(client), "jobs-cells")}

    assert cells[("CNC-svarvning", "Huddinge")][2:6] == ["16", "26", "36", "8"]
    assert cells[("CNC-svarvning", "Södertälje")][2:6] == ["20", "40", "60", "16"]


def test_no_company_is_named_on_the_public_page(client, market):
    html = public(client).content.decode() + public(client, "en").content.decode()

    for organisation in [*market.sodertalje, *market.huddinge]:
        assert organisation.name not in html
    assert "Vi behöver fler" not in html  # nor a company's comment


def test_only_published_programmes_count_in_the_public_seats(client, market):
    market.programme_b.published = False
    market.programme_b.save()

    areas = {row[0]: row for row in rows(public(client), "jobs-areas")}

    assert areas["CNC-svarvning"][4] == "16"
    assert "CNC-operatör Huddinge" not in public(client).content.decode()


def test_the_page_is_in_english_too_and_in_the_menu(client, market):
    response = public(client, "en")
    html = response.content.decode()

    assert "<h1>Where the jobs are</h1>" in html
    assert "Fewer than 3 companies answered" in html
    assert f'href="{url("programs:jobs", lang="en")}"' in html


def test_without_a_round_the_seats_are_shown_alone(client, programme_only):
    html = public(client).content.decode()

    assert (
        sv("The companies have not been asked yet: the seats of the programmes are shown alone.")
        in html
    )


@pytest.fixture
def programme_only(db):
    from tests.factories import CompetenceAreaFactory

    CompetenceAreaFactory(name_sv="CNC-svarvning")


@override_settings(PUBLIC_PAGE_CACHE=True)
def test_the_cached_page_shows_a_new_answer_at_once(client, market, commit):
    assert "CNC-fräsning" in public(client).content.decode()
    first = {row[0]: row for row in rows(public(client), "jobs-areas")}
    assert first["CNC-fräsning"][1] == FEWER

    with commit():
        NeedAnswerFactory(
            round=market.round,
            organisation=OrganisationFactory(municipality="Huddinge"),
            area=market.milling,
            within_1_year=4,
            within_3_years=4,
            within_5_years=4,
        )

    after = {row[0]: row for row in rows(public(client), "jobs-areas")}
    assert after["CNC-fräsning"][1] == "10"


@override_settings(PUBLIC_PAGE_CACHE=True)
def test_the_cached_page_is_served_from_the_cache_until_something_changes(
    client, market, django_assert_max_num_queries
):
    public(client)

    with django_assert_max_num_queries(0):
        public(client)


def test_the_query_count_does_not_grow_with_the_data(client, market, django_assert_max_num_queries):
    from .test_gap import grow

    counts = []
    for size in (1, 12):
        grow(market, size)
        with django_assert_max_num_queries(8) as captured:
            public(client)
        counts.append(len(captured))
    assert counts[0] == counts[1]
