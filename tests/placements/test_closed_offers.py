"""A closed offer stays readable for the students who applied, not for anyone else; the
representative's dashboard lists published offers before drafts and closed ones."""

import pytest

from placements.models import OfferStatus
from tests.factories import ApplicationFactory, OfferFactory
from tests.helpers import url

pytestmark = pytest.mark.django_db


def test_applicant_still_sees_a_closed_offer_others_do_not(client, offer, student, student2):
    ApplicationFactory(offer=offer, student=student)
    offer.status = OfferStatus.CLOSED
    offer.save()

    client.force_login(student)
    response = client.get(url("placements:offer_detail", offer.pk))
    assert response.status_code == 200
    assert offer.title in response.content.decode()

    client.force_login(student2)
    assert client.get(url("placements:offer_detail", offer.pk)).status_code == 404
    client.logout()
    assert client.get(url("placements:offer_detail", offer.pk)).status_code == 404


def test_dashboard_lists_published_before_drafts_and_closed(client, rep, company):
    closed = OfferFactory(
        organisation=company, title="Stängd svarvplats", status=OfferStatus.CLOSED
    )
    draft = OfferFactory(organisation=company, title="Utkast fräsplats", status=OfferStatus.DRAFT)
    published = OfferFactory(organisation=company, title="Publicerad mätplats")
    client.force_login(rep)
    page = client.get(url("dashboard")).content.decode()
    positions = [page.index(o.title) for o in (published, draft, closed)]
    assert positions == sorted(positions)


def test_dashboard_shows_at_most_25_offers_and_says_how_many_there_are(
    client, rep, company, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    OfferFactory.create_batch(3, organisation=company)
    client.force_login(rep)
    client.get(url("dashboard", lang="en"))
    with CaptureQueriesContext(connection) as few:
        client.get(url("dashboard", lang="en"))
    OfferFactory.create_batch(27, organisation=company)
    # 13: one of them is the allocation rounds' panel (the company's places in rounds).
    with django_assert_max_num_queries(13), CaptureQueriesContext(connection) as many:
        page = client.get(url("dashboard", lang="en")).content.decode()
    assert page.count("/offers/") >= 25
    assert "Showing the 25 offers that need attention first, of 30." in page
    # The same number of queries for 3 offers as for 30 (the total is counted with the page).
    assert len(many) == len(few)


def test_applicants_page_is_paginated_with_undecided_first(client, rep, company):
    from placements.models import ApplicationStatus

    offer = OfferFactory(organisation=company, places=60)
    for _ in range(55):
        ApplicationFactory(offer=offer, status=ApplicationStatus.ACCEPTED)
    newest = ApplicationFactory(offer=offer, status=ApplicationStatus.SUBMITTED)
    client.force_login(rep)
    first = client.get(url("placements:applicants", offer.pk)).content.decode()
    assert first.count("badge-warn") >= 1  # the one to decide is on the first page
    assert str(newest.student) in first
    assert "page=2" in first
    second = client.get(url("placements:applicants", offer.pk) + "?page=2")
    assert second.status_code == 200
    assert str(newest.student) not in second.content.decode()
