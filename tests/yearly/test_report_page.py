"""The year's report page: every criterion in Teknikcollege's order with its evidence, a clear
line where the portal holds none, the assessment with its writer and history; bad years are
404; the number of queries does not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from college_portal.yearly.models import CriterionAssessment
from tests.factories import OrganisationFactory
from tests.helpers import page, post, url
from tests.yearly.conftest import LAST_YEAR, THIS_YEAR, evidence_of_year

pytestmark = pytest.mark.django_db

SWEDISH_NAMES = [
    "Kvalitetssäkrad process",
    "Regional samverkan",
    "Organisation och styrning",
    "Industrins kompetensbehov",
    "Utbildningar och dimensionering",
    "Kreativ och stimulerande lärmiljö",
    "Utbildning inom Teknikcollege",
    "Arbetslivets medverkan i utbildningen",
]


def test_every_criterion_is_a_section_with_its_heading_and_accessible_tables(lead_client, two_years):
    document = page(lead_client.get(url("yearly:detail", LAST_YEAR)))

    sections = document.find_all("section", cls="criterion")
    headings = [s.find("h2").text for s in sections]
    assert headings == [f"{n}. {name}" for n, name in enumerate(SWEDISH_NAMES, start=1)]
    for section in sections:
        assert section.attrs["aria-labelledby"] == section.find("h2").attrs["id"]
        for table in section.find_all("table"):
            assert table.find("caption").text
            assert all(th.attrs.get("scope") == "col" for th in table.find("thead").find_all("th"))
    # Where the portal holds nothing (quality process, learning environment, education within
    # the college), the section says so instead of showing an empty table.
    for number in (1, 6, 7):
        text = sections[number - 1].text
        assert "Inget underlag registrerat i portalen för detta kriterium." in text
        assert sections[number - 1].find("table") is None
    assert "Inget underlag" not in sections[1].text


def test_the_page_is_in_english_under_en(lead_client, two_years):
    document = page(lead_client.get(url("yearly:detail", LAST_YEAR, lang="en")))

    headings = [s.find("h2").text for s in document.find_all("section", cls="criterion")]
    assert headings[1] == "2. Regional collaboration"
    assert headings[7] == "8. Working life's participation in education"
    captions = [c.text for c in document.find_all("caption")]
    assert f"Partnership agreements (samverkansavtal) valid during {LAST_YEAR}" in captions


@pytest.mark.parametrize("year", ["1999", "0", "99999", str(THIS_YEAR + 1), "2100"])
def test_a_year_no_report_can_be_about_is_not_found(lead_client, year):
    assert lead_client.get(f"/sv/arsrapport/{year}/").status_code == 404
    assert lead_client.get(f"/sv/arsrapport/{year}/?format=pdf").status_code == 404
    assert lead_client.post(f"/sv/arsrapport/{year}/frys/", {"confirm": "on"}).status_code == 404
    assert lead_client.post(f"/sv/arsrapport/{year}/kriterium-2/bedomning/").status_code == 404


@pytest.mark.parametrize("path", ["abc", "2025x", "-1", "20 25", "%00"])
def test_a_year_that_is_not_a_number_is_not_found(lead_client, path):
    assert lead_client.get(f"/sv/arsrapport/{path}/").status_code in (400, 404)


@pytest.mark.parametrize("criterion", [0, 9, 123])
def test_an_unknown_criterion_is_not_found(lead_client, criterion):
    response = lead_client.post(url("yearly:assess", LAST_YEAR, criterion), {"c9-text": "x"})
    assert response.status_code == 404
    assert not CriterionAssessment.objects.exists()


def test_the_year_list_offers_this_year_and_earlier_years_with_data(lead_client, two_years):
    document = page(lead_client.get(url("yearly:list")))

    links = [a.text for a in document.find("table").find_all("a")]
    assert links == [f"Årsrapport {THIS_YEAR}", f"Årsrapport {LAST_YEAR}"]


def test_the_year_list_with_no_data_offers_this_year(lead_client):
    document = page(lead_client.get(url("yearly:list")))
    assert [a.text for a in document.find("table").find_all("a")] == [f"Årsrapport {THIS_YEAR}"]


def test_a_lead_writes_an_assessment_and_the_earlier_version_stays(lead_client, lead):
    address = url("yearly:assess", LAST_YEAR, 3)

    first = post(lead_client, address, {"c3-text": "Styrgruppen har företagsmajoritet."})
    post(lead_client, address, {"c3-text": "Styrgruppen har företagsmajoritet och\nen ordförande från industrin."})  # fmt: skip
    same = post(lead_client, address, {"c3-text": "Styrgruppen har företagsmajoritet och\nen ordförande från industrin."})  # fmt: skip

    assert first.status_code == 302
    assert first["Location"] == url("yearly:detail", LAST_YEAR) + "#criterion-3"
    assert first.shown == ["Bedömningen har sparats."]
    assert same.shown == ["Bedömningen ändrades inte."]
    assert CriterionAssessment.objects.filter(year=LAST_YEAR, criterion=3).count() == 2
    section = page(lead_client.get(url("yearly:detail", LAST_YEAR))).find(id="criterion-3")
    shown = section.find("div", cls="assessment")
    assert shown.text == "Styrgruppen har företagsmajoritet och en ordförande från industrin."
    assert "Skriven av Anna Holm" in section.text
    history = section.find("details")
    assert history.find("summary").text == "En tidigare version"
    assert "Styrgruppen har företagsmajoritet." in history.text
    # The form holds the current text, labelled with its criterion.
    textarea = section.find("textarea")
    assert "ordförande från industrin" in textarea.text
    label = section.find("label", **{"for": textarea.attrs["id"]})
    assert label.text == "Styrgruppens bedömning av Organisation och styrning"
    # Another year, another criterion: untouched.
    other = page(lead_client.get(url("yearly:detail", THIS_YEAR))).find(id="criterion-3")
    assert "Ingen bedömning skriven ännu." in other.text


def test_a_too_long_assessment_is_refused_with_a_message(lead_client):
    response = lead_client.post(url("yearly:assess", LAST_YEAR, 2), {"c2-text": "x" * 20_001})

    assert response.status_code == 200
    document = page(response)
    summary = document.find("div", cls="error-summary")
    assert "Styrgruppens bedömning av Regional samverkan: " in summary.text
    assert "20000 tecken (den har 20001)" in summary.text.replace("\xa0", "").replace(" 000", "000")
    assert not CriterionAssessment.objects.exists()


def _queries(client, year):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url("yearly:detail", year))
    assert response.status_code == 200
    return len(captured)


def test_the_number_of_queries_does_not_grow_with_the_data(
    lead_client, company, school, regional_group, django_assert_max_num_queries
):
    evidence_of_year(LAST_YEAR, company=company, school=school, group=regional_group, tag="A")
    post(lead_client, url("yearly:assess", LAST_YEAR, 2), {"c2-text": "Första."})
    post(lead_client, url("yearly:assess", LAST_YEAR, 2), {"c2-text": "Andra."})
    small = _queries(lead_client, LAST_YEAR)

    for n in range(5):
        other = OrganisationFactory(name=f"Verkstad {n} AB")
        evidence_of_year(LAST_YEAR, company=other, school=school, group=regional_group, tag=f"X{n}")
    for n in range(3):
        post(lead_client, url("yearly:assess", LAST_YEAR, 5), {"c5-text": f"Version {n}."})

    with django_assert_max_num_queries(small):
        response = lead_client.get(url("yearly:detail", LAST_YEAR))
    assert response.content.decode().count("Praktik X") == 0  # offers are counted, not listed
    assert "Verkstad 4 AB" in response.content.decode()
