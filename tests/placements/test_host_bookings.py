"""The host of a study visit sees who is coming: per time, each booking (who booked, school,
class, group size, contact, when); the organisation's representatives get an e-mail on each
booking and each cancellation; and a representative can cancel a time with a message to
everyone booked, which frees the places and tells each of them once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from college_portal.notifications.models import Notification
from placements import services
from placements.models import Booking, BookingStatus, Slot, StatusChange
from tests.factories import (
    BookingFactory,
    MembershipFactory,
    SlotFactory,
    StudentProfileFactory,
    UserFactory,
)
from tests.helpers import post, shown_messages, sv, url

pytestmark = pytest.mark.django_db

CLASS = {"group_size": 18, "class_name": "TE22B", "teacher_contact": "070-123 45 67"}


def to(person):
    return [m for m in mail.outbox if m.to == [person.email]]


@pytest.fixture
def booked(slot, teacher, student, student2, school):
    """Maria (teacher at Täljegymnasiet) booked 18 places for TE22B; Elsa (who says she studies
    at Täljegymnasiet) booked one; Omar booked and cancelled."""
    StudentProfileFactory(user=student, school=school)
    teacher.full_name = "Maria Lärare"
    teacher.save()
    class_booking = BookingFactory(slot=slot, booked_by=teacher, **CLASS)
    students_booking = BookingFactory(slot=slot, booked_by=student)
    BookingFactory(slot=slot, booked_by=student2, status=BookingStatus.CANCELLED)
    return {"class": class_booking, "student": students_booking}


# --- The host's page --------------------------------------------------------------------------


def test_the_applicants_page_of_a_study_visit_shows_who_has_booked(client, rep, booked, slot):
    """The representative's page for a study visit no longer says 'no applications yet' while
    a class has booked."""
    client.force_login(rep)

    page = client.get(url("placements:applicants", slot.offer_id, lang="en"), follow=True)

    html = page.content.decode()
    assert "No applications yet." not in html
    assert "TE22B" in html and "Maria Lärare" in html


def test_host_sees_each_booking_per_time(client, rep, booked, slot):
    client.force_login(rep)

    response = client.get(url("placements:offer_bookings", slot.offer_id, lang="en"))

    assert response.status_code == 200
    html = response.content.decode()
    assert timezone.localtime(slot.starts_at).strftime("%-d %B %Y") in html
    for text in ("Maria Lärare", "TE22B", "18", "070-123 45 67", "Täljegymnasiet"):
        assert text in html, text
    assert "Elsa Lindqvist" in html
    assert "Omar Haddad" not in html  # cancelled: counted, not listed
    assert "1 cancelled booking" in html
    assert "19 / 20" in html  # places booked of the time's places
    assert url("placements:booking_detail", booked["class"].pk, lang="en") in html


def test_a_school_staff_booker_shows_their_school(client, rep, booked, slot):
    """The teacher's school comes from her membership of the school organisation; the
    student's from her profile (two schools on one page)."""
    other = MembershipFactory(
        organisation__name="Huddinge gymnasium",
        organisation__kind="school",
        user__role="school_staff",
        user__full_name="Bo Lärare",
    ).user
    BookingFactory(slot=slot, booked_by=other, group_size=1, class_name="EE1", teacher_contact="x")
    client.force_login(rep)

    html = client.get(url("placements:offer_bookings", slot.offer_id, lang="en")).content.decode()

    assert "Huddinge gymnasium" in html


def test_a_cancelled_time_is_marked(client, rep, slot, visit):
    SlotFactory(offer=visit, starts_at=slot.starts_at + timedelta(days=1))
    Slot.objects.filter(pk=slot.pk).update(
        cancelled_at=timezone.now(), cancellation_message="Maskinhaveri"
    )
    client.force_login(rep)

    html = client.get(url("placements:offer_bookings", visit.pk, lang="en")).content.decode()

    assert "Cancelled" in html and "Maskinhaveri" in html
    assert html.count(">Cancel this time") == 1  # only the time still on


