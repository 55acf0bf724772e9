"""A study visit's host in a real browser, on the demo partnership and in Swedish: LK
Precision's representative sees who is coming to each time (the demo teacher's class and a
student), cancels a time with a message, and the teacher reads the cancellation on her booking;
the teacher's dashboard lists the student waiting for the school's confirmation. Every page
passes axe's WCAG A/AA rules. Screenshots go to screenshots/host-*.png."""

import pytest
from playwright.sync_api import expect

from college_portal.accounts.models import User
from placements import services
from placements.models import Booking, BookingStatus, Offer
from tests.browser.test_placement_journeys import COMPANY, STUDENT, TEACHER, VISIT, sign_in
from tests.helpers import sv, url

pytestmark = pytest.mark.browser

MESSAGE = "Vår fleroperationsmaskin har gått sönder. Välkomna den andra tiden i stället!"


def test_host_sees_who_is_coming_and_cancels_a_time(
    live_server, page, new_page, shot, demo, axe, mailoutbox
):
    visit = Offer.objects.get(title=VISIT)
    first, second = visit.slots.order_by("starts_at")
    student_booking = services.book(user=User.objects.get(email=STUDENT), slot_id=first.pk)
    class_booking = Booking.objects.get(slot=first, class_name="IN22")
    bookings_path = url("placements:offer_bookings", pk=visit.pk)

    # (a) The representative follows the dashboard's booking count to the visit's bookings.
    sign_in(page, live_server, COMPANY)
    expect(page.locator(f'main a[href="{bookings_path}"]')).to_have_text("2")  # two bookings
    shot(page, "host-00-company-dashboard")
    page.locator(f'main a[href="{bookings_path}"]').click()
    expect(page).to_have_url(live_server.url + bookings_path)
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Who is coming"))
    first_time = page.locator("main section", has=page.locator(f"#slot-{first.pk}-title"))
    teacher_row = first_time.get_by_role("row").filter(has_text="IN22")
    for text in ("Täljegymnasiet", "18", "08-555 123 45"):
        expect(teacher_row).to_contain_text(text)
    expect(first_time.get_by_role("row").filter(has_text=STUDENT)).to_have_count(1)
    expect(first_time).to_contain_text("19 / 25")
    shot(page, "host-01-bookings")
    axe.check(page, "bookings (company)")

    # (b) Cancelling the first time asks for a message; without one, nothing happens.
    first_time.get_by_role("link", name=sv("Cancel this time")).click()
    cancel_path = url("placements:slot_cancel", pk=first.pk)
    expect(page).to_have_url(live_server.url + cancel_path)
    expect(page.get_by_role("heading", level=1)).to_have_text(sv("Cancel this time?"))
    shot(page, "host-02-cancel-time")
    axe.check(page, "cancel a time (company)")
    confirm = page.get_by_role("button", name=sv("Yes, cancel the time and tell everyone"))
    confirm.click()
    expect(page.locator(".error-summary")).to_contain_text(
        sv("Write a message to those who have booked.")
    )
    shot(page, "host-03-cancel-time-without-message")
    axe.check(page, "cancel a time, message missing (company)")
    first.refresh_from_db()
    assert first.cancelled_at is None

    # (c) With a message, the time is cancelled, the places freed and everyone told.
    page.get_by_label(sv("Message to everyone booked")).fill(MESSAGE)
    confirm.click()
    expect(page).to_have_url(live_server.url + bookings_path)
    expect(page.locator(".message-success")).to_have_text(
        sv("The time is cancelled. Everyone who had booked it is told by e-mail.")
    )
    expect(first_time).to_contain_text(MESSAGE)
    expect(first_time.get_by_role("link", name=sv("Cancel this time"))).to_have_count(0)
    second_time = page.locator("main section", has=page.locator(f"#slot-{second.pk}-title"))
    expect(second_time.get_by_role("link", name=sv("Cancel this time"))).to_have_count(1)
    shot(page, "host-04-time-cancelled")
    axe.check(page, "bookings with a cancelled time (company)")
    first.refresh_from_db()
    assert (first.places_taken, first.cancellation_message) == (0, MESSAGE)
    for booking in (student_booking, class_booking):
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CANCELLED
    for address in (TEACHER, STUDENT):
        told = [m for m in mailoutbox if m.to == [address] and MESSAGE in m.body]
        assert len(told) == 1, address

    # (d) The teacher reads it on her booking, and sees the student waiting for confirmation.
    teacher = new_page()
    sign_in(teacher, live_server, TEACHER)
    waiting = teacher.locator("main section", has=teacher.locator("#school-waiting-title"))
    expect(waiting).to_contain_text("student2@example.org")
    shot(teacher, "host-05-teacher-dashboard")
    axe.check(teacher, "dashboard with students waiting (teacher)")
    teacher.goto(live_server.url + url("placements:booking_detail", pk=class_booking.pk))
    expect(teacher.locator("main .message-warning")).to_contain_text(MESSAGE)
    expect(teacher.locator("main .facts .badge")).to_have_text(sv("Cancelled"))
    shot(teacher, "host-06-teacher-booking-cancelled")
    axe.check(teacher, "cancelled booking (teacher)")

    report = axe.report()
    assert not report, f"axe found WCAG A/AA violations:\n{report}"
