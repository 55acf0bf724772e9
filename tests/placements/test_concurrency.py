"""Scarce places under concurrent requests (PostgreSQL): many people booking the last place
of a study-visit time at the same moment, and two representatives accepting two students for
an internship's last place at the same moment. Exactly one wins; nothing is overbooked.

Each thread has its own database connection (closed at its end), as each request would.
"""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from placements import selectors, services
from placements.models import Application, ApplicationStatus, Booking, Slot, StatusChange
from tests.conftest import require
from tests.factories import (
    ApplicationFactory,
    MembershipFactory,
    OfferFactory,
    SlotFactory,
    UserFactory,
)
from tests.helpers import all_at_once, outcomes

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 24


@pytest.fixture(autouse=True)
def postgres_only():
    require(
        connection.vendor == "postgresql",
        "concurrency tests need PostgreSQL (row locks, concurrent writers; SQLite locks the "
        "whole database file)",
    )


def test_many_students_book_the_last_place_exactly_one_gets_it(company):
    slot = SlotFactory(offer=OfferFactory(organisation=company, study_visit=True), capacity=20)
    Slot.objects.filter(pk=slot.pk).update(places_taken=19)
    students = [UserFactory(email=f"elev{i}@example.org") for i in range(THREADS)]

    results = all_at_once(lambda s: services.book(user=s, slot_id=slot.pk), students)

    assert outcomes(results) == ["ok"] + ["refused"] * (THREADS - 1), results
    slot.refresh_from_db()
    assert slot.places_taken == slot.capacity == 20
    [booking] = Booking.objects.all()
    winner = next(value for kind, value in results if kind == "ok")
    assert booking == winner
    assert StatusChange.objects.filter(booking__isnull=False).count() == 1
    # Only the winner is told about a booking.
    assert [m.to for m in mail.outbox] == [[winner.booked_by.email]]
    refusals = {tuple(value) for kind, value in results if kind == "refused"}
    assert len(refusals) == 1  # all told the same: no place left


def test_many_classes_never_overbook_a_time(company, school):
    slot = SlotFactory(offer=OfferFactory(organisation=company, study_visit=True), capacity=20)
    teachers = [
        MembershipFactory(
            organisation=school, user__email=f"larare{i}@example.org", user__role="school_staff"
        ).user
        for i in range(THREADS)
    ]

    results = all_at_once(
        lambda t: services.book(
            user=t, slot_id=slot.pk, group_size=6, class_name="TE", teacher_contact="x"
        ),
        teachers,
    )

    # 20 places, classes of 6: three fit, and no one gets the 2 left over.
    assert outcomes(results) == ["ok"] * 3 + ["refused"] * (THREADS - 3), results
    slot.refresh_from_db()
    assert slot.places_taken == 18
    assert sum(b.group_size for b in Booking.objects.all()) == 18


def test_two_representatives_accept_for_the_last_place_exactly_one_succeeds(
    company, rep, colleague
):
    rounds = 5
    for _round in range(rounds):
        offer = OfferFactory(organisation=company, places=1)
        first, second = ApplicationFactory.create_batch(2, offer=offer)

        results = all_at_once(
            lambda pair: services.decide(
                user=pair[0], application_id=pair[1].pk, decision="accept"
            ),
            [(rep, first), (colleague, second)],
        )

        assert outcomes(results) == ["ok", "refused"], results
        statuses = sorted(Application.objects.filter(offer=offer).values_list("status", flat=True))
        assert statuses == [ApplicationStatus.ACCEPTED, ApplicationStatus.SUBMITTED]
        assert (
            StatusChange.objects.filter(
                application__offer=offer, to_status=ApplicationStatus.ACCEPTED
            ).count()
            == 1
        )
    # One decision e-mail per round: to the accepted student only.
    assert len(mail.outbox) == rounds


def test_accepting_while_another_declines_keeps_the_count(company, rep, colleague):
    """Declining an accepted student and accepting another at once: never two accepted."""
    offer = OfferFactory(organisation=company, places=1)
    accepted = ApplicationFactory(offer=offer, status="accepted")
    waiting = ApplicationFactory(offer=offer, status="waitlisted")

    results = all_at_once(
        lambda pair: services.decide(user=pair[0], application_id=pair[1].pk, decision=pair[2]),
        [(rep, accepted, "decline"), (colleague, waiting, "accept")],
    )

    filled = Application.objects.filter(offer=offer, status=ApplicationStatus.ACCEPTED).count()
    assert filled <= 1
    assert all(kind in ("ok", "refused") for kind, _value in results), results


