"""State changes of placements: offers, applications and bookings, each in one transaction
that records history and enqueues notifications after commit.

Scarce places follow pretix's order: lock the row that becomes less available (the offer for
internship places; the slot via a conditional UPDATE for study visits), then check, then write.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partners.models import Organisation

from . import notifications
from .models import (
    FILLED,
    HOST_ROLE,
    Application,
    ApplicationStatus,
    Booking,
    BookingStatus,
    Offer,
    OfferKind,
    OfferStatus,
    Slot,
    StatusChange,
)

A = ApplicationStatus


def _record(
    *, actor, action, to_status, from_status="", message="", application=None, booking=None
):
    return StatusChange.objects.create(
        application=application,
        booking=booking,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        message=message,
    )


# --- offers ---------------------------------------------------------------------------------


def organisations_for(user):
    """Organisations whose offers `user` manages."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user, active=True).distinct()


def managed_offers(user):
    return Offer.objects.filter(organisation__in=organisations_for(user))


def can_host(organisation, kind):
    return organisation.roles.filter(role=HOST_ROLE[kind]).exists()


@transaction.atomic
def save_offer(*, user, offer, programmes):
    """Create or update an offer of the user's own organisation (stays in its status)."""
    if not organisations_for(user).filter(pk=offer.organisation_id).exists():
        raise PermissionDenied
    if offer.pk is None:
        offer.created_by = user
    offer.save()
    offer.programmes.set(programmes)
    return offer


@transaction.atomic
def publish_offer(*, user, offer_id):
    offer = managed_offers(user).select_for_update().get(pk=offer_id)
    if not can_host(offer.organisation, offer.kind):
        raise ValidationError(
            _(
                "%(organisation)s is not a host of this kind of offer in the partnership. Ask the project lead."
            )
            % {"organisation": offer.organisation}
        )
    if (
        offer.kind == OfferKind.STUDY_VISIT
        and not offer.slots.filter(starts_at__gt=timezone.now()).exists()
    ):
        raise ValidationError(
            _("Add at least one future time slot before publishing a study visit.")
        )
    if offer.status != OfferStatus.PUBLISHED:
        offer.status = OfferStatus.PUBLISHED
        offer.published_at = offer.published_at or timezone.now()
        offer.save(update_fields=["status", "published_at", "updated_at"])
    return offer


@transaction.atomic
def close_offer(*, user, offer_id):
    offer = managed_offers(user).select_for_update().get(pk=offer_id)
    offer.status = OfferStatus.CLOSED
    offer.save(update_fields=["status", "updated_at"])
    return offer


@transaction.atomic
def copy_offer(*, user, offer_id):
    """A new draft with the same content (and future slots without bookings)."""
    original = managed_offers(user).get(pk=offer_id)
    programmes = list(original.programmes.all())
    slots = list(original.slots.filter(starts_at__gt=timezone.now()))
    copy = Offer.objects.get(pk=original.pk)
    copy.pk = None
    copy.title = _("Copy of %(title)s") % {"title": original.title}
    copy.status = OfferStatus.DRAFT
    copy.published_at = None
    copy.created_by = user
    copy.save()
    copy.programmes.set(programmes)
    for slot in slots:
        Slot.objects.create(
            offer=copy, starts_at=slot.starts_at, ends_at=slot.ends_at, capacity=slot.capacity
        )
    return copy


# --- applications ---------------------------------------------------------------------------


@transaction.atomic
def apply(*, student, offer_id, motivation, cv=None):
    if not student.is_student:
        raise PermissionDenied
    offer = Offer.objects.select_related("organisation").get(pk=offer_id)
    if offer.kind != OfferKind.INTERNSHIP or not offer.is_open or not offer.organisation.active:
        raise ValidationError(_("This offer is not open for applications."))
    if Application.objects.filter(offer=offer, student=student).exists():
        raise ValidationError(_("You have already applied for this internship."))
    try:
        # A double click passes the check above twice; the unique constraint stops the second.
        with transaction.atomic():
            application = Application.objects.create(
                offer=offer, student=student, motivation=motivation, cv=cv or ""
            )
    except IntegrityError:
        raise ValidationError(_("You have already applied for this internship.")) from None
    _record(
        actor=student,
        action="application.submitted",
        to_status=A.SUBMITTED,
        application=application,
    )
    notifications.application_received(application)
    return application


@transaction.atomic
def withdraw(*, student, application_id):
    application = (
        Application.objects.select_for_update()
        .select_related("offer")
        .get(pk=application_id, student=student)
    )
    if not application.can_withdraw:
        raise ValidationError(_("This application can no longer be withdrawn."))
    previous = application.status
    application.status = A.WITHDRAWN
    application.withdrawn_at = timezone.now()
    application.save(update_fields=["status", "withdrawn_at"])
    _record(
        actor=student,
        action="application.withdrawn",
        from_status=previous,
        to_status=A.WITHDRAWN,
        application=application,
    )
    notifications.application_withdrawn(application, was_accepted=previous == A.ACCEPTED)
    return application


DECISIONS = {
    "accept": A.ACCEPTED,
    "decline": A.DECLINED,
    "waitlist": A.WAITLISTED,
}


