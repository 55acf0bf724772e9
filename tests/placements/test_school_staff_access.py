"""The school-staff rule and a teacher's class bookings, beyond the access table
(tests/test_access_coverage.py, which holds every page against every kind of person): staff of
another school see nothing of a student's applications, the student's own school sees them
only once it has confirmed the link and never the CV, and a class booking is its teacher's.
"""

import pytest

from placements.models import BookingStatus, StudentProfile
from tests.factories import (
    ApplicationFactory,
    BookingFactory,
    MembershipFactory,
    OrganisationFactory,
)
from tests.helpers import database_state, url

pytestmark = pytest.mark.django_db

OK, HIDDEN, DONE = 200, 404, "done"


@pytest.fixture
def other_school_teacher(db):
    other_school = OrganisationFactory(name="Huddinge gymnasium", kind="school")
    return MembershipFactory(
        organisation=other_school, user__email="lars@example.org", user__role="school_staff"
    ).user


SCHOOL_CASES = [
    # (view, whose application, expected for the teacher of the applicant's school, for another)
    ("application_detail", OK, HIDDEN),
    ("application_cv", HIDDEN, HIDDEN),
]


@pytest.mark.parametrize(("view", "own_school", "other_school"), SCHOOL_CASES)
def test_teacher_sees_only_own_schools_applications_never_the_cv(
    client, world, other_school_teacher, view, own_school, other_school
):
    application = world["application"]
    for teacher, expected in (
        (world["people"]["teacher"], own_school),
        (other_school_teacher, other_school),
    ):
        client.force_login(teacher)
        response = client.get(url(f"placements:{view}", application.pk))
        assert response.status_code == expected, (teacher, view)


def test_teacher_sees_no_cv_link_on_the_application(client, world):
    client.force_login(world["people"]["teacher"])

    html = client.get(url("placements:application_detail", world["application"].pk)).content

    cv_link = url("placements:application_cv", world["application"].pk).encode()
    assert cv_link not in html
    client.force_login(world["people"]["rep"])
    assert (
        cv_link in client.get(url("placements:application_detail", world["application"].pk)).content
    )


def test_a_self_declared_student_is_not_the_teachers_until_confirmed(client, world):
    """The intended change of the school link: a school chosen by the student alone shows the
    school's staff nothing of their applications."""
    StudentProfile.objects.filter(pk=world["profile"].pk).update(
        school_confirmed_at=None, school_confirmed_by=None
    )
    client.force_login(world["people"]["teacher"])

    response = client.get(url("placements:application_detail", world["application"].pk))

    assert response.status_code == 404


def test_students_without_a_school_profile_are_not_the_teachers(client, world, student2):
    other = ApplicationFactory(offer=world["offer"], student=student2)
    client.force_login(world["people"]["teacher"])

    assert client.get(url("placements:application_detail", other.pk)).status_code == 404


TEACHER_BOOKING = {
    # view: (method, teacher = the booker, the student, the host's rep)
    "booking_detail": ("get", OK, HIDDEN, OK),
    "booking_ics": ("get", OK, HIDDEN, OK),
    "booking_cancel": ("post", DONE, HIDDEN, HIDDEN),
}


@pytest.mark.parametrize("view", list(TEACHER_BOOKING))
@pytest.mark.parametrize("actor", ["teacher", "student", "rep"])
def test_a_class_booking_belongs_to_its_teacher(client, world, view, actor):
    method, *expected_list = TEACHER_BOOKING[view]
    expected = dict(zip(["teacher", "student", "rep"], expected_list, strict=True))[actor]
    booking = BookingFactory(
        slot=world["booking"].slot,
        booked_by=world["people"]["teacher"],
        group_size=18,
        class_name="TE22B",
        teacher_contact="maria@example.org",
    )
    client.force_login(world["people"][actor])
    before = database_state()

    response = getattr(client, method)(url(f"placements:{view}", booking.pk))

    if expected == DONE:
        assert response.status_code == 302
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED
        return
    assert response.status_code == expected
    assert database_state() == before
