"""Study-visit bookings: a student books one place, a teacher a class (with its name and a
contact); never more than the time's places; cancelling frees them; the booking comes as a
calendar file (download and e-mail attachment) in Stockholm time."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import ngettext
from icalendar import Calendar

from placements.models import Booking, BookingStatus, Slot
from tests.factories import BookingFactory, MembershipFactory, SlotFactory
from tests.helpers import post, shown_messages, sv, url

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def book(client, slot, **fields):
    return post(client, url("placements:book", slot.offer_id), {"slot": slot.pk, **fields})


def places_taken(slot):
    return Slot.objects.get(pk=slot.pk).places_taken


CLASS = {"group_size": 18, "class_name": "TE22B", "teacher_contact": "070-123 45 67"}


@pytest.fixture
def teacher2(school):
    return MembershipFactory(
        organisation=school, user__email="sven@example.org", user__role="school_staff"
    ).user


def test_student_books_one_place(client, student, slot, commit):
    client.force_login(student)
    page = client.get(url("placements:offer_detail", slot.offer_id)).content.decode()
    assert url("placements:book", slot.offer_id) in page

    with commit():
        # A student cannot book for a group, whatever the request says.
        response = book(client, slot, group_size=12)

    booking = Booking.objects.get()
    assert response["Location"] == url("placements:booking_detail", booking.pk)
    assert (booking.booked_by, booking.group_size, booking.status) == (student, 1, "confirmed")
    assert places_taken(slot) == 1
    assert shown_messages(response) == [
        sv("Your booking is confirmed. A confirmation with a calendar file is on its way.")
    ]
    [message] = mail.outbox
    assert message.to == [student.email]
    assert slot.offer.title in message.subject


def test_a_second_booking_of_the_same_time_is_refused(client, student, slot, commit):
    client.force_login(student)
    with commit():
        book(client, slot)

    response = book(client, slot)

    assert shown_messages(response) == [sv("You have already booked this time.")]
    assert Booking.objects.count() == 1
    assert places_taken(slot) == 1


def test_teacher_books_a_class(client, teacher, slot, commit):
    client.force_login(teacher)

    with commit():
        response = book(client, slot, **CLASS)

    booking = Booking.objects.get()
    assert response["Location"] == url("placements:booking_detail", booking.pk)
    assert (booking.group_size, booking.class_name, booking.teacher_contact) == (
        18,
        "TE22B",
        "070-123 45 67",
    )
    assert places_taken(slot) == 18
    page = client.get(url("placements:booking_detail", booking.pk)).content.decode()
    assert "TE22B" in page and "070-123 45 67" in page
    offer_page = client.get(url("placements:offer_detail", slot.offer_id)).content.decode()
    assert "2 / 20" in offer_page


@pytest.mark.parametrize("missing", ["class_name", "teacher_contact"])
def test_a_class_booking_needs_the_class_and_a_contact(client, teacher, slot, missing):
    client.force_login(teacher)

    response = book(client, slot, **{**CLASS, missing: ""})

    assert response["Location"] == url("placements:offer_detail", slot.offer_id)
    assert len(shown_messages(response)) == 1
    assert not Booking.objects.exists()
    assert places_taken(slot) == 0


def test_over_capacity_is_refused_and_nothing_is_booked(client, teacher, teacher2, slot, commit):
    client.force_login(teacher)
    with commit():
        book(client, slot, **CLASS)
    mail.outbox.clear()
    client.force_login(teacher2)

    response = book(client, slot, group_size=5, class_name="TE22A", teacher_contact="sven@x.se")

    with translation.override("sv"):
        expected = ngettext(
            "Not enough places left on this time: %(left)d left.",
            "Not enough places left on this time: %(left)d left.",
            2,
        ) % {"left": 2}
    assert shown_messages(response) == [expected]
    assert Booking.objects.count() == 1
    assert places_taken(slot) == 18
    assert mail.outbox == []
    # The two places that are left can be booked.
    with commit():
        book(client, slot, group_size=2, class_name="TE22A", teacher_contact="sven@x.se")
    assert places_taken(slot) == 20
    assert Booking.objects.count() == 2


def test_a_full_time_is_refused_to_a_student(client, student, slot):
    Slot.objects.filter(pk=slot.pk).update(places_taken=slot.capacity)
    client.force_login(student)

    response = book(client, slot)

    assert len(shown_messages(response)) == 1
    assert not Booking.objects.exists()


def test_past_times_cannot_be_booked(client, student, visit):
    past = SlotFactory(
        offer=visit,
        starts_at=timezone.now() - timedelta(hours=3),
        ends_at=timezone.now() - timedelta(hours=1),
    )
    client.force_login(student)

    book(client, past)

    assert not Booking.objects.exists()


def test_cancelling_frees_the_places(client, teacher, teacher2, slot, commit):
    client.force_login(teacher)
    with commit():
        book(client, slot, **CLASS)
    booking = Booking.objects.get()

    response = post(client, url("placements:booking_cancel", booking.pk))

    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancelled_at is not None
    assert places_taken(slot) == 0
    assert shown_messages(response) == [
        sv("The booking is cancelled and the places are free for others.")
    ]
    assert [c.to_status for c in booking.history.all()] == ["confirmed", "cancelled"]
    # Cancelling twice frees nothing more.
    post(client, url("placements:booking_cancel", booking.pk))
    assert places_taken(slot) == 0
    # Someone else gets the whole time.
    client.force_login(teacher2)
    with commit():
        book(client, slot, group_size=20, class_name="TE22A", teacher_contact="sven@x.se")
    assert places_taken(slot) == 20


# --- Calendar file ---------------------------------------------------------------------------


def event_of(ics_bytes):
    calendar = Calendar.from_ical(ics_bytes)
    [event] = calendar.walk("VEVENT")
    return event


def assert_event(event, booking):
    start = event.decoded("dtstart")
    assert start.tzinfo is not None
    assert str(start.tzinfo) == "Europe/Stockholm"
    assert event["dtstart"].params["TZID"] == "Europe/Stockholm"
    assert start == booking.slot.starts_at
    assert start.hour == timezone.localtime(booking.slot.starts_at, STOCKHOLM).hour
    assert event.decoded("dtend") == booking.slot.ends_at
    assert booking.slot.offer.title in str(event["summary"])
    assert str(event["uid"]) == f"booking-{booking.pk}@teknikcollege-stockholm"


def test_calendar_download(client, teacher, slot):
    booking = BookingFactory(slot=slot, booked_by=teacher, group_size=18, class_name="TE22B")
    client.force_login(teacher)

    response = client.get(url("placements:booking_ics", booking.pk))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith("attachment;")
    event = event_of(response.content)
    assert_event(event, booking)
    assert "18" in str(event["description"])


def test_summer_and_winter_times_are_stockholm_local(client, student, visit):
    """09:00 in Stockholm is 07:00 UTC in summer and 08:00 UTC in winter."""
    year = timezone.localdate().year + 1
    for month, utc_hour in ((7, 7), (1, 8)):
        starts = timezone.datetime(year, month, 15, 9, 0, tzinfo=STOCKHOLM)
        slot = SlotFactory(offer=visit, starts_at=starts, ends_at=starts + timedelta(hours=2))
        booking = BookingFactory(slot=slot, booked_by=student)
        client.force_login(student)

        event = event_of(client.get(url("placements:booking_ics", booking.pk)).content)

        start = event.decoded("dtstart")
        assert (start.hour, start.astimezone(ZoneInfo("UTC")).hour) == (9, utc_hour)


def test_confirmation_mail_has_the_calendar_file(client, student, slot, commit):
    client.force_login(student)

    with commit():
        book(client, slot)

    booking = Booking.objects.get()
    [message] = mail.outbox
    [(name, content, mimetype)] = message.attachments
    assert name.endswith(".ics")
    assert mimetype == "text/calendar"
    assert_event(event_of(content), booking)
    assert url("placements:booking_detail", booking.pk) in message.body


@pytest.mark.parametrize("month", [1, 7])
def test_confirmation_mail_gives_the_time_in_stockholm(client, student, visit, commit, month):
    """A visit at 09:00 is at 09:00 in the e-mail, winter (UTC+1) and summer (UTC+2)."""
    starts = timezone.datetime(timezone.localdate().year + 1, month, 15, 9, 0, tzinfo=STOCKHOLM)
    slot = SlotFactory(offer=visit, starts_at=starts, ends_at=starts + timedelta(hours=2))
    client.force_login(student)

    with commit():
        book(client, slot)

    [message] = mail.outbox
    # Written as the pages write it, in the student's language: "15 januari 2027 09:00".
    with translation.override(student.language):
        day = date_format(starts, "j F Y")
    assert f"{day} 09:00" in message.body
    assert "08:00" not in message.body and "07:00" not in message.body
