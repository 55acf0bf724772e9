"""After the companies' last day their places can no longer be changed; staff close an
allocated round, after which nothing in it changes and its page is read-only."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from college_portal.activity import actions
from college_portal.activity.models import ActivityEntry
from placements.rounds import services
from placements.rounds.models import Round, RoundStatus
from tests.factories import MembershipFactory, OfferFactory, OrganisationFactory
from tests.helpers import url

from .helpers import confirmed_student, make_round, open_round, rank

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(company, rep):
    return OfferFactory(organisation=company, title="CNC hos LK", places=2)


def test_places_cannot_change_after_the_companies_last_day(client, school, teacher, rep, offer):
    student = confirmed_student(school, teacher)
    round_ = make_round(school, teacher)
    services.add_students(user=teacher, round_id=round_.pk, student_ids=[student.pk])
    services.add_offers(user=teacher, round_id=round_.pk, offer_ids=[offer.pk])
    place = round_.places.get()
    services.confirm_capacity(user=rep, place_id=place.pk, capacity=2)
    Round.objects.filter(pk=round_.pk).update(
        confirmation_deadline=timezone.localdate() - timedelta(days=1)
    )
    with pytest.raises(ValidationError):
        services.confirm_capacity(user=rep, place_id=place.pk, capacity=1)

    client.force_login(rep)
    response = client.post(
        url("rounds:confirm_capacity", place.pk), {f"p{place.pk}-capacity": "1"}, follow=True
    )
    page = response.content.decode()
    assert "kan inte längre ändras" in page
    place.refresh_from_db()
    assert place.capacity == 2
    # The page no longer offers the form.
    assert url("rounds:confirm_capacity", place.pk) not in page


@pytest.fixture
def allocated(school, teacher, offer):
    students = [
        confirmed_student(school, teacher, full_name=f"Elev {n}", email=f"e{n}@example.org")
        for n in range(1, 4)
    ]
    round_ = open_round(school, teacher, students, [offer], [2])
    for student in students:
        rank(student, round_, offer)
    return services.run_allocation(round_id=round_.pk, user=teacher)


def test_staff_close_an_allocated_round_and_nothing_changes_after(
    client, school, teacher, rep, allocated
):
    round_ = allocated
    held = round_.places.get().allocations.filter(status="allocated").first()
    services.decline_student(user=rep, allocation_id=held.pk)
    lonely = services.unplaced(round_).exclude(pk=held.pk).get()

    client.force_login(teacher)
    # Without the tick the round stays as it is.
    response = client.post(url("rounds:close", round_.pk), follow=True)
    assert "Kryssa i rutan" in response.content.decode()
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.ALLOCATED

    response = client.post(url("rounds:close", round_.pk), {"confirm": "1"}, follow=True)
    page = response.content.decode()
    assert Round.objects.get(pk=round_.pk).status == RoundStatus.CLOSED
    assert "Omgången är stängd" in page
    assert "Elev 1" in page  # the matching is still shown
    assert url("rounds:place", round_.pk) not in page  # but no form changes it
    assert url("rounds:close", round_.pk) not in page
    (entry,) = ActivityEntry.objects.filter(action=actions.ROUND_CLOSED)
    assert entry.actor == teacher

    with pytest.raises(ValidationError):
        services.place_by_hand(
            user=teacher,
            round_id=round_.pk,
            allocation_id=lonely.pk,
            place_id=held.place_id,
            reason="Sent ändrat",
        )
    other = round_.places.get().allocations.filter(status="allocated").first()
    with pytest.raises(PermissionDenied):
        services.confirm_student(user=rep, allocation_id=other.pk)
    client.force_login(rep)
    assert client.post(url("rounds:confirm_student", other.pk)).status_code == 404
    assert client.post(url("rounds:decline_student", other.pk)).status_code == 404
    other.refresh_from_db()
    assert other.status == "allocated"
    # Closing twice is refused with a message, not an error.
    with pytest.raises(ValidationError):
        services.close_round(user=teacher, round_id=round_.pk)


def test_other_schools_staff_cannot_close(client, allocated):
    school = OrganisationFactory(kind="school", name="Annan skola")
    stranger = MembershipFactory(organisation=school, user__role="school_staff").user
    client.force_login(stranger)
    assert client.post(url("rounds:close", allocated.pk), {"confirm": "1"}).status_code == 404
    assert Round.objects.get(pk=allocated.pk).status == RoundStatus.ALLOCATED


def test_a_round_not_yet_allocated_cannot_be_closed(school, teacher, offer):
    round_ = open_round(school, teacher, [confirmed_student(school, teacher)], [offer])
    with pytest.raises(ValidationError):
        services.close_round(user=teacher, round_id=round_.pk)
