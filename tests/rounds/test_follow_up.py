"""A decline frees the place for a second, smaller round: staff start a follow-up round from
an allocated round; it holds the students still without a place and the seats still free."""

from datetime import timedelta

import pytest
from django.utils import timezone

from college_portal.activity import actions
from college_portal.activity.models import ActivityEntry
from placements.rounds import services
from placements.rounds.models import Round, RoundStatus
from tests.factories import MembershipFactory, OfferFactory, OrganisationFactory
from tests.helpers import url

from .helpers import confirmed_student, open_round, rank

pytestmark = pytest.mark.django_db


@pytest.fixture
def allocated(school, teacher, company, company2, rep, rep2):
    """Three students, LK (1 seat) and Huddinge (1 seat): everyone ranks LK first."""
    lk = OfferFactory(organisation=company, title="CNC hos LK", places=1)
    hud = OfferFactory(organisation=company2, title="Fräsning i Huddinge", places=1)
    students = [
        confirmed_student(school, teacher, full_name=f"Elev {n}", email=f"e{n}@example.org")
        for n in range(1, 4)
    ]
    round_ = open_round(school, teacher, students, [lk, hud])
    for student in students:
        rank(student, round_, lk, hud)
    return services.run_allocation(round_id=round_.pk, user=teacher)


def form_data(**extra):
    today = timezone.localdate()
    return {
        "title": "APL vt TE23A, omgång 2",
        "choices_deadline": (today + timedelta(days=5)).isoformat(),
        "confirmation_deadline": (today + timedelta(days=2)).isoformat(),
        **extra,
    }


def test_after_a_decline_the_follow_up_round_holds_that_student_and_that_seat(
    client, teacher, rep, allocated
):
    parent = allocated
    lk = parent.places.get(offer__title="CNC hos LK")
    declined = lk.allocations.get()
    services.decline_student(user=rep, allocation_id=declined.pk, reason="Ingen handledare")
    never_placed = services.unplaced(parent).exclude(pk=declined.pk).get()

    client.force_login(teacher)
    page = client.get(url("rounds:detail", parent.pk)).content.decode()
    assert url("rounds:follow_up", parent.pk) in page
    response = client.post(url("rounds:follow_up", parent.pk), form_data())
    child = Round.objects.get(parent=parent)
    assert response.status_code == 302
    assert response["Location"] == url("rounds:detail", child.pk)

    assert child.status == RoundStatus.DRAFT
    assert child.title == "APL vt TE23A, omgång 2"
    assert (child.school, child.period_start, child.period_end, child.choices_allowed) == (
        parent.school,
        parent.period_start,
        parent.period_end,
        parent.choices_allowed,
    )
    assert set(child.students.values_list("student", flat=True)) == {
        declined.round_student.student_id,
        never_placed.round_student.student_id,
    }
    # Only LK's freed seat: Huddinge's one seat is still held.
    ((offer, capacity),) = child.places.values_list("offer", "capacity")
    assert (offer, capacity) == (lk.offer_id, 1)
    (entry,) = ActivityEntry.objects.filter(action=actions.ROUND_CREATED, object_id=str(child.pk))
    assert entry.data["parent"] == parent.pk
    # The follow-up opens straight away: its places are confirmed already.
    services.open_round(user=teacher, round_id=child.pk)
    child_page = client.get(url("rounds:detail", child.pk)).content.decode()
    assert parent.title in child_page


def test_follow_up_form_errors_and_refusals(client, teacher, allocated):
    parent = allocated
    client.force_login(teacher)
    # Choices closing after the period starts: the form says so, nothing is created.
    late = (parent.period_start + timedelta(days=1)).isoformat()
    response = client.post(url("rounds:follow_up", parent.pk), form_data(choices_deadline=late))
    assert response.status_code == 200
    assert "innan perioden börjar" in response.content.decode()
    # No seat is free (LK and Huddinge both hold their student): a message, nothing created.
    response = client.post(url("rounds:follow_up", parent.pk), form_data(), follow=True)
    assert "ledigt" in response.content.decode()
    assert not Round.objects.filter(parent=parent).exists()


def test_other_schools_staff_cannot_start_a_follow_up(client, allocated):
    school = OrganisationFactory(kind="school", name="Annan skola")
    stranger = MembershipFactory(organisation=school, user__role="school_staff").user
    client.force_login(stranger)
    assert client.get(url("rounds:follow_up", allocated.pk)).status_code == 404
    assert client.post(url("rounds:follow_up", allocated.pk), form_data()).status_code == 404
    assert not Round.objects.filter(parent=allocated).exists()


def test_no_placement_by_hand_in_the_parent_once_a_follow_up_exists(teacher, rep, allocated):
    from django.core.exceptions import ValidationError

    parent = allocated
    lk = parent.places.get(offer__title="CNC hos LK")
    declined = lk.allocations.get()
    services.decline_student(user=rep, allocation_id=declined.pk)
    today = timezone.localdate()
    services.start_follow_up(
        user=teacher,
        round_id=parent.pk,
        title="Omgång 2",
        choices_deadline=today + timedelta(days=5),
        confirmation_deadline=today + timedelta(days=2),
    )
    with pytest.raises(ValidationError, match="uppföljningsomgången"):
        services.place_by_hand(
            user=teacher,
            round_id=parent.pk,
            allocation_id=declined.pk,
            place_id=lk.pk,
            reason="Ändå",
        )
