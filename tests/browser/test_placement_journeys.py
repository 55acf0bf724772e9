"""Internships and study visits in a real browser, on the demo partnership and in Swedish (the
demo accounts' language): LK Precision posts an internship, a student applies, the company
accepts her and she reads the decision; a teacher books a study visit for a class and saves it
in her calendar. Each role's offer list, offer page and dashboard pass axe's WCAG A/AA rules.
Screenshots of each step go to screenshots/placement-*.png."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from college_portal.accounts.demo import DEMO_PASSWORD
from placements.models import Application, ApplicationStatus, Booking, Offer, OfferStatus
from tests.helpers import live_url, sv, url

pytestmark = pytest.mark.browser

COMPANY, STUDENT, TEACHER = "lk@example.org", "student@example.org", "teacher@example.org"
TITLE = "Praktikplats: mätteknik och CMM-programmering"
MOTIVATION = (
    "Jag läser Mätteknik 1 och vill lära mig programmera koordinatmätmaskinen i en riktig "
    "produktion, med de toleranser som gäller där."
)
VISIT = "Studiebesök i LK Precisions verkstad"


def sign_in(page, live_server, email):
    """Sign in through the login form; the portal lands on the dashboard, in Swedish."""
    page.goto(live_url(live_server, "account_login"))
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("main form").get_by_role("button", name=re.compile("logga in", re.I)).click()
    expect(page).to_have_url(live_url(live_server, "dashboard"))


def see_offers_and_dashboard(page, live_server, axe, role, offer, shot=None):
    """The offer list and an offer's page as this role, checked by axe; back to the dashboard."""
    page.goto(live_url(live_server, "placements:offer_list"))
    offer_path = url("placements:offer_detail", pk=offer.pk)
    expect(page.locator(f'main .card-list a[href="{offer_path}"]')).to_be_visible()
    if shot:
        shot(page, f"placement-offer-list-{role}")
    axe.check(page, f"offer list ({role})")
    page.goto(live_url(live_server, "placements:offer_detail", pk=offer.pk))
    expect(page.get_by_role("heading", level=1)).to_have_text(offer.title)
    axe.check(page, f"offer page ({role})")
    page.goto(live_url(live_server, "dashboard"))
    axe.check(page, f"dashboard ({role})")


