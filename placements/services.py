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

from college_portal.accounts.models import User
from college_portal.activity import actions
from college_portal.activity.services import changes, log
from partners.models import Organisation

from . import notifications, selectors
from .models import (
    DECISIONS,
    FILLED,
    HOST_ROLE,
    MAX_APPLICATION_ATTEMPTS,
    WHOLE_TIME_KINDS,
    Application,
    ApplicationStatus,
    Booking,
    BookingStatus,
    Offer,
    OfferKind,
    OfferStatus,
    Slot,
    StatusChange,
    StudentProfile,
)
from .selectors import staff_schools

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


def can_host(organisation, kind):
    return organisation.roles.filter(role=HOST_ROLE[kind]).exists()


@transaction.atomic
def save_offer(*, user, offer, programmes):
    """Create or update an offer of the user's own organisation (stays in its status)."""
    if not Organisation.objects.acted_for_by(user).filter(pk=offer.organisation_id).exists():
        raise PermissionDenied
    before = Offer.objects.filter(pk=offer.pk).first() if offer.pk else None
    if offer.pk is None:
        offer.created_by = user
    offer.save()
    offer.programmes.set(programmes)
    if before is not None:
        changed = changes(before, offer, LOGGED_OFFER_FIELDS)
        if changed:
            log(
                actor=user,
                action=actions.OFFER_EDITED,
                obj=offer,
                organisation=offer.organisation_id,
                data=changed,
            )
    return offer


# What the activity log keeps of an offer's edits: capacity and dates.
LOGGED_OFFER_FIELDS = ("places", "application_deadline", "period_start", "period_end")
SLOT_FIELDS = ("starts_at", "ends_at", "capacity")


def _log_slot(user, offer, slot, data):
    log(
        actor=user,
        action=actions.OFFER_SLOT_CHANGED,
        obj=offer,
        organisation=offer.organisation_id,
        data={"slot": slot.pk, **data},
    )


def _places_booked_message(taken):
    return ngettext(
        "%(taken)d place is already booked; the capacity cannot be lower.",
        "%(taken)d places are already booked; the capacity cannot be lower.",
        taken,
    ) % {"taken": taken}


@transaction.atomic
def save_slots(*, user, offer, added=(), changed=(), removed=()):
    """Add, change and remove the times of a booked offer. Only start, end and capacity are ever
    written, never `places_taken`: that belongs to `book` and `cancel_booking`.

    `added`: dicts of starts_at, ends_at, capacity; `changed`: (slot id, dict) pairs;
    `removed`: slot ids. A change is a conditional UPDATE that keeps the capacity at or above
    the places taken at that moment (a booking committed meanwhile counts); a removal locks the
    time, and one with bookings is refused. Raises ValidationError and writes nothing then.
    """
    if not (user.is_staff or Offer.objects.managed_by(user).filter(pk=offer.pk).exists()):
        raise PermissionDenied
    fields = SLOT_FIELDS
    for slot_id, values in changed:
        values = {name: values[name] for name in fields}
        before = Slot.objects.filter(pk=slot_id, offer=offer).first()
        updated = Slot.objects.filter(
            pk=slot_id, offer=offer, places_taken__lte=values["capacity"]
        ).update(**values)
        if not updated:
            taken = Slot.objects.filter(pk=slot_id, offer=offer).values_list(
                "places_taken", flat=True
            )
            raise ValidationError(
                _places_booked_message(taken.first() or 0),
                code="capacity_below_booked",
                params={"slot": slot_id, "field": "capacity"},
            )
        after = Slot(**values)
        _log_slot(user, offer, before, changes(before, after, fields))
    for slot_id in removed:
        slot = Slot.objects.select_for_update().filter(pk=slot_id, offer=offer).first()
        if slot is None:
            continue
        if slot.places_taken:
            raise ValidationError(
                _("A time with bookings cannot be removed. Cancel the bookings first."),
                code="slot_has_bookings",
                params={"slot": slot_id, "field": None},
            )
        _log_slot(user, offer, slot, changes(slot, None, fields))
        if slot.bookings.exists():
            # Its cancelled bookings keep their history: the time is cancelled, not deleted.
            slot.cancelled_at = slot.cancelled_at or timezone.now()
            slot.save(update_fields=["cancelled_at"])
        else:
            slot.delete()
    for values in added:
        slot = Slot.objects.create(offer=offer, **{name: values[name] for name in fields})
        _log_slot(user, offer, slot, changes(None, slot, fields))