@pytest.mark.parametrize("person", ["rep", "colleague", "lead"])
def test_the_organisation_and_project_leads_see_the_bookings(client, request, booked, slot, person):
    client.force_login(request.getfixturevalue(person))

    response = client.get(url("placements:offer_bookings", slot.offer_id))

    assert response.status_code == 200
    assert "TE22B" in response.content.decode()


@pytest.mark.parametrize("person", ["rep2", "student", "teacher", "student2"])
def test_others_do_not_see_the_bookings(client, request, booked, slot, person):
    client.force_login(request.getfixturevalue(person))

    response = client.get(url("placements:offer_bookings", slot.offer_id))

    assert response.status_code == 404


def test_anonymous_is_sent_to_sign_in(client, slot):
    response = client.get(url("placements:offer_bookings", slot.offer_id))

    assert response.status_code == 302
    assert "next=" in response["Location"]


def test_an_internship_has_no_bookings_page(client, rep, offer):
    client.force_login(rep)

    assert client.get(url("placements:offer_bookings", offer.pk)).status_code == 404


def test_bookings_page_runs_a_fixed_number_of_queries(
    client, rep, visit, school, django_assert_max_num_queries
):
    def add(times, start):
        for n in range(start, start + times):
            slot = SlotFactory(offer=visit, starts_at=timezone.now() + timedelta(days=n + 1))
            for i in range(3):
                person = UserFactory(full_name=f"Elev {n}-{i}")
                StudentProfileFactory(user=person, school=school)
                BookingFactory(slot=slot, booked_by=person)
            teacher = MembershipFactory(organisation=school, user__role="school_staff").user
            BookingFactory(slot=slot, booked_by=teacher, group_size=10, class_name=f"K{n}")
            BookingFactory(slot=slot, status=BookingStatus.CANCELLED)

    client.force_login(rep)
    add(1, 0)
    client.get(url("placements:offer_bookings", visit.pk))
    with django_assert_max_num_queries(20) as few:
        client.get(url("placements:offer_bookings", visit.pk))
    add(10, 1)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("placements:offer_bookings", visit.pk, lang="en"))
    assert "Elev 10-2" in response.content.decode()


def test_dashboard_counts_a_visits_bookings_and_leads_to_them(client, rep, booked, slot):
    client.force_login(rep)

    html = client.get(url("dashboard", lang="en")).content.decode()

    start = html.index('id="my-offers-title"')
    offers = html[start : html.index("</section>", start)]
    bookings_url = url("placements:offer_bookings", slot.offer_id, lang="en")
    assert f'<a href="{bookings_url}">2</a>' in offers


def test_offer_page_links_the_host_to_the_bookings(client, rep, slot):
    client.force_login(rep)

    html = client.get(url("placements:offer_detail", slot.offer_id)).content.decode()

    assert url("placements:offer_bookings", slot.offer_id) in html


# --- E-mail to the host on each booking and cancellation ---------------------------------------


def test_each_representative_hears_of_a_booking_once(
    client, rep, colleague, teacher, school, slot, commit
):
    client.force_login(teacher)

    with commit():
        post(client, url("placements:book", slot.offer_id), {"slot": slot.pk, **CLASS})

    for person in (rep, colleague):
        [message] = to(person)
        assert slot.offer.title in message.subject
        assert "TE22B" in message.body and "18" in message.body
        assert "Täljegymnasiet" in message.body
        assert url("placements:offer_bookings", slot.offer_id) in message.body
    assert len(to(teacher)) == 1  # her own confirmation
    # The same event notified again makes no second e-mail.
    booking = Booking.objects.get()
    from placements import notifications

    before = Notification.objects.count()
    with commit():
        notifications.booking_received(booking)
    assert Notification.objects.count() == before


