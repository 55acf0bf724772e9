"""Searching offers understands Swedish on PostgreSQL: prefixes and inflections."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import OfferFactory
from tests.helpers import url

pytestmark = pytest.mark.django_db


def titles(response):
    return [offer.title for offer in response.context["page"].object_list]


@pytest.fixture
def offers(company, company2):
    OfferFactory(
        organisation=company, title="Praktik i fräsavdelningen", description="Femaxlig fräsning."
    )
    OfferFactory(
        organisation=company2, title="Svarvare sökes", description="CNC-svarvning i korta serier."
    )
    OfferFactory(organisation=company2, title="Lager och logistik", description="Truckkort krävs.")


def test_search_finds_words_in_title_description_and_company(client, offers, company2):
    assert titles(client.get(url("placements:offer_list"), {"q": "svarvning"})) == [
        "Svarvare sökes"
    ]
    found = titles(client.get(url("placements:offer_list"), {"q": company2.name}))
    assert sorted(found) == ["Lager och logistik", "Svarvare sökes"]
    assert titles(client.get(url("placements:offer_list"), {"q": "'&|!:*("})) != []  # no 500


def test_swedish_prefixes_and_inflections(client, offers):
    if connection.vendor != "postgresql":
        pytest.skip("stemming and prefix search need PostgreSQL's Swedish configuration")
    assert titles(client.get(url("placements:offer_list"), {"q": "svarv"})) == ["Svarvare sökes"]
    assert titles(client.get(url("placements:offer_list"), {"q": "fräsningen"})) == [
        "Praktik i fräsavdelningen"
    ]


def searched(client, text):
    """Titles found for `text`, from the page itself (not a cached copy of an earlier answer)."""
    cache.clear()
    return titles(client.get(url("placements:offer_list"), {"q": text}))


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="ranking on the stored, weighted vector needs PostgreSQL; run with DATABASE_URL=postgres://…",
)


@postgres_only
def test_a_word_in_the_title_ranks_above_the_same_word_in_the_description(client, company):
    # Stored weights: title A, description C. The description-only match says it more often
    # and is newer (the list's own order would put it first).
    OfferFactory(organisation=company, title="Hydraulik och montering", description="Montör.")
    OfferFactory(
        organisation=company,
        title="Montör i verkstaden",
        description="Hydraulik i teori, hydraulik i praktik, hydraulik i service.",
    )
    assert searched(client, "hydraulik") == [
        "Hydraulik och montering",
        "Montör i verkstaden",
    ]


@postgres_only
def test_an_edited_offer_and_a_renamed_company_are_found_by_their_new_words(client, company):
    offer = OfferFactory(organisation=company, title="Lagerarbete", description="Truck.")
    assert searched(client, "plåtslageri") == []
    offer.title = "Plåtslageri"
    offer.save()
    assert searched(client, "plåtslageri") == ["Plåtslageri"]
    company.name = "Gnesta Gjuteri AB"
    company.save()
    assert searched(client, "gjuteri") == ["Plåtslageri"]


@postgres_only
def test_the_company_name_matches_but_not_the_company_description(client, company):
    company.description = "Vi gjuter aluminium."
    company.save()
    OfferFactory(organisation=company, title="Lagerarbete", description="Truck.")
    assert searched(client, "aluminium") == []
    assert searched(client, "precision") == ["Lagerarbete"]


def test_the_search_page_costs_the_same_queries_at_two_sizes(client, company, company2):
    def queries_for_search():
        cache.clear()  # the page itself, not a cached copy
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url("placements:offer_list"), {"q": "fräsning"})
        assert response.status_code == 200
        return len(captured.captured_queries), response.context["total"]

    for organisation in (company, company2):
        OfferFactory.create_batch(2, organisation=organisation)
    few, total = queries_for_search()
    assert total == 4
    for organisation in (company, company2):
        OfferFactory.create_batch(20, organisation=organisation)
    many, total = queries_for_search()
    assert total == 44
    assert many == few
    assert few <= 6
