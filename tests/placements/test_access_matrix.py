"""Who may open or change what: every offer, application, CV and booking page against every
kind of person. A denied request answers 403 (wrong role), 404 (not yours: as if it did not
exist) or sends an anonymous visitor to the login page, and changes nothing in the database.

The people: the owner (the applicant or booker; for offer pages the offer's representative),
the offer organisation's representative and a colleague of theirs, the other company's
representative (rep2), another student (student2), the applicant's teacher (school staff of the
applicant's school: sees the application, never the CV) and an anonymous visitor.
"""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone, translation

from college_portal.notifications.models import Notification
from placements.models import (
    Application,
    ApplicationStatus,
    Booking,
    BookingStatus,
    Offer,
    OfferStatus,
    Slot,
    StatusChange,
    StudentProfile,
)
from tests.factories import (
    ApplicationFactory,
    BookingFactory,
    MembershipFactory,
    OfferFactory,
    OrganisationFactory,
    SlotFactory,
    StudentProfileFactory,
)
from tests.helpers import pdf_bytes, url

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()

OK = "200"  # the page is shown
DONE = "done"  # the action is carried out, then a redirect to the object's page
LOGIN = "login"  # an anonymous visitor is sent to the login page
DENIED = "403"
HIDDEN = "404"

ACTORS = ["applicant", "rep", "colleague", "rep2", "student2", "teacher", "anonymous"]


def row(applicant, rep, colleague, rep2, student2, teacher, anonymous=LOGIN):
    return dict(
        zip(ACTORS, [applicant, rep, colleague, rep2, student2, teacher, anonymous], strict=True)
    )


# view name: (method, object, expected per person)
MATRIX = {
    # Offers: only the offer's organisation (the representative and a colleague).
    "offer_edit": ("get", "offer", row(DENIED, OK, OK, HIDDEN, DENIED, DENIED)),
    "offer_publish": ("post", "draft", row(DENIED, DONE, DONE, HIDDEN, DENIED, DENIED)),
    "offer_close": ("post", "offer", row(DENIED, DONE, DONE, HIDDEN, DENIED, DENIED)),
    "offer_copy": ("post", "offer", row(DENIED, DONE, DONE, HIDDEN, DENIED, DENIED)),
    "applicants": ("get", "offer", row(DENIED, OK, OK, HIDDEN, DENIED, DENIED)),
    # Applications: the applicant, the offer's organisation; the applicant's school sees it.
    "application_detail": ("get", "application", row(OK, OK, OK, HIDDEN, HIDDEN, OK)),
    "application_cv": ("get", "application", row(OK, OK, OK, HIDDEN, HIDDEN, HIDDEN)),
    "decide": ("post", "application", row(DENIED, DONE, DONE, HIDDEN, DENIED, DENIED)),
    "complete": ("post", "accepted", row(DENIED, DONE, DONE, HIDDEN, DENIED, DENIED)),
    "withdraw": ("post", "application", row(DONE, DENIED, DENIED, DENIED, HIDDEN, DENIED)),
    # Bookings: the booker; the host organisation sees who comes.
    "booking_detail": ("get", "booking", row(OK, OK, OK, HIDDEN, HIDDEN, HIDDEN)),
    "booking_ics": ("get", "booking", row(OK, OK, OK, HIDDEN, HIDDEN, HIDDEN)),
    "booking_cancel": ("post", "booking", row(DONE, HIDDEN, HIDDEN, HIDDEN, HIDDEN, HIDDEN)),
    # A student's school link: only staff of that school confirm or reject it.
    "reject_student": ("post", "profile", row(DENIED, DENIED, DENIED, DENIED, DENIED, DONE)),
}

CASES = [(view, actor) for view in MATRIX for actor in ACTORS]
POST_DATA = {"decide": {"decision": "accept", "message": "Välkommen till oss!"}}


@pytest.fixture
def world(company, company2, school, student, student2, rep, colleague, rep2, teacher):
    """LK Precision's published internship, whose period has ended, with Elsa's application
    (with a CV; Elsa studies at the teacher's school, which has confirmed her); a draft
    internship; a study visit that Elsa has booked."""
    profile = StudentProfileFactory(
        user=student, school=school, school_confirmed_at=timezone.now(), school_confirmed_by=teacher
    )
    offer = OfferFactory(
        organisation=company,
        title="Praktik i CNC-svarvning",
        application_deadline=TODAY - timedelta(days=60),
        period_start=TODAY - timedelta(days=40),
        period_end=TODAY - timedelta(days=1),
    )
    application = ApplicationFactory(offer=offer, student=student)
    application.cv.save("cv.pdf", ContentFile(pdf_bytes()))
    draft = OfferFactory(organisation=company, draft=True, title="Utkast: sommarpraktik")
    slot = SlotFactory(offer=OfferFactory(organisation=company, study_visit=True), capacity=20)
    booking = BookingFactory(slot=slot, booked_by=student)
    people = {
        "applicant": student,
        "rep": rep,
        "colleague": colleague,
        "rep2": rep2,
        "student2": student2,
        "teacher": teacher,
        "anonymous": None,
    }
    yield {
        "people": people,
        "offer": offer,
        "draft": draft,
        "application": application,
        "booking": booking,
        "profile": profile,
    }
    application.cv.delete(save=False)