def test_company_posts_student_applies_company_accepts(
    live_server, page, new_page, shot, demo, axe, mailoutbox
):
    today = timezone.localdate()
    demo_internship = Offer.objects.get(title="Praktikplats: CNC-fräsning i fleroperationsmaskin")

    # (a) LK Precision's representative signs in and starts a new offer from the dashboard.
    sign_in(page, live_server, COMPANY)
    axe.check(page, "dashboard (company)")
    shot(page, "placement-01-company-dashboard")
    create = url("placements:offer_create")
    page.locator(f'main a[href="{create}"]').click()
    expect(page).to_have_url(live_server.url + create)

    page.locator("#id_kind").select_option("internship")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_description").fill(
        "Du arbetar i vårt mätrum med CMM: uppspänning, mätprogram och mätprotokoll.\n\n"
        "Handledare finns på plats hela perioden."
    )
    page.locator("#id_municipality").select_option("Södertälje")
    page.locator("#id_address").fill("Verkstadsvägen 12, Södertälje")
    page.get_by_label("CNC-operatör (yrkesvux)").check()
    page.locator("#id_places").fill("1")
    page.locator("#id_application_deadline").fill((today + timedelta(days=14)).isoformat())
    # After the demo student's accepted place, so that accepting her here is no overlap.
    page.locator("#id_period_start").fill((today + timedelta(days=100)).isoformat())
    page.locator("#id_period_end").fill((today + timedelta(days=128)).isoformat())
    page.locator("#id_contact_name").fill("Karin Berg")
    page.locator("#id_contact_email").fill(COMPANY)
    shot(page, "placement-02-offer-form")
    page.locator("main form.form").locator('button[type="submit"]').click()

    # The preview: a draft only the company sees, with a publish button.
    offer = Offer.objects.get(title=TITLE)
    offer_path = url("placements:offer_detail", pk=offer.pk)
    expect(page).to_have_url(live_server.url + offer_path)
    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator("main .message-warning")).to_have_text(
        sv("Preview: this offer is a draft and only your organisation sees it.")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("main")).to_contain_text("CNC-operatör (yrkesvux)")
    shot(page, "placement-03-offer-preview")
    axe.check(page, "offer preview (company)")
    publish = url("placements:offer_publish", pk=offer.pk)
    page.locator(f'form[action="{publish}"] button').click()
    expect(page).to_have_url(live_server.url + offer_path)
    expect(page.locator(".message-success")).to_have_text(sv("The offer is published."))
    expect(page.locator("main .message-warning")).to_have_count(0)
    shot(page, "placement-04-offer-published")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.PUBLISHED
    see_offers_and_dashboard(page, live_server, axe, "company", offer, shot)

    # (b) The student, in a browser of her own, finds the offer in the list and applies.
    student = new_page()
    sign_in(student, live_server, STUDENT)
    shot(student, "placement-05-student-dashboard")
    student.goto(live_url(live_server, "placements:offer_list"))
    student.locator(f'main a[href="{offer_path}"]').click()
    expect(student).to_have_url(live_server.url + offer_path)
    student.locator("#id_motivation").fill(MOTIVATION)
    shot(student, "placement-06-apply-form")
    axe.check(student, "offer page with application form (student)")
    student.locator(f'form[action="{url("placements:apply", pk=offer.pk)}"] button').click()

    application = Application.objects.get(offer=offer)
    application_path = url("placements:application_detail", pk=application.pk)
    expect(student).to_have_url(live_server.url + application_path)
    expect(student.locator(".message-success")).to_be_visible()
    expect(student.locator("main .facts .badge")).to_have_text(sv("Submitted"))
    expect(student.locator("main")).to_contain_text("koordinatmätmaskinen")
    shot(student, "placement-07-application-submitted")
    axe.check(student, "application (student, submitted)")
    # The company heard of it (after commit, sent in-process).
    received = [m for m in mailoutbox if COMPANY in m.to and TITLE in m.body]
    assert len(received) == 1
    see_offers_and_dashboard(student, live_server, axe, "student", demo_internship)

    # (c) The company opens the applicants of its offer and accepts her with a message.
    page.goto(live_server.url + offer_path)
    page.locator(f'main a[href="{url("placements:applicants", pk=offer.pk)}"]').click()
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Elsa Lindqvist"))
    expect(row.locator("td .badge")).to_have_text(sv("Submitted"))
    shot(page, "placement-08-applicants")
    axe.check(page, "applicants (company)")
    row.get_by_role("link", name="Elsa Lindqvist").click()
    expect(page).to_have_url(live_server.url + application_path)
    expect(page.locator("main")).to_contain_text("koordinatmätmaskinen")
    page.get_by_label(sv("Accept"), exact=True).check()
    page.locator("#id_message").fill("Välkommen! Ta med skyddsskor första dagen, vi börjar 07.00.")
    shot(page, "placement-09-decision-form")
    axe.check(page, "application with decision form (company)")
    page.locator(f'form[action="{url("placements:decide", pk=application.pk)}"] button').click()
    expect(page).to_have_url(live_server.url + application_path)
    expect(page.locator(".message-success")).to_have_text(
        sv("The decision has been saved and the student informed.")
    )
    expect(page.locator("main .facts .badge")).to_have_text(sv("Accepted"))
    shot(page, "placement-10-accepted")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED

    # (d) The student sees the decision on her dashboard and on the application, and by e-mail.
    student.goto(live_url(live_server, "dashboard"))
    mine = student.locator("main section", has=student.locator("#my-applications-title"))
    item = mine.locator("li").filter(has=student.locator(f'a[href="{application_path}"]'))
    expect(item.locator(".badge")).to_have_text(sv("Accepted"))
    shot(student, "placement-11-student-dashboard-decision")
    item.get_by_role("link", name=TITLE).click()
    expect(student).to_have_url(live_server.url + application_path)
    expect(student.locator("main .facts .badge")).to_have_text(sv("Accepted"))
    expect(student.locator("main .facts")).to_contain_text("Ta med skyddsskor")
    # The history names the statuses as the badges do, not by their stored values.
    history = student.locator("main ol.history > li")
    expect(history).to_have_count(2)
    expect(history.nth(1).locator("strong")).to_have_text(sv("Accepted"))
    expect(history.nth(1)).to_contain_text(sv("Submitted") + " → ")
    expect(history.nth(1)).to_contain_text("Karin Berg")
    shot(student, "placement-12-student-application-accepted")
    axe.check(student, "application (student, accepted)")

    decisions = [m for m in mailoutbox if m.to == [STUDENT]]
    assert len(decisions) == 1, [m.subject for m in mailoutbox]
    (decision,) = decisions
    assert TITLE in decision.subject + decision.body
    assert "Ta med skyddsskor" in decision.body
    assert application_path in decision.body

    report = axe.report()
    assert not report, f"axe found WCAG A/AA violations:\n{report}"


