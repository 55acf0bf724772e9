"""Only what the public pages show comes out of the API: published programmes, open offers of
active organisations, active partners, accepted requirements, active areas; never drafts,
closed or past offers, unpublished programmes, inactive organisations, proposed requirements."""

import pytest

from placements.models import Offer
from programs.models import Programme
from tests.api.conftest import SECRET, build_catalogue
from tests.factories import InventoryRoundFactory, NeedAnswerFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def names(client, address, field="name"):
    return [row[field] for row in client.get(address).json()["results"]]


def test_only_open_offers_of_active_organisations(client, catalogue):
    titles = names(client, "/api/v1/offers", "title")
    assert len(titles) == 2
    assert not any(SECRET in title for title in titles)
    # The same set as the HTML list's queryset.
    assert set(titles) == set(Offer.objects.listed().values_list("title", flat=True))


@pytest.mark.parametrize("hidden", ["draft", "closed", "past deadline", "past", "of inactive"])
def test_a_hidden_offer_has_no_detail_either(client, catalogue, hidden):
    offer = Offer.objects.get(title=f"{SECRET} {hidden}")
    assert client.get(f"/api/v1/offers/{offer.pk}").status_code == 404


def test_only_published_programmes(client, catalogue):
    assert names(client, "/api/v1/programmes") == ["Industriteknik 0"]
    hidden = Programme.objects.get(published=False)
    assert client.get(f"/api/v1/programmes/{hidden.slug}").status_code == 404


def test_only_courses_of_published_programmes(client, catalogue):
    assert sorted(names(client, "/api/v1/courses")) == ["Fräsning 0", "Svarvning 0"]


def test_only_active_partners(client, catalogue):
    partners = names(client, "/api/v1/partners")
    assert "Svarv 0 AB" in partners and not any(SECRET in name for name in partners)
    inactive = OrganisationFactory(name="Nedlagd AB", active=False)
    assert client.get(f"/api/v1/partners/{inactive.slug}").status_code == 404


def test_only_active_competence_areas(client, catalogue):
    assert names(client, "/api/v1/competence-areas") == ["CNC-svarvning 0"]


def test_programme_coverage_shows_accepted_requirements_with_gaps(client, catalogue):
    programme = catalogue["programmes"][0]
    body = client.get(f"/api/v1/programmes/{programme.slug}").json()
    assert len(body["requirements"]) == 2  # the proposed one is not public
    covered = [r for r in body["requirements"] if r["covered"]]
    assert len(covered) == 1 and covered[0]["covered_by"] == [programme.courses.get(name="Svarvning 0").code]
    assert body["gaps"] == 1
    assert [c["name"] for c in body["courses"]] == ["Svarvning 0", "Fräsning 0"]
    assert body["intakes"][0]["open_for_applications"] is True


def test_free_places_of_internships_and_of_each_time(client, catalogue):
    offers = {row["kind"]["code"]: row for row in client.get("/api/v1/offers").json()["results"]}
    assert offers["internship"]["places"] == 2 and offers["internship"]["free_places"] == 1
    assert offers["internship"]["times"] == []
    visit = offers["study_visit"]
    assert visit["places"] is None
    assert [(t["capacity"], t["free_places"]) for t in visit["times"]] == [(20, 17)]


def test_filters_match_the_html_lists(client):
    build_catalogue(2)
    assert len(names(client, "/api/v1/offers?kind=study_visit", "title")) == 2
    assert names(client, "/api/v1/offers?company=svarv-1-ab", "title")
    assert all(
        row["organisation"]["slug"] == "svarv-1-ab"
        for row in client.get("/api/v1/offers?company=svarv-1-ab").json()["results"]
    )
    assert names(client, "/api/v1/programmes?provider=teknikgymnasiet-1") == ["Industriteknik 1"]
    assert names(client, "/api/v1/partners?kind=school") == ["Teknikgymnasiet 0", "Teknikgymnasiet 1"]
    assert len(names(client, "/api/v1/partners?role=study_visit_host")) == 2
    assert names(client, "/api/v1/courses?programme=industriteknik-1") == ["Fräsning 1", "Svarvning 1"]
    # A school with no listed programme is not a choice of the HTML filter either: 400.
    assert client.get("/api/v1/programmes?provider=no-such-school").status_code == 400


def test_demand_supply_hides_needs_from_fewer_than_three_companies(client, catalogue):
    round_ = InventoryRoundFactory(title="Behov 2026")
    area = catalogue["programmes"][0].courses.get(name="Svarvning 0").areas.get()
    for n in range(2):
        NeedAnswerFactory(round=round_, area=area, organisation=OrganisationFactory(name=f"Behov {n} AB"))
    body = client.get("/api/v1/demand-supply").json()
    assert body["round"] == {"title": "Behov 2026", "year": round_.year}
    (cell,) = body["areas"]
    assert cell["need_1"] is None and cell["hidden_because"] == "few"
    NeedAnswerFactory(round=round_, area=area, organisation=OrganisationFactory(name="Behov 3 AB"))
    (cell,) = client.get("/api/v1/demand-supply").json()["areas"]
    assert cell["need_1"] is not None and cell["hidden_because"] is None
    assert "companies" not in cell
