"""Searching offers understands Swedish on PostgreSQL: prefixes and inflections."""

import pytest
from django.db import connection

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