def test_teacher_books_a_study_visit_for_a_class(live_server, page, shot, demo, axe, tmp_path):
    visit = Offer.objects.get(title=VISIT)
    first, second = visit.slots.order_by("starts_at")
    visit_path = url("placements:offer_detail", pk=visit.pk)

    sign_in(page, live_server, TEACHER)
    shot(page, "placement-13-teacher-dashboard")
    axe.check(page, "dashboard (teacher)")
    page.goto(live_url(live_server, "placements:offer_list") + "?kind=study_visit")
    page.locator(f'main a[href="{visit_path}"]').click()
    expect(page).to_have_url(live_server.url + visit_path)
    expect(page.get_by_role("heading", level=1)).to_have_text(VISIT)
    axe.check(page, "offer list → study visit (teacher)")

    # The demo teacher already has class IN22 (18 pupils) on the first time: the page says so,
    # and booking it again is refused with a message, not an error page.
    booking_form = page.locator(f'form[action="{url("placements:book", pk=visit.pk)}"]')
    expect(booking_form.get_by_role("radio")).to_have_count(2)
    expect(page.locator(".call-to-action")).to_contain_text(sv("See the booking"))
    shot(page, "placement-14-study-visit")

    def book(slot_index, class_name):
        booking_form.get_by_role("radio").nth(slot_index).check()
        booking_form.locator("#id_group_size").fill("18")
        booking_form.locator("#id_class_name").fill(class_name)
        booking_form.locator("#id_teacher_contact").fill("maria.sandstrom@skola.example")
        booking_form.locator('button[type="submit"]').click()

    book(0, "IN23")
    expect(page).to_have_url(live_server.url + visit_path)
    expect(page.locator(".message-error")).to_have_text(sv("You have already booked this time."))
    shot(page, "placement-15-first-time-already-booked")
    axe.check(page, "study visit with an error message (teacher)")
    assert Booking.objects.filter(slot=first).count() == 1

    # The second time has all its 25 places: IN23 gets 18 of them.
    book(1, "IN23")
    booking = Booking.objects.get(slot=second)
    booking_path = url("placements:booking_detail", pk=booking.pk)
    expect(page).to_have_url(live_server.url + booking_path)
    expect(page.locator(".message-success")).to_be_visible()
    expect(page.locator("main .facts")).to_contain_text("IN23")
    expect(page.locator("main .facts")).to_contain_text("18")
    expect(page.locator("main .facts .badge")).to_have_text(sv("Confirmed"))
    shot(page, "placement-16-booking")
    axe.check(page, "booking (teacher)")
    second.refresh_from_db()
    assert second.places_taken == 18

    # The calendar file downloads and describes the visit.
    with page.expect_download() as download_info:
        page.locator(f'main a[href="{url("placements:booking_ics", pk=booking.pk)}"]').click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    saved = Path(tmp_path) / download.suggested_filename
    download.save_as(saved)
    calendar = saved.read_text(encoding="utf-8")
    assert calendar.startswith("BEGIN:VCALENDAR")
    assert "BEGIN:VEVENT" in calendar
    unfolded = calendar.replace("\r\n ", "").replace("\n ", "")
    assert VISIT in unfolded

    # The booking is on the dashboard.
    page.goto(live_url(live_server, "dashboard"))
    bookings = page.locator("main section", has=page.locator("#school-bookings-title"))
    expect(bookings.locator(f'a[href="{booking_path}"]')).to_have_text(VISIT)
    shot(page, "placement-17-teacher-dashboard-booked")
    see_offers_and_dashboard(page, live_server, axe, "teacher", visit)

    report = axe.report()
    assert not report, f"axe found WCAG A/AA violations:\n{report}"