def target(world, kind):
    if kind == "accepted":
        Application.objects.filter(pk=world["application"].pk).update(
            status=ApplicationStatus.ACCEPTED, decided_at=timezone.now()
        )
        return world["application"]
    return world[kind]


def snapshot():
    """What a denied request must leave as it was."""
    return {
        "offers": sorted(Offer.objects.values_list("pk", "status", "title")),
        "applications": sorted(Application.objects.values_list("pk", "status", "cv")),
        "bookings": sorted(Booking.objects.values_list("pk", "status")),
        "slots": sorted(Slot.objects.values_list("pk", "places_taken")),
        "history": StatusChange.objects.count(),
        "profiles": sorted(
            StudentProfile.objects.values_list("pk", "school", "school_confirmed_at")
        ),
        "notifications": Notification.objects.count(),
    }


def effect_done(view, obj, before_offers):
    """The change the allowed action makes, as the next page shows it."""
    if view == "offer_publish":
        return Offer.objects.get(pk=obj.pk).status == OfferStatus.PUBLISHED
    if view == "offer_close":
        return Offer.objects.get(pk=obj.pk).status == OfferStatus.CLOSED
    if view == "offer_copy":
        return Offer.objects.count() == before_offers + 1
    if view == "decide":
        return Application.objects.get(pk=obj.pk).status == ApplicationStatus.ACCEPTED
    if view == "complete":
        return Application.objects.get(pk=obj.pk).status == ApplicationStatus.COMPLETED
    if view == "withdraw":
        return Application.objects.get(pk=obj.pk).status == ApplicationStatus.WITHDRAWN
    if view == "booking_cancel":
        booking = Booking.objects.select_related("slot").get(pk=obj.pk)
        return booking.status == BookingStatus.CANCELLED and booking.slot.places_taken == 0
    if view == "reject_student":
        return StudentProfile.objects.get(pk=obj.pk).school_id is None
    raise AssertionError(view)


def page_shows(view, response, world):
    """An allowed page shows what it is about."""
    if view == "application_cv":
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    elif view == "booking_ics":
        assert response["Content-Type"].startswith("text/calendar")
        assert b"BEGIN:VEVENT" in response.content
    else:
        html = response.content.decode()
        if view in ("offer_edit", "applicants"):
            assert world["offer"].title in html
        if view == "applicants":
            assert "Elsa Lindqvist" in html
        if view == "application_detail":
            assert world["application"].motivation in html
        if view == "booking_detail":
            assert world["booking"].slot.offer.title in html


@pytest.mark.parametrize(("view", "actor"), CASES, ids=[f"{v}-{a}" for v, a in CASES])
def test_access(client, world, view, actor):
    method, kind, expected_by_actor = MATRIX[view]
    expected = expected_by_actor[actor]
    obj = target(world, kind)
    person = world["people"][actor]
    if person is not None:
        client.force_login(person)
    before = snapshot()

    response = getattr(client, method)(url(f"placements:{view}", obj.pk), POST_DATA.get(view, {}))

    if expected == DONE:
        assert response.status_code == 302, response.content[:500]
        assert effect_done(view, obj, len(before["offers"]))
        return
    if expected == LOGIN:
        assert response.status_code == 302
        with translation.override("sv"):
            assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == int(expected)
    if expected == OK:
        page_shows(view, response, world)
    assert snapshot() == before


# --- The school-staff rule, and a teacher's own booking ----------------------------------


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
        assert response.status_code == int(expected), (teacher, view)


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
@pytest.mark.parametrize("actor", ["teacher", "applicant", "rep"])
def test_a_class_booking_belongs_to_its_teacher(client, world, view, actor):
    method, *expected_list = TEACHER_BOOKING[view]
    expected = dict(zip(["teacher", "applicant", "rep"], expected_list, strict=True))[actor]
    booking = BookingFactory(
        slot=world["booking"].slot,
        booked_by=world["people"]["teacher"],
        group_size=18,
        class_name="TE22B",
        teacher_contact="maria@example.org",
    )
    client.force_login(world["people"][actor])
    before = snapshot()

    response = getattr(client, method)(url(f"placements:{view}", booking.pk))

    if expected == DONE:
        assert response.status_code == 302
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED
        return
    assert response.status_code == int(expected)
    assert snapshot() == before


def test_matrix_size():
    """14 views × 7 people, every cell stated."""
    assert len(MATRIX) == 14
    assert all(set(expected) == set(ACTORS) for _m, _o, expected in MATRIX.values())
    assert len(CASES) == 98
