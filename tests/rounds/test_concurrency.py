"""Rounds under concurrent requests (PostgreSQL row locks): two members of a company confirming
the same student at the same moment make one placement; staff placing two students by hand
into the last free seat at once place one."""

import pytest
from django.db import connection

from placements.models import Application
from placements.rounds import services
from placements.rounds.models import Allocation, AllocationStatus
from tests.conftest import require
from tests.factories import OfferFactory
from tests.helpers import all_at_once, outcomes

from .helpers import confirmed_student, open_round, rank

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgres_only():
    require(
        connection.vendor == "postgresql",
        "concurrency tests need PostgreSQL (row locks, concurrent writers; SQLite locks the "
        "whole database file)",
    )


def test_two_members_confirming_one_student_make_one_placement(
    school, teacher, company, rep, colleague
):
    student = confirmed_student(school, teacher, email="elsa.r@example.org")
    offer = OfferFactory(organisation=company, places=1)
    round_ = open_round(school, teacher, [student], [offer])
    rank(student, round_, offer)
    services.run_allocation(round_id=round_.pk, user=teacher)
    allocation = Allocation.objects.get(round_student__round=round_)

    results = all_at_once(
        lambda member: services.confirm_student(user=member, allocation_id=allocation.pk),
        [rep, colleague],
    )

    assert outcomes(results) == ["ok", "refused"]
    assert Application.objects.filter(student=student, offer=offer).count() == 1
    assert Allocation.objects.get(pk=allocation.pk).status == AllocationStatus.CONFIRMED


def test_two_students_placed_by_hand_into_the_last_seat_one_gets_it(school, teacher, company, rep):
    students = [confirmed_student(school, teacher, email=f"hand{n}@example.org") for n in range(3)]
    wanted = OfferFactory(organisation=company, places=1, title="Eftertraktad")
    spare = OfferFactory(organisation=company, places=1, title="Reserv")
    round_ = open_round(school, teacher, students, [wanted, spare])
    for student in students:
        rank(student, round_, wanted)
    services.run_allocation(round_id=round_.pk, user=teacher)
    unplaced = list(services.unplaced(round_))
    assert len(unplaced) == 2
    seat = round_.places.get(offer=spare)

    results = all_at_once(
        lambda allocation: services.place_by_hand(
            user=teacher,
            round_id=round_.pk,
            allocation_id=allocation.pk,
            place_id=seat.pk,
            reason="Bor nära",
        ),
        unplaced,
    )

    assert outcomes(results) == ["ok", "refused"]
    assert Allocation.objects.filter(place=seat).count() == 1