def test_each_representative_hears_of_a_cancellation_once(
    client, rep, colleague, student, slot, commit
):
    booking = BookingFactory(slot=slot, booked_by=student)
    client.force_login(student)

    with commit():
        post(client, url("placements:booking_cancel", booking.pk))

    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED
    for person in (rep, colleague):
        [message] = to(person)
        assert slot.offer.title in message.subject
        assert "Elsa Lindqvist" in message.body
    assert not to(student)


def test_representatives_of_another_company_hear_nothing(rep2, student, slot, commit):
    with commit():
        services.book(user=student, slot_id=slot.pk)

    assert not to(rep2)


# --- Cancelling a time -----------------------------------------------------------------------


MESSAGE = "Vår fleroperationsmaskin har gått sönder. Välkomna en annan dag!"


def cancel(client, slot, message=MESSAGE):
    return post(client, url("placements:slot_cancel", slot.pk), {"message": message})


def test_cancel_page_asks_for_a_message_and_confirmation(client, rep, booked, slot):
    client.force_login(rep)

    response = client.get(url("placements:slot_cancel", slot.pk, lang="en"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<textarea" in html and 'name="message"' in html
    assert 'method="post"' in html
    assert "19" in html  # the places booked, so the host knows whom they tell
    assert Slot.objects.get(pk=slot.pk).cancelled_at is None


def test_host_cancels_a_time_frees_the_places_and_tells_everyone_once(
    client, rep, booked, slot, teacher, student, student2, commit
):
    client.force_login(rep)

    with commit():
        response = cancel(client, slot)

    assert response["Location"] == url("placements:offer_bookings", slot.offer_id)
    assert len(shown_messages(response)) == 1
    slot.refresh_from_db()
    assert slot.cancelled_at is not None and slot.cancellation_message == MESSAGE
    assert slot.places_taken == 0
    for booking in booked.values():
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED and booking.cancelled_at is not None
        change = StatusChange.objects.filter(booking=booking).latest("pk")
        assert (change.from_status, change.to_status, change.actor) == (
            "confirmed",
            "cancelled",
            rep,
        )
        assert change.message == MESSAGE
    for person in (teacher, student):
        [message] = to(person)
        assert MESSAGE in message.body
        assert slot.offer.title in message.subject
    assert not to(student2)  # had already cancelled
    assert not to(rep)


def test_the_booker_sees_the_cancellation_on_their_booking(client, rep, booked, slot, student):
    client.force_login(rep)
    cancel(client, slot)
    client.force_login(student)

    html = client.get(
        url("placements:booking_detail", booked["student"].pk, lang="en")
    ).content.decode()

    assert "Cancelled" in html and MESSAGE in html
    assert url("placements:booking_cancel", booked["student"].pk, lang="en") not in html


def test_the_booker_is_told_in_their_language(client, rep, slot, commit):
    english = UserFactory(language="en", full_name="Sam Smith")
    BookingFactory(slot=slot, booked_by=english)
    client.force_login(rep)

    with commit():
        cancel(client, slot)

    [message] = to(english)
    assert "cancelled" in message.subject.lower()
    assert MESSAGE in message.body


def test_a_second_cancel_is_refused_and_nobody_hears_twice(client, rep, booked, slot, commit):
    client.force_login(rep)
    with commit():
        cancel(client, slot)
    sent = len(mail.outbox)
    before = list(Booking.objects.values_list("pk", "status", "cancelled_at"))

    with commit():
        response = cancel(client, slot, message="Igen")

    assert response.status_code == 302
    assert shown_messages(response) == [sv("This time is already cancelled.")]
    assert Slot.objects.get(pk=slot.pk).cancellation_message == MESSAGE
    assert list(Booking.objects.values_list("pk", "status", "cancelled_at")) == before
    assert len(mail.outbox) == sent


def test_a_message_is_required(client, rep, booked, slot):
    client.force_login(rep)

    response = client.post(url("placements:slot_cancel", slot.pk), {"message": "  "})

    assert response.status_code == 400
    assert Slot.objects.get(pk=slot.pk).cancelled_at is None
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 2


@pytest.mark.parametrize("person", ["rep2", "student", "teacher"])
def test_others_cannot_cancel_a_time(client, request, booked, slot, person, commit):
    client.force_login(request.getfixturevalue(person))

    with commit():
        get = client.get(url("placements:slot_cancel", slot.pk))
        response = cancel(client, slot)

    assert (get.status_code, response.status_code) == (404, 404)
    slot.refresh_from_db()
    assert (slot.cancelled_at, slot.places_taken) == (None, 19)
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 2
    assert mail.outbox == []


def test_a_past_time_cannot_be_cancelled(rep, visit):
    past = SlotFactory(
        offer=visit,
        starts_at=timezone.now() - timedelta(days=2),
        ends_at=timezone.now() - timedelta(days=2, hours=-2),
    )

    with pytest.raises(ValidationError):
        services.cancel_slot(user=rep, slot_id=past.pk, message=MESSAGE)

    assert Slot.objects.get(pk=past.pk).cancelled_at is None


# --- A cancelled time is not offered or booked ------------------------------------------------


def test_a_cancelled_time_cannot_be_booked(client, rep, slot, visit, student, teacher):
    later = SlotFactory(offer=visit, starts_at=slot.starts_at + timedelta(days=1))
    services.cancel_slot(user=rep, slot_id=slot.pk, message=MESSAGE)

    with pytest.raises(ValidationError) as refused:
        services.book(user=student, slot_id=slot.pk)
    assert refused.value.messages == [sv("The host has cancelled this time.")]

    client.force_login(teacher)
    page = client.get(url("placements:offer_detail", visit.pk)).content.decode()
    assert f'name="slot" value="{later.pk}"' in page
    assert f'name="slot" value="{slot.pk}"' not in page
    response = post(client, url("placements:book", visit.pk), {"slot": slot.pk, **CLASS})
    assert len(shown_messages(response)) == 1
    assert not Booking.objects.exists()
    assert Slot.objects.get(pk=slot.pk).places_taken == 0


def test_book_refuses_a_time_the_host_has_cancelled(student, slot):
    Slot.objects.filter(pk=slot.pk).update(
        cancelled_at=timezone.now(), cancellation_message=MESSAGE
    )

    with pytest.raises(ValidationError) as refused:
        services.book(user=student, slot_id=slot.pk)

    assert refused.value.messages == [sv("The host has cancelled this time.")]
    assert not Booking.objects.exists()
    assert Slot.objects.get(pk=slot.pk).places_taken == 0


def test_cancelling_a_time_is_in_the_organisations_activity_log(rep, booked, slot):
    from college_portal.activity import actions
    from college_portal.activity.models import ActivityEntry

    services.cancel_slot(user=rep, slot_id=slot.pk, message=MESSAGE)

    [entry] = ActivityEntry.objects.filter(action=actions.OFFER_SLOT_CANCELLED)
    assert (entry.actor, entry.organisation_id, entry.object_id) == (
        rep,
        slot.offer.organisation_id,
        str(slot.offer_id),
    )
    assert entry.data["slot"] == slot.pk and "starts_at" in entry.data
    assert MESSAGE not in str(entry.data)  # free text stays with the bookings' history


def test_the_service_refuses_another_company_cancelling_a_time(rep2, slot, student):
    """The rule is the service's own, not only the page's: another company's representative
    calling it directly changes nothing."""
    from django.core.exceptions import PermissionDenied

    booking = services.book(user=student, slot_id=slot.pk)

    with pytest.raises(PermissionDenied):
        services.cancel_slot(user=rep2, slot_id=slot.pk, message=MESSAGE)

    slot.refresh_from_db()
    booking.refresh_from_db()
    assert slot.cancelled_at is None and slot.places_taken == 1
    assert booking.status == BookingStatus.CONFIRMED