def test_a_double_click_on_book_makes_one_booking_and_no_error(company, student):
    slot = SlotFactory(offer=OfferFactory(organisation=company, study_visit=True), capacity=20)

    for _round in range(5):
        results = all_at_once(lambda s: services.book(user=s, slot_id=slot.pk), [student] * 2)
        assert outcomes(results) == ["ok", "refused"], results
        slot.refresh_from_db()
        assert slot.places_taken == 1
        booking = Booking.objects.get(status="confirmed")
        services.cancel_booking(user=student, booking_id=booking.pk)


def test_a_double_click_on_apply_makes_one_application_and_no_error(company):
    for _round in range(5):
        offer = OfferFactory(organisation=company)
        student = UserFactory()

        results = all_at_once(
            lambda s, offer=offer: services.apply(
                student=s, offer_id=offer.pk, motivation="Jag vill gärna lära mig."
            ),
            [student] * 2,
        )

        assert outcomes(results) == ["ok", "refused"], results
        assert Application.objects.filter(offer=offer).count() == 1


def test_editing_a_visits_times_while_students_book_loses_no_booking(company, rep):
    """Representatives save the offer form (its times validated first, then saved) while
    students book: every booking stays counted and no time is overbooked."""
    from django.db import transaction

    from placements.forms import SlotFormSet

    offer = OfferFactory(organisation=company, study_visit=True)
    slot = SlotFactory(offer=offer, capacity=12)
    students = [UserFactory(email=f"bokare{i}@example.org") for i in range(12)]

    def edit(minutes):
        start = timezone.localtime(slot.starts_at)
        data = {
            "slots-TOTAL_FORMS": 1,
            "slots-INITIAL_FORMS": 1,
            "slots-MIN_NUM_FORMS": 0,
            "slots-MAX_NUM_FORMS": 20,
            "slots-0-id": slot.pk,
            "slots-0-offer": offer.pk,
            "slots-0-starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "slots-0-ends_at": (start + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M"),
            "slots-0-capacity": 12,
        }
        formset = SlotFormSet(data, instance=offer, prefix="slots")
        assert formset.is_valid(), formset.errors
        time.sleep(0.05)  # the moment between checking the form and saving it
        with transaction.atomic():
            services.save_slots(user=rep, offer=offer, **formset.changes())
        return minutes

    work = [("book", s) for s in students] + [("edit", 90 + i) for i in range(6)]
    results = all_at_once(
        lambda item: (
            services.book(user=item[1], slot_id=slot.pk) if item[0] == "book" else edit(item[1])
        ),
        work,
    )

    assert all(kind == "ok" for kind, _value in results), results
    slot.refresh_from_db()
    confirmed = Booking.objects.filter(slot=slot, status="confirmed").count()
    assert slot.places_taken == confirmed == 12


def test_lowering_capacity_while_students_book_never_overbooks(company, rep):
    offer = OfferFactory(organisation=company, study_visit=True)
    slot = SlotFactory(offer=offer, capacity=20)
    students = [UserFactory(email=f"elev-kap{i}@example.org") for i in range(16)]

    def lower(capacity):
        values = {"starts_at": slot.starts_at, "ends_at": slot.ends_at, "capacity": capacity}
        return services.save_slots(user=rep, offer=offer, changed=[(slot.pk, values)])

    work = [("book", s) for s in students] + [("lower", 8)]
    results = all_at_once(
        lambda item: (
            services.book(user=item[1], slot_id=slot.pk) if item[0] == "book" else lower(item[1])
        ),
        work,
    )

    slot.refresh_from_db()
    confirmed = Booking.objects.filter(slot=slot, status="confirmed").count()
    assert slot.places_taken == confirmed <= slot.capacity
    assert all(kind in ("ok", "refused") for kind, _value in results), results


def test_two_companies_accepting_one_student_for_overlapping_periods_one_succeeds(
    company, company2, rep, rep2, student, monkeypatch
):
    check = selectors.overlapping_placements

    class Slowly:
        """The overlap check, then a pause before the acceptance is written: the widest
        window for the other company's acceptance to slip in."""

        def __init__(self, application):
            self.found = check(application).first()

        def first(self):
            time.sleep(0.2)
            return self.found

    monkeypatch.setattr(selectors, "overlapping_placements", Slowly)
    for _round in range(3):
        mine = ApplicationFactory(offer=OfferFactory(organisation=company), student=student)
        theirs = ApplicationFactory(offer=OfferFactory(organisation=company2), student=student)

        results = all_at_once(
            lambda pair: services.decide(
                user=pair[0], application_id=pair[1].pk, decision="accept"
            ),
            [(rep, mine), (rep2, theirs)],
        )

        assert outcomes(results) == ["ok", "refused"], results
        Application.objects.filter(pk__in=[mine.pk, theirs.pk]).update(status="withdrawn")
