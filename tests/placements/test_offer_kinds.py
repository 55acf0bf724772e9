"""Guest lectures (gästföreläsningar) and teacher placements (lärarpraktik): a company offers
them with times like a study visit, on the same slots, bookings and booking services; only
school staff book them (a class for a guest lecture, one or more teachers for a placement);
the host hears of a booking and the booker gets a confirmation with a calendar file, both
naming the kind; the offer list's filter and search find them; they count in the yearly
report (criterion 8) and never reach a student's digest."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from placements.models import Booking, BookingStatus, OfferKind, OfferStatus, Slot
from placements.notifications import remind_study_visits, send_weekly_digests
from placements.report import guest_lectures_and_teacher_placements
from placements.selectors import matching_offers
from placements.services import publish_offer
from tests.factories import (
    BookingFactory,
    MembershipFactory,
    OfferFactory,
    SlotFactory,
    StudentProfileFactory,
)
from tests.helpers import page, post, shown_messages, sv, url
from tests.placements.test_offers import create, offer_data, when

pytestmark = pytest.mark.django_db

LECTURE = OfferKind.GUEST_LECTURE
PLACEMENT = OfferKind.TEACHER_PLACEMENT


def booked_offer(company, kind, title, **fields):
    """A published offer of `kind` with a time in a week (the factory's study-visit shape)."""
    offer = OfferFactory(organisation=company, study_visit=True, kind=kind, title=title, **fields)
    return offer, SlotFactory(offer=offer, capacity=30)


@pytest.fixture
def lecture(company):
    return booked_offer(company, LECTURE, "Gästföreläsning om mätteknik")


@pytest.fixture
def placement(company):
    return booked_offer(company, PLACEMENT, "Lärarpraktik i fräsavdelningen")


def label_of(tree, field):
    [label] = [e for e in tree.find_all("label") if e.attrs.get("for") == f"id_{field}"]
    return label.text


def book(client, slot, **fields):
    return post(client, url("placements:book", slot.offer_id), {"slot": slot.pk, **fields})


# --- offering ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [LECTURE, PLACEMENT])
def test_a_representative_offers_one_with_times_and_publishes_it(client, rep, company, kind):
    data = offer_data(
        company, kind=kind, slots=[(when(10, 9), when(10, 11), 30)], title="Hos oss", places="1"
    )
    offer, _response = create(client, rep, data)
    assert (offer.kind, offer.slots.count()) == (kind, 1)

    publish_offer(user=rep, offer_id=offer.pk)

    offer.refresh_from_db()
    assert offer.status == OfferStatus.PUBLISHED
    assert offer.takes_bookings


def test_publishing_needs_a_future_time(rep, company):
    offer = OfferFactory(organisation=company, study_visit=True, kind=LECTURE, draft=True)
    with pytest.raises(Exception) as refused:
        publish_offer(user=rep, offer_id=offer.pk)
    assert sv("Add at least one future time slot before publishing the offer.") in str(
        refused.value
    )


def test_a_company_without_the_study_visit_host_role_cannot_publish_one(rep2, company2):
    offer = OfferFactory(organisation=company2, study_visit=True, kind=PLACEMENT, draft=True)
    SlotFactory(offer=offer)
    with pytest.raises(Exception) as refused:
        publish_offer(user=rep2, offer_id=offer.pk)
    assert "Huddinge Fräs AB" in str(refused.value)


@pytest.mark.parametrize(
    "kind, shown, hidden",
    [
        ("guest_lecture", "Gästföreläsning om mätteknik", "Lärarpraktik i fräsavdelningen"),
        ("teacher_placement", "Lärarpraktik i fräsavdelningen", "Gästföreläsning om mätteknik"),
    ],
)
def test_the_offer_list_filters_by_the_new_kinds(client, lecture, placement, kind, shown, hidden):
    html = client.get(url("placements:offer_list") + f"?kind={kind}").content.decode()
    assert shown in html and hidden not in html
    options = page(client.get(url("placements:offer_list"))).find("select", name="kind")
    labels = [o.text for o in options.find_all("option")]
    assert "Gästföreläsning" in labels and "Lärarpraktik" in labels


def test_the_offer_search_finds_them(client, lecture, placement):
    html = client.get(url("placements:offer_list") + "?q=mätteknik").content.decode()
    assert "Gästföreläsning om mätteknik" in html
    assert "Lärarpraktik i fräsavdelningen" not in html


# --- only school staff book -------------------------------------------------------------------


def test_a_student_sees_no_booking_form_and_is_told_who_books(client, student, lecture):
    offer, _slot = lecture
    client.force_login(student)
    html = client.get(url("placements:offer_detail", offer.pk)).content.decode()
    assert url("placements:book", offer.pk) not in html
    assert (
        sv("Only school staff book guest lectures and teacher placements: ask your teacher.")
        in html
    )


@pytest.mark.parametrize("kind", [LECTURE, PLACEMENT])
def test_a_student_booking_anyway_is_refused_with_a_clear_message(client, student, company, kind):
    _offer, slot = booked_offer(company, kind, "Bara för skolpersonal")
    client.force_login(student)

    response = book(client, slot)

    label = {LECTURE: "gästföreläsning", PLACEMENT: "lärarpraktik"}[kind]
    assert shown_messages(response) == [
        f"Bara skolpersonal kan boka en {label}. Be din lärare boka den för din klass."
    ]
    assert not Booking.objects.exists()
    assert Slot.objects.get(pk=slot.pk).places_taken == 0
    assert not mail.outbox


def test_a_teacher_books_a_guest_lecture_for_the_class(client, teacher, rep, lecture, commit):
    offer, slot = lecture
    client.force_login(teacher)
    form = page(client.get(url("placements:offer_detail", offer.pk)))
    assert label_of(form, "group_size").startswith("Antal elever i klassen")

    with commit():
        response = book(
            client, slot, group_size=27, class_name="IN22", teacher_contact="070-123 45 67"
        )

    booking = Booking.objects.get()
    assert (booking.booked_by, booking.group_size, booking.class_name) == (teacher, 27, "IN22")
    assert response["Location"] == url("placements:booking_detail", booking.pk)
    detail = client.get(response["Location"]).content.decode()
    assert "Bokning: Gästföreläsning" in detail

    to_teacher = next(m for m in mail.outbox if m.to == [teacher.email])
    assert (
        "gästföreläsningen ”Gästföreläsning om mätteknik” från LK Precision AB" in to_teacher.body
    )
    assert "studiebesök" not in to_teacher.body
    assert "Täljegymnasiet" in to_teacher.body  # where: the booker's school
    [(name, content, mimetype)] = to_teacher.attachments
    assert (name, mimetype) == ("guest-lecture.ics", "text/calendar")
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Gästföreläsning: Gästföreläsning om mätteknik"
    assert str(event["LOCATION"]) == "Täljegymnasiet"

    to_host = next(m for m in mail.outbox if m.to == [rep.email])
    assert "har bokat gästföreläsningen" in to_host.body
    assert "studiebesök" not in to_host.body


def test_a_guest_lectures_time_takes_one_booking(client, teacher, school, lecture):
    _offer, slot = lecture
    BookingFactory(slot=slot, booked_by=teacher, group_size=10, class_name="IN22")
    other = MembershipFactory(
        organisation=school, user__email="sven@example.org", user__role="school_staff"
    ).user
    client.force_login(other)

    response = book(client, slot, group_size=5, class_name="IN23", teacher_contact="sven")

    assert shown_messages(response) == [sv("This time is already booked. Choose another time.")]
    assert Booking.objects.filter(status=BookingStatus.CONFIRMED).count() == 1


def test_a_teacher_books_a_placement_for_two_teachers(client, teacher, placement, commit):
    offer, slot = placement
    client.force_login(teacher)
    form = page(client.get(url("placements:offer_detail", offer.pk)))
    assert label_of(form, "group_size").startswith("Antal lärare")
    assert form.find("input", name="class_name") is None

    with commit():
        book(client, slot, group_size=2, teacher_contact="070-123 45 67")

    booking = Booking.objects.get()
    assert (booking.group_size, booking.class_name) == (2, "")
    assert Slot.objects.get(pk=slot.pk).places_taken == 2
    to_teacher = next(m for m in mail.outbox if m.to == [teacher.email])
    assert "lärarpraktiken ”Lärarpraktik i fräsavdelningen”" in to_teacher.body


def test_the_host_sees_who_is_coming(client, rep, teacher, placement):
    offer, slot = placement
    BookingFactory(slot=slot, booked_by=teacher, group_size=2)
    client.force_login(rep)
    html = client.get(url("placements:offer_bookings", offer.pk)).content.decode()
    assert teacher.get_full_name() in html


def test_the_reminder_the_day_before_names_the_kind(teacher, company, commit):
    offer = OfferFactory(organisation=company, study_visit=True, kind=PLACEMENT, title="Lärardag")
    starts = timezone.localtime() + timedelta(days=1)
    slot = SlotFactory(offer=offer, starts_at=starts, ends_at=starts + timedelta(hours=6))
    BookingFactory(slot=slot, booked_by=teacher, group_size=1)

    with commit():
        assert remind_study_visits() == 1

    [reminder] = mail.outbox
    assert reminder.subject == "I morgon: Lärardag (LK Precision AB)"
    assert "i morgon är det dags för lärarpraktiken ”Lärardag”" in reminder.body


# --- never for students ----------------------------------------------------------------------


def test_they_are_never_offered_to_a_student(student, company, lecture, placement, commit):
    visit = OfferFactory(organisation=company, study_visit=True, title="Studiebesök")
    SlotFactory(offer=visit)
    profile = StudentProfileFactory(user=student, digest=True, municipality="Södertälje")

    assert [o.title for o in matching_offers(profile)] == ["Studiebesök"]
    with commit():
        send_weekly_digests()
    [digest] = mail.outbox
    assert "Studiebesök" in digest.body
    assert "Gästföreläsning om mätteknik" not in digest.body
    assert "Lärarpraktik i fräsavdelningen" not in digest.body


# --- the yearly report, criterion 8 -----------------------------------------------------------


@dataclass(frozen=True)
class Period:
    year: int
    start: date
    end: date


def at(day, hour):
    return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())) + (
        timedelta(hours=hour)
    )


