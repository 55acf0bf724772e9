"""The offers recommended to a student — the weekly digest and the dashboard's "Offers for you" —
leave out what the student already has: an internship they applied for (unless they withdrew
it, when they may apply once more) and a study visit they have booked."""

import pytest
from django.core import mail
from django.utils import timezone

from placements.models import ApplicationStatus
from placements.notifications import send_weekly_digests
from tests.factories import (
    ApplicationFactory,
    BookingFactory,
    OfferFactory,
    SlotFactory,
    StudentProfileFactory,
)
from tests.helpers import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def taken_up(company, student):
    """Elsa (digest on, no other preference) applied for internship A and booked visit B;
    internship C is new to her."""
    StudentProfileFactory(user=student, digest=True, municipality="Södertälje")
    applied = OfferFactory(organisation=company, title="Praktik A med ansökan")
    application = ApplicationFactory(offer=applied, student=student)
    visit = OfferFactory(organisation=company, study_visit=True, title="Besök B med bokning")
    booking = BookingFactory(slot=SlotFactory(offer=visit), booked_by=student)
    fresh = OfferFactory(organisation=company, title="Praktik C helt ny")
    return {
        "applied": applied,
        "application": application,
        "visit": visit,
        "booking": booking,
        "fresh": fresh,
    }


def digest_body(commit):
    with commit():
        send_weekly_digests(now=timezone.now())
    [message] = mail.outbox
    return message.body


def test_digest_leaves_out_offers_the_student_applied_for_or_booked(commit, taken_up):
    body = digest_body(commit)

    assert taken_up["fresh"].title in body
    assert taken_up["applied"].title not in body
    assert taken_up["visit"].title not in body


@pytest.mark.parametrize(
    "status",
    [
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.WAITLISTED,
        ApplicationStatus.ACCEPTED,
        ApplicationStatus.DECLINED,
        ApplicationStatus.COMPLETED,
    ],
)
def test_digest_leaves_out_an_application_in_any_live_status(commit, taken_up, status):
    taken_up["application"].status = status
    taken_up["application"].save()

    assert taken_up["applied"].title not in digest_body(commit)


def test_a_withdrawn_application_or_cancelled_booking_is_offered_again(commit, taken_up):
    """A student who withdrew may apply once more; a cancelled booking may be booked again."""
    taken_up["application"].status = ApplicationStatus.WITHDRAWN
    taken_up["application"].save()
    taken_up["booking"].status = "cancelled"
    taken_up["booking"].save()

    body = digest_body(commit)

    assert taken_up["applied"].title in body
    assert taken_up["visit"].title in body


def test_dashboard_offers_leave_out_what_the_student_applied_for_or_booked(
    client, student, taken_up
):
    client.force_login(student)

    html = client.get(url("dashboard", lang="en")).content.decode()

    start = html.index('id="matching-title"')
    offers = html[start : html.index("</section>", start)]
    assert taken_up["fresh"].title in offers
    assert taken_up["applied"].title not in offers
    assert taken_up["visit"].title not in offers


def test_only_the_students_own_applications_count(commit, taken_up, student2):
    """Another student's application for C does not hide C from Elsa."""
    ApplicationFactory(offer=taken_up["fresh"], student=student2)
    BookingFactory(slot=SlotFactory(offer=taken_up["visit"]), booked_by=student2)

    assert taken_up["fresh"].title in digest_body(commit)


def test_digest_counts_its_queries_once_per_student(
    commit, company, student, django_assert_max_num_queries
):
    """The exclusion is part of the one offer query per student, not a query per offer."""
    StudentProfileFactory(user=student, digest=True)
    for n in range(15):
        offer = OfferFactory(organisation=company, title=f"Praktik nummer {n}")
        ApplicationFactory(offer=offer)
    # 8 to build and write the digest, 5 to deliver its one mail in-process (the outbox
    # claims the row in a transaction of its own, then marks it sent): none per offer.
    with django_assert_max_num_queries(13):
        with commit():
            send_weekly_digests(now=timezone.now())