@transaction.atomic
def decide(*, user, application_id, decision, message=""):
    """Accept, decline or wait-list. Accepting locks the offer row first, so two people
    deciding at the same moment can never accept more students than there are places."""
    if decision not in DECISIONS:
        raise ValidationError(_("Unknown decision."))
    offer_id = (
        Application.objects.decidable_by(user)
        .filter(pk=application_id)
        .values_list("offer_id", flat=True)
        .first()
    )
    if offer_id is None:
        raise PermissionDenied
    offer = Offer.objects.select_for_update().get(pk=offer_id)
    application = (
        Application.objects.select_for_update().select_related("student").get(pk=application_id)
    )
    new_status = DECISIONS[decision]
    allowed_from = {
        A.ACCEPTED: (A.SUBMITTED, A.WAITLISTED),
        A.DECLINED: (A.SUBMITTED, A.WAITLISTED, A.ACCEPTED),
        A.WAITLISTED: (A.SUBMITTED,),
    }[new_status]
    if application.status not in allowed_from:
        raise ValidationError(
            _("An application that is %(status)s cannot be changed that way.")
            % {"status": application.get_status_display().lower()}
        )
    if new_status == A.ACCEPTED:
        filled = offer.applications.filter(status__in=FILLED).count()
        if filled >= offer.places:
            raise ValidationError(_("All places are taken. Wait-list the student or decline."))
    previous = application.status
    application.status = new_status
    application.decision_message = message
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decision_message", "decided_at"])
    change = _record(
        actor=user,
        action=f"application.{new_status}",
        from_status=previous,
        to_status=new_status,
        message=message,
        application=application,
    )
    notifications.decision(application, change)
    return application


@transaction.atomic
def complete(*, user, application_id):
    application = (
        Application.objects.decidable_by(user)
        .select_for_update()
        .select_related("offer")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise PermissionDenied
    if application.status != A.ACCEPTED:
        raise ValidationError(_("Only an accepted placement can be marked completed."))
    if application.offer.period_end and application.offer.period_end > timezone.localdate():
        raise ValidationError(_("The placement period has not ended yet."))
    application.status = A.COMPLETED
    application.completed_at = timezone.now()
    application.save(update_fields=["status", "completed_at"])
    _record(
        actor=user,
        action="application.completed",
        from_status=A.ACCEPTED,
        to_status=A.COMPLETED,
        application=application,
    )
    return application


def places_left(offer, filled=None):
    """Internship places not yet taken; `filled` when the caller has already counted them."""
    if filled is None:
        filled = offer.applications.filter(status__in=FILLED).count()
    return max(0, offer.places - filled)


def first_waitlisted(offer):
    return (
        offer.applications.filter(status=A.WAITLISTED)
        .order_by("decided_at", "submitted_at")
        .first()
    )


# --- bookings -------------------------------------------------------------------------------


@transaction.atomic
def book(*, user, slot_id, group_size=1, class_name="", teacher_contact=""):
    """Book places on a study-visit slot. The conditional UPDATE takes the places only if
    they are there; under 20 concurrent requests for the last place exactly one succeeds."""
    if user.is_student:
        group_size = 1
    elif not user.is_school_staff:
        raise PermissionDenied
    if group_size < 1:
        raise ValidationError(_("Book at least one place."))
    slot = Slot.objects.select_related("offer").get(pk=slot_id)
    offer = slot.offer
    if offer.kind != OfferKind.STUDY_VISIT or offer.status != OfferStatus.PUBLISHED:
        raise ValidationError(_("This study visit is not open for booking."))
    if slot.starts_at <= timezone.now():
        raise ValidationError(_("This time has already passed."))
    if offer.application_deadline and offer.application_deadline < timezone.localdate():
        raise ValidationError(_("The last day to book has passed."))
    if Booking.objects.filter(slot=slot, booked_by=user, status=BookingStatus.CONFIRMED).exists():
        raise ValidationError(_("You have already booked this time."))
    taken = Slot.objects.filter(pk=slot.pk, places_taken__lte=F("capacity") - group_size).update(
        places_taken=F("places_taken") + group_size
    )
    if not taken:
        slot.refresh_from_db(fields=["places_taken"])
        raise ValidationError(
            ngettext(
                "Not enough places left on this time: %(left)d left.",
                "Not enough places left on this time: %(left)d left.",
                slot.places_left,
            )
            % {"left": slot.places_left}
        )
    try:
        # A double click passes the check above twice; the unique constraint stops the second
        # (and the error undoes its taking of places).
        with transaction.atomic():
            booking = Booking.objects.create(
                slot=slot,
                booked_by=user,
                group_size=group_size,
                class_name=class_name,
                teacher_contact=teacher_contact,
            )
    except IntegrityError:
        raise ValidationError(_("You have already booked this time.")) from None
    _record(
        actor=user, action="booking.confirmed", to_status=BookingStatus.CONFIRMED, booking=booking
    )
    notifications.booking_confirmed(booking)
    return booking


@transaction.atomic
def cancel_booking(*, user, booking_id):
    booking = (
        Booking.objects.select_for_update().filter(pk=booking_id).filter(booked_by=user).first()
    )
    if booking is None:
        raise PermissionDenied
    if booking.status != BookingStatus.CONFIRMED:
        raise ValidationError(_("This booking is already cancelled."))
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = timezone.now()
    booking.save(update_fields=["status", "cancelled_at"])
    Slot.objects.filter(pk=booking.slot_id).update(
        places_taken=F("places_taken") - booking.group_size
    )
    _record(
        actor=user,
        action="booking.cancelled",
        from_status=BookingStatus.CONFIRMED,
        to_status=BookingStatus.CANCELLED,
        booking=booking,
    )
    return booking
