"""The project lead's organisation list answers 'how many offers has this partner made?'."""

import re

import pytest
from django.urls import reverse

from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db


def test_organisation_changelist_counts_each_partners_offers(client, lead, company, company2):
    OfferFactory.create_batch(3, organisation=company)
    OfferFactory(organisation=company2)
    client.force_login(lead)
    page = client.get(reverse("admin:partners_organisation_changelist")).content.decode()
    cells = dict(
        re.findall(
            r'<a href="[^"]*/(\d+)/change/[^"]*">[^<]*</a>.*?field-offer_count">(\d+)<', page, re.S
        )
    )
    assert cells[str(company.pk)] == "3"
    assert cells[str(company2.pk)] == "1"