def test_the_yearly_report_counts_the_times_held_in_its_year(company, school, teacher):
    lecture = OfferFactory(organisation=company, study_visit=True, kind=LECTURE, title="Mätteknik")
    placement = OfferFactory(
        organisation=company, study_visit=True, kind=PLACEMENT, title="Fräsdag"
    )

    def time(offer, day, **fields):
        return SlotFactory(
            offer=offer, starts_at=at(day, 9), ends_at=at(day, 11), capacity=30, **fields
        )

    held = time(lecture, date(2025, 3, 12))
    BookingFactory(slot=held, booked_by=teacher, group_size=27, class_name="IN22")
    time(lecture, date(2025, 4, 2))  # nobody booked it: not held
    cancelled = time(lecture, date(2025, 5, 7), cancelled_at=timezone.now())
    BookingFactory(slot=cancelled, booked_by=teacher, status=BookingStatus.CANCELLED)
    BookingFactory(slot=time(lecture, date(2026, 1, 8)), booked_by=teacher)  # next year
    day = time(placement, date(2025, 10, 1))
    BookingFactory(slot=day, booked_by=teacher, group_size=2)

    lectures, placements = guest_lectures_and_teacher_placements(
        Period(2025, date(2025, 1, 1), date(2025, 12, 31))
    )

    assert lectures.rows == [
        ["2025-03-12 09:00", "LK Precision AB", "Mätteknik", "Täljegymnasiet", 1, 27],
        ["Totalt", "", "", "", 1, 27],
    ]
    assert placements.rows == [
        ["2025-10-01 09:00", "LK Precision AB", "Fräsdag", "Täljegymnasiet", 1, 2],
        ["Totalt", "", "", "", 1, 2],
    ]
    assert placements.headers[-1] == "Lärare"


@pytest.mark.django_db(transaction=True)  # the cached pages' version is bumped after commit
def test_the_cached_offer_list_shows_a_new_guest_lecture(client, settings, company):
    settings.PUBLIC_PAGE_CACHE = True
    address = url("placements:offer_list") + "?kind=guest_lecture"
    assert "Gästföreläsning om CNC" not in client.get(address).content.decode()

    booked_offer(company, LECTURE, "Gästföreläsning om CNC")

    assert "Gästföreläsning om CNC" in client.get(address).content.decode()