@transaction.atomic
def publish_offer(*, user, offer_id):
    offer = Offer.objects.managed_by(user).select_for_update().get(pk=offer_id)
    if not can_host(offer.organisation, offer.kind):
        raise ValidationError(
            _(
                "%(organisation)s is not a host of this kind of offer in the partnership. Ask the project lead."
            )
            % {"organisation": offer.organisation}
        )
    _check_can_be_taken_up(offer)
    if offer.status != OfferStatus.PUBLISHED:
        _set_status(offer, OfferStatus.PUBLISHED, actor=user, action=actions.OFFER_PUBLISHED)
    return offer


def _set_status(offer, status, *, actor, action, **data):
    previous = offer.status
    offer.status = status
    if status == OfferStatus.PUBLISHED:
        offer.published_at = offer.published_at or timezone.now()
    offer.save(update_fields=["status", "published_at", "updated_at"])
    log(
        actor=actor,
        action=action,
        obj=offer,
        organisation=offer.organisation_id,
        data={"status": [previous, status], **data},
    )


def _check_can_be_taken_up(offer):
    """Refuse to publish an offer nobody could take up: the last day has passed, the
    internship's period is over, or a study visit has no time ahead of its last booking day."""
    today = timezone.localdate()
    errors = []
    if offer.application_deadline and offer.application_deadline < today:
        errors.append(_("The last day to apply or book has already passed. Change it first."))
    if offer.kind == OfferKind.INTERNSHIP and offer.period_end and offer.period_end < today:
        errors.append(_("The internship's period has already ended. Change it first."))
    if offer.is_booked:
        times = offer.slots.bookable()
        last = times.order_by("-starts_at").values_list("starts_at", flat=True).first()
        if last is None:
            errors.append(
                _("Add at least one future time slot before publishing a study visit.")
                if offer.kind == OfferKind.STUDY_VISIT
                else _("Add at least one future time slot before publishing the offer.")
            )
        elif offer.application_deadline and offer.application_deadline > timezone.localdate(last):
            errors.append(
                _("The last day to book is after the last time of the visit. Move it earlier.")
                if offer.kind == OfferKind.STUDY_VISIT
                else _("The last day to book is after the last time. Move it earlier.")
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def close_offer(*, user, offer_id):
    offer = Offer.objects.managed_by(user).select_for_update().get(pk=offer_id)
    if offer.status != OfferStatus.CLOSED:
        _set_status(offer, OfferStatus.CLOSED, actor=user, action=actions.OFFER_CLOSED)
    return offer


def close_passed_offers():
    """Close every published offer that can no longer be taken up (its last day has passed,
    its period has ended, or a study visit's times are all behind it); the public lists
    already leave them out. Returns how many were closed."""
    passed = Offer.objects.published().exclude(pk__in=Offer.objects.open_for_application())
    closed = 0
    for offer_id in passed.values_list("pk", flat=True):
        with transaction.atomic():
            offer = Offer.objects.select_for_update().filter(pk=offer_id).first()
            if offer is None or offer.status != OfferStatus.PUBLISHED:
                continue
            # Closed by the portal itself (no actor) as its last day passed.
            _set_status(
                offer, OfferStatus.CLOSED, actor=None, action=actions.OFFER_CLOSED, automatic=True
            )
            closed += 1
    return closed


@transaction.atomic
def copy_offer(*, user, offer_id):
    """A new draft with the same content (and future slots without bookings)."""
    original = Offer.objects.managed_by(user).get(pk=offer_id)
    programmes = list(original.programmes.all())
    slots = list(original.slots.bookable())
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
    log(
        actor=user,
        action=actions.OFFER_COPIED,
        obj=copy,
        organisation=copy.organisation_id,
        data={"copied_from": original.pk},
    )
    return copy


# --- applications ---------------------------------------------------------------------------


@transaction.atomic
def apply(*, student, offer_id, motivation, cv=None):
    if not student.is_student:
        raise PermissionDenied
    offer = Offer.objects.select_related("organisation").get(pk=offer_id)
    if not offer.takes_applications:
        raise ValidationError(_("This offer is not open for applications."))
    earlier = list(
        Application.objects.filter(offer=offer, student=student).values_list("status", flat=True)
    )
    if any(status != A.WITHDRAWN for status in earlier):
        raise ValidationError(_("You have already applied for this internship."))
    if len(earlier) >= MAX_APPLICATION_ATTEMPTS:
        raise ValidationError(
            _("You have already applied twice for this internship and cannot apply again.")
        )
    try:
        # A double click passes the checks above twice; the unique constraints (one live
        # application, one per attempt) stop the second.
        with transaction.atomic():
            application = Application.objects.create(
                offer=offer,
                student=student,
                motivation=motivation,
                cv=cv or "",
                attempt=len(earlier) + 1,
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
    if decision not in application.allowed_decisions:
        raise ValidationError(
            _("An application that is %(status)s cannot be changed that way.")
            % {"status": application.get_status_display().lower()}
        )
    new_status = DECISIONS[decision][0]
    if new_status == A.ACCEPTED:
        filled = offer.applications.filter(status__in=FILLED).count()
        if filled >= offer.places:
            raise ValidationError(_("All places are taken. Wait-list the student or decline."))
        # Lock the student too: two companies accepting them at the same moment for
        # overlapping periods are served one after the other, and the second is refused.
        User.objects.select_for_update().filter(pk=application.student_id).first()
        clash = selectors.overlapping_placements(application).first()
        if clash is not None:
            raise ValidationError(
                _(
                    "The student already has a place for an overlapping period (%(start)s – %(end)s). They must withdraw from it before they can be accepted here."
                )
                % {"start": clash.offer.period_start, "end": clash.offer.period_end}
            )
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


# --- bookings -------------------------------------------------------------------------------


@transaction.atomic
def book(*, user, slot_id, group_size=1, class_name="", teacher_contact=""):
    """Book places on a time of a study visit, guest lecture or teacher placement (a student
    one place on a study visit; school staff a class or teachers on any of them). The
    conditional UPDATE takes the places only if they are there; under 20 concurrent requests
    for the last place exactly one succeeds. A guest lecture's time takes one booking."""
    if not (user.is_student or user.is_school_staff):
        raise PermissionDenied
    slot = Slot.objects.select_related("offer__organisation").get(pk=slot_id)
    offer = slot.offer
    if user.is_student:
        if offer.staff_only:
            raise ValidationError(
                _(
                    "Only school staff book a %(kind)s. Ask your teacher to book it for your class."
                )
                % {"kind": offer.get_kind_display().lower()}
            )
        group_size = 1
    if group_size < 1:
        raise ValidationError(_("Book at least one place."))
    if offer.application_deadline and offer.application_deadline < timezone.localdate():
        raise ValidationError(_("The last day to book has passed."))
    if not offer.takes_bookings:
        raise ValidationError(
            _("This study visit is not open for booking.")
            if offer.kind == OfferKind.STUDY_VISIT
            else _("This offer is not open for booking.")
        )
    if slot.cancelled_at is not None:
        raise ValidationError(_("The host has cancelled this time."))
    if slot.starts_at <= timezone.now():
        raise ValidationError(_("This time has already passed."))
    if Booking.objects.filter(slot=slot, booked_by=user, status=BookingStatus.CONFIRMED).exists():
        raise ValidationError(_("You have already booked this time."))
    # A time cancelled meanwhile (cancel_slot holds its row lock) takes no one; a guest
    # lecture's time nobody once it is booked.
    free = Slot.objects.filter(
        pk=slot.pk, cancelled_at__isnull=True, places_taken__lte=F("capacity") - group_size
    )
    if offer.kind in WHOLE_TIME_KINDS:
        free = free.filter(places_taken=0)
    taken = free.update(places_taken=F("places_taken") + group_size)
    if not taken:
        slot.refresh_from_db(fields=["places_taken"])
        if offer.kind in WHOLE_TIME_KINDS and slot.places_taken:
            raise ValidationError(_("This time is already booked. Choose another time."))
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
    notifications.booking_received(booking)
    return booking


@transaction.atomic
def cancel_booking(*, user, booking_id):
    # The time first, then the booking: the order cancel_slot locks them in (no deadlock).
    mine = Booking.objects.filter(pk=booking_id, booked_by=user).values("slot_id")
    list(Slot.objects.select_for_update().filter(pk__in=mine))
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
    notifications.booking_cancelled(booking)
    return booking


# --- a school's students --------------------------------------------------------------------


def _profile_at_staff_school(user, profile_id):
    """The profile, locked, if it names one of `user`'s schools; PermissionDenied otherwise."""
    profile = (
        StudentProfile.objects.select_for_update()
        .filter(pk=profile_id, school__in=staff_schools(user))
        .first()
    )
    if profile is None:
        raise PermissionDenied
    return profile


@transaction.atomic
def confirm_school_link(*, user, profile_id):
    """A staff member of the student's school confirms that the student is theirs; from then
    on the school's staff see the student's applications. Confirming again changes nothing."""
    profile = _profile_at_staff_school(user, profile_id)
    if profile.school_confirmed_at is None:
        profile.school_confirmed_at = timezone.now()
        profile.school_confirmed_by = user
        profile.save(update_fields=["school_confirmed_at", "school_confirmed_by"])
    return profile


@transaction.atomic
def reject_school_link(*, user, profile_id):
    """A staff member of the named school says the student is not theirs: the profile's school
    is cleared (the student can choose again). The student is not told."""
    profile = _profile_at_staff_school(user, profile_id)
    profile.school = None
    profile.school_confirmed_at = None
    profile.school_confirmed_by = None
    profile.save(update_fields=["school", "school_confirmed_at", "school_confirmed_by"])
    return profile


# --- a study visit's time, cancelled by its host ---------------------------------------------


@transaction.atomic
def cancel_slot(*, user, slot_id, message):
    """A representative of the host cancels a time: every confirmed booking on it is
    cancelled (with history), its places are freed and each booker is told once, with the
    message. The time's row is locked first, as booking and cancelling a booking lock it, so
    nobody books or cancels on it meanwhile; a cancelled time is never booked again."""
    message = (message or "").strip()
    slot = (
        Slot.objects.select_for_update()
        .filter(pk=slot_id, offer__in=Offer.objects.managed_by(user))
        .first()
    )
    if slot is None:
        raise PermissionDenied
    if slot.cancelled_at is not None:
        raise ValidationError(_("This time is already cancelled."))
    if slot.starts_at <= timezone.now():
        raise ValidationError(_("This time has already passed."))
    if not message:
        raise ValidationError(_("Write a message to those who have booked."))
    now = timezone.now()
    slot.cancelled_at = now
    slot.cancellation_message = message
    slot.places_taken = 0  # every booking on it is cancelled below
    slot.save(update_fields=["cancelled_at", "cancellation_message", "places_taken"])
    offer = Offer.objects.get(pk=slot.offer_id)
    log(
        actor=user,
        action=actions.OFFER_SLOT_CANCELLED,
        obj=offer,
        organisation=offer.organisation_id,
        data={"slot": slot.pk, "starts_at": slot.starts_at},
    )
    bookings = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("booked_by")
        .filter(slot=slot, status=BookingStatus.CONFIRMED)
        .order_by("pk")
    )
    for booking in bookings:
        booking.slot = slot
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
        booking.save(update_fields=["status", "cancelled_at"])
        _record(
            actor=user,
            action="booking.cancelled_by_host",
            from_status=BookingStatus.CONFIRMED,
            to_status=BookingStatus.CANCELLED,
            message=message,
            booking=booking,
        )
        notifications.slot_cancelled(booking)
    return slot
