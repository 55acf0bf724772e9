"""The offers' activity log: what a company and the project leads read afterwards about who
published, closed, copied and changed an offer's capacity, dates and times."""

from datetime import timedelta

import pytest
from django.utils import timezone

from college_portal.activity import actions
from college_portal.activity.models import ActivityEntry
from placements import services
from placements.models import Offer, Slot
from tests.factories import OfferFactory, SlotFactory
from tests.helpers import url

pytestmark = pytest.mark.django_db


def entries(action):
    return list(ActivityEntry.objects.filter(action=action).order_by("pk"))


def test_publishing_closing_and_copying_are_logged_for_the_company(rep, company):
    offer = OfferFactory(organisation=company, draft=True)

    services.publish_offer(user=rep, offer_id=offer.pk)
    services.close_offer(user=rep, offer_id=offer.pk)
    copy = services.copy_offer(user=rep, offer_id=offer.pk)

    [published] = entries(actions.OFFER_PUBLISHED)
    [closed] = entries(actions.OFFER_CLOSED)
    [copied] = entries(actions.OFFER_COPIED)
    assert (published.actor, published.obj, published.organisation_id) == (rep, offer, company.pk)
    assert published.data == {"status": ["draft", "published"]}
    assert closed.data == {"status": ["published", "closed"]}
    assert copied.obj == copy and copied.data == {"copied_from": offer.pk}


def test_editing_capacity_and_dates_is_logged_with_old_and_new(client, rep, offer):
    client.force_login(rep)
    old_deadline = offer.application_deadline
    new_deadline = old_deadline + timedelta(days=3)
    data = {
        "title": offer.title,
        "description": offer.description,
        "municipality": offer.municipality,
        "places": 5,
        "application_deadline": new_deadline.isoformat(),
        "period_start": offer.period_start.isoformat(),
        "period_end": offer.period_end.isoformat(),
        "contact_name": offer.contact_name,
        "contact_email": offer.contact_email,
        "kind": offer.kind,
        "slots-TOTAL_FORMS": 0,
        "slots-INITIAL_FORMS": 0,
        "slots-MIN_NUM_FORMS": 0,
        "slots-MAX_NUM_FORMS": 20,
    }

    assert client.post(url("placements:offer_edit", offer.pk), data).status_code == 302

    [edited] = entries(actions.OFFER_EDITED)
    assert edited.actor == rep
    assert edited.data == {
        "places": [2, 5],
        "application_deadline": [old_deadline.isoformat(), new_deadline.isoformat()],
    }


def test_a_times_capacity_change_is_logged(rep, visit):
    slot = SlotFactory(offer=visit, capacity=20)
    values = {"starts_at": slot.starts_at, "ends_at": slot.ends_at, "capacity": 12}

    services.save_slots(user=rep, offer=visit, changed=[(slot.pk, values)])

    [changed] = entries(actions.OFFER_SLOT_CHANGED)
    assert changed.data == {"slot": slot.pk, "capacity": [20, 12]}
    assert Slot.objects.get(pk=slot.pk).capacity == 12


def test_a_refused_change_leaves_no_entry(rep, visit):
    slot = SlotFactory(offer=visit, capacity=20)
    Slot.objects.filter(pk=slot.pk).update(places_taken=15)
    values = {"starts_at": slot.starts_at, "ends_at": slot.ends_at, "capacity": 12}

    with pytest.raises(Exception):  # noqa: B017  (refused: a ValidationError)
        services.save_slots(user=rep, offer=visit, changed=[(slot.pk, values)])

    assert entries(actions.OFFER_SLOT_CHANGED) == []


def test_closing_at_the_last_day_is_logged_as_done_by_the_portal(company):
    offer = OfferFactory(organisation=company)
    Offer.objects.filter(pk=offer.pk).update(
        application_deadline=timezone.localdate() - timedelta(days=1)
    )

    services.close_passed_offers()

    [closed] = entries(actions.OFFER_CLOSED)
    assert closed.actor is None and closed.data["automatic"] is True


def test_the_log_names_the_offer_and_its_statuses_in_the_readers_language(rep, company):
    from django.utils import translation

    offer = OfferFactory(organisation=company, title="Praktik i svarvning")
    services.close_offer(user=rep, offer_id=offer.pk)

    [closed] = entries(actions.OFFER_CLOSED)
    assert closed.object_repr == "Praktik i svarvning"
    with translation.override("sv"):
        assert closed.details() == ["status: Publicerad → Stängd"]
    with translation.override("en"):
        assert closed.details() == ["status: Published → Closed"]
