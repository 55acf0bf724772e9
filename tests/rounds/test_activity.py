"""Each step of a round writes its activity entry (college_portal.activity), in the service's
transaction: created, opened, allocated (seed and algorithm version), placed by hand (with the
reason), a company's capacity confirmation, an allocated student confirmed or declined."""

import pytest

from college_portal.activity import actions
from college_portal.activity.models import ActivityEntry
from placements.rounds import services
from tests.factories import OfferFactory

from .helpers import confirmed_student, open_round, rank

pytestmark = pytest.mark.django_db


def entries(action):
    return list(ActivityEntry.objects.filter(action=action))


@pytest.fixture
def two_students(school, teacher):
    return [
        confirmed_student(school, teacher, full_name=f"Elev {n}", email=f"e{n}@example.org")
        for n in (1, 2)
    ]


@pytest.fixture
def offer(company, rep):
    return OfferFactory(organisation=company, title="CNC hos LK", places=1)


def test_a_round_from_creation_to_confirmation_is_logged(
    school, teacher, company, rep, two_students, offer
):
    round_ = open_round(school, teacher, two_students, [offer], [1])

    (created,) = entries(actions.ROUND_CREATED)
    assert (created.actor, created.obj, created.organisation_id) == (teacher, round_, school.pk)
    assert created.data == {"title": round_.title}
    (capacity,) = entries(actions.ROUND_CAPACITY_CONFIRMED)
    assert capacity.actor == rep
    assert capacity.organisation_id == company.pk
    assert capacity.data == {"capacity": [None, 1]}
    (opened,) = entries(actions.ROUND_OPENED)
    assert opened.obj == round_
    assert opened.data == {"status": ["draft", "open"]}

    for student in two_students:
        rank(student, round_, offer)
    round_ = services.run_allocation(round_id=round_.pk, user=teacher)
    (allocated,) = entries(actions.ROUND_ALLOCATED)
    assert allocated.actor == teacher
    assert allocated.data == {
        "seed": round_.seed,
        "algorithm_version": round_.algorithm_version,
        "automatic": False,
    }

    held = round_.places.get().allocations.get()
    services.decline_student(user=rep, allocation_id=held.pk, reason="Ingen handledare")
    (declined,) = entries(actions.ROUND_STUDENT_DECLINED)
    assert (declined.actor, declined.obj, declined.organisation_id) == (rep, held, company.pk)
    assert declined.data["reason"] == "Ingen handledare"

    other = services.unplaced(round_).exclude(pk=held.pk).get()
    services.place_by_hand(
        user=teacher,
        round_id=round_.pk,
        allocation_id=other.pk,
        place_id=held.place_id,
        reason="Bor nära",
    )
    (by_hand,) = entries(actions.ROUND_PLACED_BY_HAND)
    assert by_hand.obj == round_
    assert by_hand.data == {"place": held.place_id, "reason": "Bor nära"}

    services.confirm_student(user=rep, allocation_id=other.pk)
    (confirmed,) = entries(actions.ROUND_STUDENT_CONFIRMED)
    assert (confirmed.actor, confirmed.obj, confirmed.organisation_id) == (rep, other, company.pk)


def test_the_nightly_allocation_is_logged_without_an_actor(
    school, teacher, two_students, offer, rep
):
    from datetime import timedelta

    from django.utils import timezone

    round_ = open_round(school, teacher, two_students, [offer], [1])
    round_.choices_deadline = timezone.localdate() - timedelta(days=1)
    round_.save(update_fields=["choices_deadline"])
    assert services.allocate_due_rounds() == 1
    (entry,) = entries(actions.ROUND_ALLOCATED)
    assert entry.actor is None
    assert entry.data["automatic"] is True
