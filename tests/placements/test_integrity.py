"""The integrity defects found by trying the workflows end to end: each test failed on the code
before the fix (the commit says which) and shows what a school or company would notice.

1 time slots edited while someone books; 2 a deleted account's open applications and bookings;
4 offers nobody can take up; 5 overlapping placements; 7 confirmation before irreversible
actions and one new application after withdrawing; and the guards that had no test.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from college_portal.accounts.personal_data import delete_account
from college_portal.notifications.models import Notification
from placements import selectors, services
from placements import views as placement_views  # noqa: F401  (the views module is patched)
from placements.forms import SlotFormSet
from placements.models import (
    Application,
    ApplicationStatus,
    Booking,
    BookingStatus,
    Offer,
    OfferStatus,
    Slot,
)
from placements.notifications import remind_study_visits
from tests.factories import ApplicationFactory, BookingFactory, OfferFactory, SlotFactory
from tests.helpers import post, shown_messages, url

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def slot_post_data(offer, slots, **changes):
    """The edit form as the browser sends it back: the offer's fields and its times."""
    data = {
        "title": offer.title,
        "description": offer.description,
        "municipality": offer.municipality,
        "address": offer.address,
        "places": offer.places,
        "contact_name": offer.contact_name,
        "contact_email": offer.contact_email,
        "kind": offer.kind,
        "slots-TOTAL_FORMS": len(slots),
        "slots-INITIAL_FORMS": len(slots),
        "slots-MIN_NUM_FORMS": 0,
        "slots-MAX_NUM_FORMS": 20,
    }
    for i, slot in enumerate(slots):
        local = timezone.localtime(slot.starts_at)
        data |= {
            f"slots-{i}-id": slot.pk,
            f"slots-{i}-offer": offer.pk,
            f"slots-{i}-starts_at": local.strftime("%Y-%m-%dT%H:%M"),
            f"slots-{i}-ends_at": timezone.localtime(slot.ends_at).strftime("%Y-%m-%dT%H:%M"),
            f"slots-{i}-capacity": slot.capacity,
        }
    data |= changes
    return data


@pytest.fixture
def booking_while_the_form_is_checked(monkeypatch, student2):
    """Between the edit form's validation and its save, a student books one place: what a
    booking committed by another request at that moment does."""

    class Racing(SlotFormSet):
        booked = False

        def is_valid(self):
            valid = super().is_valid()
            if valid and self.instance.pk and not Racing.booked:
                Racing.booked = True
                slot = self.instance.slots.order_by("starts_at").first()
                services.book(user=student2, slot_id=slot.pk)
            return valid

    monkeypatch.setattr("placements.views.offers.SlotFormSet", Racing)


# --- 1. Time slots ----------------------------------------------------------------------------


def test_editing_a_visit_keeps_a_booking_made_while_the_form_was_checked(
    client, rep, visit, booking_while_the_form_is_checked
):
    slot = SlotFactory(offer=visit, capacity=10)
    client.force_login(rep)

    later = timezone.localtime(slot.starts_at + timedelta(hours=1))
    response = client.post(
        url("placements:offer_edit", visit.pk),
        slot_post_data(visit, [slot], **{"slots-0-starts_at": later.strftime("%Y-%m-%dT%H:%M")}),
    )

    assert response.status_code == 302
    slot.refresh_from_db()
    assert slot.starts_at == later  # the edit was saved
    assert slot.places_taken == 1 == Booking.objects.filter(slot=slot).count()  # and the booking


def test_lowering_capacity_below_a_booking_made_meanwhile_is_refused(
    client, rep, visit, booking_while_the_form_is_checked
):
    slot = SlotFactory(offer=visit, capacity=3)
    Slot.objects.filter(pk=slot.pk).update(places_taken=2)
    client.force_login(rep)

    response = client.post(
        url("placements:offer_edit", visit.pk), slot_post_data(visit, [slot], **{"slots-0-capacity": 2})
    )

    # Two were booked when the form was checked, three by the time it would be saved.
    assert response.status_code == 200
    form = response.context["formset"].forms[0]
    assert "3 platser är redan bokade" in " ".join(form.errors["capacity"])
    slot.refresh_from_db()
    assert (slot.capacity, slot.places_taken) == (3, 3)


