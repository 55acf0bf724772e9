"""What each person's dashboard shows of placements, and the placements figures of the
partnership report, checked against counts made independently from the rows."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from placements.models import Application, Offer, Slot
from tests.factories import (
    ApplicationFactory,
    BookingFactory,
    OfferFactory,
    ProgrammeFactory,
    SlotFactory,
    StudentProfileFactory,
)
from tests.helpers import dashboard_html, section, url

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


# --- Student ------------------------------------------------------------------------------


def test_student_sees_applications_bookings_and_matching_offers(
    client, student, student2, company, company2, visit
):
    svarv = ProgrammeFactory(name="Svarvare YH")
    StudentProfileFactory(user=student, programme=svarv, municipality="Södertälje")
    applied = OfferFactory(organisation=company, title="Sökt praktik", programmes=[svarv])
    accepted = ApplicationFactory(offer=applied, student=student, status="accepted")
    other = ApplicationFactory(
        offer=OfferFactory(organisation=company2, title="Annan praktik"), student=student
    )
    not_mine = ApplicationFactory(
        offer=OfferFactory(organisation=company, title="Omars praktik"), student=student2
    )
    matching = OfferFactory(organisation=company, title="Passande praktik", programmes=[svarv])
    elsewhere = OfferFactory(
        organisation=company2,
        municipality="Huddinge",
        title="Praktik i Huddinge",
        programmes=[svarv],
    )
    wrong_programme = OfferFactory(organisation=company, title="Svetspraktik")
    coming = BookingFactory(slot=SlotFactory(offer=visit), booked_by=student)
    cancelled = BookingFactory(
        slot=SlotFactory(offer=visit, starts_at=timezone.now() + timedelta(days=20)),
        booked_by=student,
        status="cancelled",
    )
    past = BookingFactory(
        slot=SlotFactory(
            offer=visit,
            starts_at=timezone.now() - timedelta(days=3),
            ends_at=timezone.now() - timedelta(days=3, hours=-2),
        ),
        booked_by=student,
    )

    html = dashboard_html(client, student)

    applications = section(html, "my-applications-title")
    for application in (accepted, other):
        assert url("placements:application_detail", application.pk, lang="en") in applications
    assert "Accepted" in applications and "Submitted" in applications
    assert url("placements:application_detail", not_mine.pk, lang="en") not in html
    bookings = section(html, "my-bookings-title")
    assert url("placements:booking_detail", coming.pk, lang="en") in bookings
    for booking in (cancelled, past):
        assert url("placements:booking_detail", booking.pk, lang="en") not in bookings
    offers = section(html, "matching-title")
    assert matching.title in offers
    for offer in (applied, elsewhere, wrong_programme):
        assert offer.title not in offers


def test_student_without_a_profile_is_asked_for_one(client, student, offer):
    html = dashboard_html(client, student)

    offers = section(html, "matching-title")
    assert offer.title not in offers
    assert url("placements:student_profile", lang="en") in offers
    assert "You have not applied for an internship yet." in html


# --- Representative -----------------------------------------------------------------------------


def offer_rows(html):
    """(title, to decide, filled, applications) of each row of the offers table, in order."""
    table = section(html, "my-offers-title")
    rows = []
    for row in table.split("<tr>")[2:]:
        title = re.search(r'<a href="[^"]+">([^<]+)</a>', row).group(1)
        numbers = [
            re.sub(r"<[^>]+>", "", n).strip()
            for n in re.findall(r'<td class="num">(.*?)</td>', row)
        ]
        rows.append((title, *numbers))
    return rows


def test_representative_sees_offers_with_undecided_first(
    client, rep, colleague, company, company2, visit
):
    quiet = OfferFactory(organisation=company, title="Lugn praktik", places=2)
    ApplicationFactory(offer=quiet, status="accepted")
    ApplicationFactory(offer=quiet, status="declined")
    busy = OfferFactory(organisation=company, title="Populär praktik", places=3)
    ApplicationFactory.create_batch(2, offer=busy)
    ApplicationFactory(offer=busy, status="waitlisted")
    ApplicationFactory.create_batch(2, offer=busy, status="accepted")
    some = OfferFactory(organisation=company, title="Någon praktik", places=1)
    ApplicationFactory(offer=some)
    OfferFactory(organisation=company, draft=True, title="Utkast")
    foreign = OfferFactory(organisation=company2, title="Konkurrentens praktik")
    ApplicationFactory.create_batch(5, offer=foreign)

    for person in (rep, colleague):
        rows = offer_rows(dashboard_html(client, person))

        # Those with applications to decide come first, the most to decide at the top.
        assert rows[:2] == [
            ("Populär praktik", "3", "2 / 3", "5"),
            ("Någon praktik", "1", "0 / 1", "1"),
        ]
        assert sorted(rows[2:]) == sorted(
            [
                ("Lugn praktik", "0", "1 / 2", "2"),
                ("Utkast", "0", "0 / 2", "0"),
                (visit.title, "0", "–", "0"),
            ]
        )
        titles = [r[0] for r in rows]
        assert "Konkurrentens praktik" not in titles
    html = dashboard_html(client, rep)
    # The number to decide leads to the applicants.
    assert url("placements:applicants", busy.pk, lang="en") in section(html, "my-offers-title")


# --- School staff ---------------------------------------------------------------------------------


def test_teacher_sees_bookings_and_the_schools_students_applications(
    client, teacher, student, student2, school, offer, slot
):
    # Elsa's school has confirmed her (a self-declared school shows nothing: test_school_link).
    StudentProfileFactory(
        user=student, school=school, school_confirmed_at=timezone.now(), school_confirmed_by=teacher
    )
    StudentProfileFactory(user=student2)  # no school given
    mine = ApplicationFactory(offer=offer, student=student, status="waitlisted")
    theirs = ApplicationFactory(offer=offer, student=student2)
    class_booking = BookingFactory(
        slot=slot, booked_by=teacher, group_size=18, class_name="TE22B", teacher_contact="x"
    )
    students_booking = BookingFactory(slot=slot, booked_by=student)

    html = dashboard_html(client, teacher)

    bookings = section(html, "school-bookings-title")
    assert url("placements:booking_detail", class_booking.pk, lang="en") in bookings
    assert "TE22B" in bookings and "18 people" in bookings
    assert url("placements:booking_detail", students_booking.pk, lang="en") not in html
    applications = section(html, "school-applications-title")
    assert url("placements:application_detail", mine.pk, lang="en") in applications
    assert "Elsa Lindqvist" in applications and "Wait-listed" in applications
    assert url("placements:application_detail", theirs.pk, lang="en") not in html


# --- The partnership report -----------------------------------------------------------------------


@pytest.fixture
def placements_data(company, company2, student, student2, teacher, visit):
    lk_a = OfferFactory(organisation=company, places=2)
    lk_b = OfferFactory(organisation=company, places=3, municipality="Nykvarn", closed=True)
    OfferFactory(organisation=company, places=7, draft=True)  # a draft is not offered yet
    fras = OfferFactory(organisation=company2, places=4, municipality="Huddinge")
    for offer, statuses in (
        (lk_a, ["accepted", "completed", "submitted", "declined"]),
        (lk_b, ["completed", "withdrawn"]),
        (fras, ["accepted", "waitlisted", "submitted"]),
    ):
        for status in statuses:
            ApplicationFactory(offer=offer, status=status)
    # Applications over more than one month.
    Application.objects.filter(pk__in=Application.objects.order_by("pk").values("pk")[:3]).update(
        submitted_at=timezone.now() - timedelta(days=62)
    )
    first = SlotFactory(offer=visit, capacity=20)
    second = SlotFactory(offer=visit, capacity=12, starts_at=first.starts_at + timedelta(days=7))
    BookingFactory(slot=first, booked_by=teacher, group_size=18)
    BookingFactory(slot=second, booked_by=student)
    BookingFactory(slot=second, booked_by=student2, status="cancelled")
    SlotFactory(offer=OfferFactory(organisation=company2, study_visit=True, draft=True), capacity=9)


def report_tables(client, lead):
    client.force_login(lead)
    response = client.get(url("report", lang="en"))
    assert response.status_code == 200
    (placements,) = [s for s in response.context["sections"] if s.key == "placements"]
    return {t.caption: t for t in placements.tables}, response.content.decode()


def test_report_figures_equal_independent_counts(client, lead, placements_data):
    tables, html = report_tables(client, lead)

    offered = [o for o in Offer.objects.all() if o.kind == "internship" and o.status != "draft"]
    applications = list(Application.objects.select_related("offer__organisation"))
    filled = [a for a in applications if a.status in ("accepted", "completed")]

    per_company = {
        name: [
            sum(o.places for o in offered if o.organisation.name == name),
            sum(1 for o in offered if o.organisation.name == name),
            sum(1 for a in filled if a.offer.organisation.name == name),
            sum(
                1
                for a in applications
                if a.status == "completed" and a.offer.organisation.name == name
            ),
        ]
        for name in {o.organisation.name for o in offered}
    }
    assert {r[0]: r[1:] for r in tables["Internship places per company"].rows} == per_company
    assert per_company == {"LK Precision AB": [5, 2, 3, 2], "Huddinge Fräs AB": [4, 1, 1, 0]}

    per_municipality = {
        m: [
            sum(o.places for o in offered if o.municipality == m),
            sum(1 for o in offered if o.municipality == m),
            sum(1 for a in filled if a.offer.municipality == m),
        ]
        for m in {o.municipality for o in offered}
    }
    assert {
        r[0]: r[1:] for r in tables["Internship places per municipality"].rows
    } == per_municipality

    slots = [
        s for s in Slot.objects.select_related("offer__organisation") if s.offer.status != "draft"
    ]
    visits = {
        name: [
            sum(s.capacity for s in slots if s.offer.organisation.name == name),
            sum(
                b.group_size
                for s in slots
                if s.offer.organisation.name == name
                for b in s.bookings.all()
                if b.status == "confirmed"
            ),
        ]
        for name in {s.offer.organisation.name for s in slots}
    }
    assert {r[0]: r[1:] for r in tables["Study visits per company"].rows} == visits
    assert visits == {"LK Precision AB": [32, 19]}

    months = Counter(timezone.localtime(a.submitted_at).strftime("%Y-%m") for a in applications)
    accepted = Counter(timezone.localtime(a.submitted_at).strftime("%Y-%m") for a in filled)
    assert {r[0]: r[1:] for r in tables["Applications over time"].rows} == {
        m: [n, accepted[m]] for m, n in months.items()
    }
    assert sum(months.values()) == 9
    # And the page shows them.
    assert '<th scope="row">LK Precision AB</th><td class="num">5</td>' in html
