"""Rounds in admin: listed and readable by leads; admin adds none (the portal's pages do)."""

import pytest
from django.urls import reverse

from .helpers import make_round

pytestmark = pytest.mark.django_db


def test_leads_list_and_read_rounds_in_admin_but_add_none(client, lead, school, teacher):
    round_ = make_round(school, teacher)
    client.force_login(lead)
    listing = client.get(reverse("admin:rounds_round_changelist"))
    assert listing.status_code == 200 and round_.title in listing.content.decode()
    assert client.get(reverse("admin:rounds_round_change", args=[round_.pk])).status_code == 200
    assert client.get(reverse("admin:rounds_round_add")).status_code == 403