def test_capacity_below_places_booked_is_shown_at_the_field_and_nothing_is_saved(
    client, rep, visit
):
    slot = SlotFactory(offer=visit, capacity=10)
    Slot.objects.filter(pk=slot.pk).update(places_taken=4)
    client.force_login(rep)

    response = client.post(
        url("placements:offer_edit", visit.pk),
        slot_post_data(visit, [slot], title="Nytt namn", **{"slots-0-capacity": 3}),
    )

    assert response.status_code == 200
    assert "4 platser är redan bokade" in " ".join(
        response.context["formset"].forms[0].errors["capacity"]
    )
    slot.refresh_from_db()
    visit.refresh_from_db()
    assert slot.capacity == 10 and visit.title != "Nytt namn"


def test_a_time_with_bookings_cannot_be_removed(client, rep, visit, student):
    slot = SlotFactory(offer=visit, capacity=10)
    services.book(user=student, slot_id=slot.pk)
    client.force_login(rep)

    response = client.post(
        url("placements:offer_edit", visit.pk),
        slot_post_data(visit, [slot], **{"slots-0-DELETE": "on"}),
    )

    assert response.status_code == 200
    assert "kan inte tas bort" in response.content.decode()
    assert Slot.objects.filter(pk=slot.pk, places_taken=1).exists()


def test_a_time_whose_bookings_were_all_cancelled_is_removed_and_keeps_their_history(
    client, rep, visit, student
):
    slot = SlotFactory(offer=visit, capacity=10)
    booking = services.book(user=student, slot_id=slot.pk)
    services.cancel_booking(user=student, booking_id=booking.pk)
    client.force_login(rep)

    response = client.post(
        url("placements:offer_edit", visit.pk),
        slot_post_data(visit, [slot], **{"slots-0-DELETE": "on"}),
    )

    assert response.status_code == 302  # no error page from the protected booking
    slot.refresh_from_db()
    assert slot.cancelled_at is not None
    assert not services_bookable(visit)
    assert Booking.objects.get(pk=booking.pk).slot == slot


def services_bookable(offer):
    return [s for s in offer.slots.all() if s.is_bookable]


