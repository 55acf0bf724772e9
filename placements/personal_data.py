"""A student's placements data in their export, and what account deletion leaves behind:
applications and bookings stay as anonymous rows so companies' statistics still add up."""

from django.db.models import Q

from college_portal.files import delete_after_commit
from college_portal.uploads import private_storage

from .models import (
    UNDECIDED,
    Application,
    ApplicationStatus,
    Booking,
    BookingStatus,
    ClassInvitation,
    StatusChange,
    StudentProfile,
)


def export(user):
    profile = StudentProfile.objects.filter(user=user).select_related("school", "programme").first()
    applications = (
        Application.objects.filter(student=user)
        .select_related("offer__organisation")
        .prefetch_related("history")
    )
    bookings = Booking.objects.filter(booked_by=user).select_related("slot__offer__organisation")
    return "placements", {
        "profile": None
        if profile is None
        else {
            "school": str(profile.school or ""),
            "school_confirmed_at": profile.school_confirmed_at.isoformat()
            if profile.school_confirmed_at
            else None,
            "programme": str(profile.programme or ""),
            "municipality": profile.municipality,
            "weekly_digest": profile.digest,
            "interested_in": profile.interest_kind,
        },
        "applications": [
            {
                "offer": a.offer.title,
                "organisation": a.offer.organisation.name,
                "status": a.status,
                "motivation": a.motivation,
                "has_cv": bool(a.cv),
                "submitted_at": a.submitted_at.isoformat(),
                "decision_message": a.decision_message,
                "history": [
                    {"when": h.created_at.isoformat(), "from": h.from_status, "to": h.to_status}
                    for h in a.history.all()
                ],
            }
            for a in applications
        ],
        "bookings": [
            {
                "visit": b.slot.offer.title,
                "organisation": b.slot.offer.organisation.name,
                "starts_at": b.slot.starts_at.isoformat(),
                "group_size": b.group_size,
                "class": b.class_name,
                "status": b.status,
            }
            for b in bookings
        ],
    }


def _leave_everything_open(user):
    """Before anonymising: withdraw open applications and cancel future bookings through the
    same services a person uses, so places are freed and companies told as on any withdrawal."""
    from django.utils import timezone

    from .services import cancel_booking, withdraw

    today = timezone.localdate()
    # An accepted place whose period has begun is history (it counts as filled); one still
    # ahead is freed for the next student.
    open_applications = Application.objects.filter(
        Q(status__in=UNDECIDED)
        | Q(status=ApplicationStatus.ACCEPTED, offer__period_start__isnull=True)
        | Q(status=ApplicationStatus.ACCEPTED, offer__period_start__gt=today),
        student=user,
    )
    for application_id in open_applications.values_list("pk", flat=True):
        withdraw(student=user, application_id=application_id)
    for booking_id in Booking.objects.filter(
        booked_by=user, status=BookingStatus.CONFIRMED, slot__starts_at__gt=timezone.now()
    ).values_list("pk", flat=True):
        cancel_booking(user=user, booking_id=booking_id)


def erase(user):
    _leave_everything_open(user)
    # The files go once the deletion commits; a rollback keeps them with their rows.
    delete_after_commit(
        private_storage(),
        Application.objects.filter(student=user).exclude(cv="").values_list("cv", flat=True),
    )
    Application.objects.filter(student=user).update(motivation="", cv="", decision_message="")
    StatusChange.objects.filter(application__student=user).update(message="")
    Booking.objects.filter(booked_by=user).update(teacher_contact="")
    StudentProfile.objects.filter(user=user).delete()
    # Class invitations to the address: open ones go (their link is of no use to anyone),
    # accepted ones stay for the school's numbers without the address.
    invitations = ClassInvitation.objects.filter(email__iexact=user.email)
    invitations.filter(accepted_at__isnull=True).delete()
    invitations.update(email="deleted@invalid.example")