def test_admin_cannot_lower_a_capacity_below_places_booked(admin_client, visit):
    slot = SlotFactory(offer=visit, capacity=10)
    Slot.objects.filter(pk=slot.pk).update(places_taken=6)
    page = admin_client.get(f"/sv/admin/placements/offer/{visit.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "programmes"}
    data |= {
        "slots-TOTAL_FORMS": 1,
        "slots-INITIAL_FORMS": 1,
        "slots-MIN_NUM_FORMS": 0,
        "slots-MAX_NUM_FORMS": 1000,
        "slots-0-id": slot.pk,
        "slots-0-offer": visit.pk,
        "slots-0-starts_at_0": timezone.localtime(slot.starts_at).strftime("%Y-%m-%d"),
        "slots-0-starts_at_1": timezone.localtime(slot.starts_at).strftime("%H:%M"),
        "slots-0-ends_at_0": timezone.localtime(slot.ends_at).strftime("%Y-%m-%d"),
        "slots-0-ends_at_1": timezone.localtime(slot.ends_at).strftime("%H:%M"),
        "slots-0-capacity": 2,
    }
    data["organisation"] = visit.organisation_id
    data["created_by"] = ""

    admin_client.post(f"/sv/admin/placements/offer/{visit.pk}/change/", data)

    slot.refresh_from_db()
    assert (slot.capacity, slot.places_taken) == (10, 6)


# --- guards that had no test ------------------------------------------------------------------


def test_no_application_to_an_offer_of_an_inactive_organisation(student, offer, company):
    company.active = False
    company.save()

    with pytest.raises(ValidationError):
        services.apply(student=student, offer_id=offer.pk, motivation="Jag vill lära mig svarva.")

    assert not Application.objects.exists()


# --- 2. A deleted account ---------------------------------------------------------------------


def test_deleting_an_account_withdraws_open_applications_and_frees_the_place(
    rep, student, student2, company
):
    offer = OfferFactory(organisation=company, places=1)
    leaving = ApplicationFactory(offer=offer, student=student, status=ApplicationStatus.ACCEPTED)
    waiting = ApplicationFactory(offer=offer, student=student2, status=ApplicationStatus.WAITLISTED)
    pending = ApplicationFactory(
        offer=OfferFactory(organisation=company), student=student, status=ApplicationStatus.SUBMITTED
    )
    begun = ApplicationFactory(
        offer=OfferFactory(
            organisation=company,
            period_start=TODAY - timedelta(days=5),
            period_end=TODAY + timedelta(days=20),
        ),
        student=student,
        status=ApplicationStatus.ACCEPTED,
    )

    delete_account(user=student)

    leaving.refresh_from_db()
    pending.refresh_from_db()
    assert leaving.status == pending.status == ApplicationStatus.WITHDRAWN
    begun.refresh_from_db()
    assert begun.status == ApplicationStatus.ACCEPTED  # history: counted, anonymous
    assert begun.motivation == ""
    # The company can now offer the place to the first on the waiting list...
    assert selectors.places_left(offer) == 1
    assert selectors.first_waitlisted(offer) == waiting
    # ...and can no longer accept the one who left.
    with pytest.raises(ValidationError):
        services.decide(user=rep, application_id=pending.pk, decision="accept")


def test_deleting_an_account_cancels_future_bookings_and_sends_nothing_more(
    django_capture_on_commit_callbacks, student, slot
):
    booking = services.book(user=student, slot_id=slot.pk)
    past = BookingFactory(
        booked_by=student,
        slot=SlotFactory(offer=slot.offer, starts_at=timezone.now() - timedelta(days=3)),
    )
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        delete_account(user=student)
    with django_capture_on_commit_callbacks(execute=True):
        remind_study_visits(now=slot.starts_at - timedelta(days=1))

    booking.refresh_from_db()
    slot.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and slot.places_taken == 0
    assert Booking.objects.get(pk=past.pk).status == BookingStatus.CONFIRMED  # history stays
    student.refresh_from_db()
    assert not any(student.email in m.to for m in mail.outbox)
    # Nothing waits in the outbox for them, under any address.
    assert not Notification.objects.filter(recipient=None).exclude(status="sent").exists()


# --- 4. Offers nobody can take up -------------------------------------------------------------


def test_an_internship_past_its_last_day_cannot_be_published(rep, company):
    offer = OfferFactory(organisation=company, draft=True, application_deadline=TODAY - timedelta(days=1))

    with pytest.raises(ValidationError) as refused:
        services.publish_offer(user=rep, offer_id=offer.pk)

    assert "sista dagen" in " ".join(refused.value.messages).lower()
    offer.refresh_from_db()
    assert offer.status == OfferStatus.DRAFT


def test_a_visit_whose_last_booking_day_is_after_its_last_time_cannot_be_published(
    client, rep, company
):
    visit = OfferFactory(organisation=company, study_visit=True, draft=True)
    slot = SlotFactory(offer=visit)
    Offer.objects.filter(pk=visit.pk).update(
        application_deadline=timezone.localdate(slot.starts_at) + timedelta(days=2)
    )
    client.force_login(rep)

    response = post(client, url("placements:offer_publish", visit.pk))

    assert any("efter besökets sista tid" in m for m in shown_messages(response))
    visit.refresh_from_db()
    assert visit.status == OfferStatus.DRAFT


def test_lists_leave_out_offers_past_their_last_day_and_the_daily_job_closes_them(
    client, company
):
    from placements.tasks import report_passed_deadlines

    open_offer = OfferFactory(organisation=company, title="Öppen praktik")
    passed = OfferFactory(organisation=company, title="Passerad praktik")
    Offer.objects.filter(pk=passed.pk).update(application_deadline=TODAY - timedelta(days=1))
    gone_visit = OfferFactory(organisation=company, study_visit=True, title="Besök som varit")
    SlotFactory(offer=gone_visit, starts_at=timezone.now() - timedelta(hours=1))

    html = client.get(url("placements:offer_list")).content.decode()
    assert open_offer.title in html
    assert passed.title not in html and gone_visit.title not in html

    report_passed_deadlines()

    assert set(Offer.objects.filter(status=OfferStatus.CLOSED).values_list("title", flat=True)) == {
        passed.title,
        gone_visit.title,
    }
    open_offer.refresh_from_db()
    assert open_offer.status == OfferStatus.PUBLISHED


# --- 5. Overlapping placements ----------------------------------------------------------------


@pytest.fixture
def placed_elsewhere(student, company2):
    """The student already has a place at another company, overlapping LK's period."""
    other = OfferFactory(
        organisation=company2,
        period_start=TODAY + timedelta(days=40),
        period_end=TODAY + timedelta(days=70),
    )
    return ApplicationFactory(offer=other, student=student, status=ApplicationStatus.ACCEPTED)


def test_the_company_is_warned_that_the_applicant_is_placed_elsewhere(
    client, rep, offer, student, placed_elsewhere
):
    application = ApplicationFactory(offer=offer, student=student)
    client.force_login(rep)

    listing = client.get(url("placements:applicants", offer.pk)).content.decode()
    detail = client.get(url("placements:application_detail", application.pk)).content.decode()

    assert "Har plats på annat håll för en överlappande period" in listing
    assert "överlappande period" in detail
    assert placed_elsewhere.offer.organisation.name not in detail  # whose is not their business


def test_accepting_a_student_placed_elsewhere_for_an_overlapping_period_is_refused(
    rep, offer, student, placed_elsewhere
):
    application = ApplicationFactory(offer=offer, student=student)

    with pytest.raises(ValidationError) as refused:
        services.decide(user=rep, application_id=application.pk, decision="accept")

    assert "överlappande period" in " ".join(refused.value.messages)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED

    # Once they withdraw from the other place, they can be accepted.
    services.withdraw(student=student, application_id=placed_elsewhere.pk)
    services.decide(user=rep, application_id=application.pk, decision="accept")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED


def test_a_place_that_does_not_overlap_is_no_obstacle(rep, offer, student, company2):
    other = OfferFactory(
        organisation=company2,
        period_start=TODAY + timedelta(days=61),
        period_end=TODAY + timedelta(days=90),
    )
    ApplicationFactory(offer=other, student=student, status=ApplicationStatus.ACCEPTED)
    application = ApplicationFactory(offer=offer, student=student)

    services.decide(user=rep, application_id=application.pk, decision="accept")

    application.refresh_from_db()
    assert application.status == ApplicationStatus.ACCEPTED


# --- 7. Confirmation and a second chance ------------------------------------------------------


def test_withdrawing_asks_for_confirmation_first(client, student, offer):
    application = ApplicationFactory(offer=offer, student=student)
    client.force_login(student)

    detail = client.get(url("placements:application_detail", application.pk)).content.decode()
    assert f'href="{url("placements:withdraw", application.pk)}"' in detail
    page = client.get(url("placements:withdraw", application.pk))

    assert page.status_code == 200
    assert "Vill du återkalla din ansökan?" in page.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED

    post(client, url("placements:withdraw", application.pk))
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


def test_cancelling_a_booking_asks_for_confirmation_first(client, student, slot):
    booking = services.book(user=student, slot_id=slot.pk)
    client.force_login(student)

    page = client.get(url("placements:booking_cancel", booking.pk))

    assert page.status_code == 200
    assert "Vill du avboka?" in page.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED

    post(client, url("placements:booking_cancel", booking.pk))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_other_people_cannot_open_the_confirmation_pages(client, student, student2, offer, slot):
    application = ApplicationFactory(offer=offer, student=student)
    booking = services.book(user=student, slot_id=slot.pk)
    client.force_login(student2)

    assert client.get(url("placements:withdraw", application.pk)).status_code == 404
    assert client.get(url("placements:booking_cancel", booking.pk)).status_code == 404


def test_after_withdrawing_a_student_can_apply_once_more(client, student, offer):
    first = ApplicationFactory(offer=offer, student=student)
    services.withdraw(student=student, application_id=first.pk)
    client.force_login(student)

    page = client.get(url("placements:offer_detail", offer.pk))
    assert page.context["apply_form"] is not None
    response = post(
        client,
        url("placements:apply", offer.pk),
        {"motivation": "Jag har ändrat mig och vill gärna komma till er ändå."},
    )

    assert response.status_code == 302
    second = Application.objects.get(offer=offer, student=student, attempt=2)
    assert second.status == ApplicationStatus.SUBMITTED

    # Withdrawing the second one ends it: there is no third.
    services.withdraw(student=student, application_id=second.pk)
    assert "apply_form" not in client.get(url("placements:offer_detail", offer.pk)).context
    with pytest.raises(ValidationError):
        services.apply(student=student, offer_id=offer.pk, motivation="En gång till, snälla ni.")
    assert Application.objects.filter(offer=offer, student=student).count() == 2


def test_no_booking_on_a_visit_of_an_inactive_organisation(student, slot, company):
    """`book` asked the offer's status but forgot its organisation's active flag."""
    company.active = False
    company.save()

    with pytest.raises(ValidationError):
        services.book(user=student, slot_id=slot.pk)

    slot.refresh_from_db()
    assert slot.places_taken == 0 and not Booking.objects.exists()
