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
    ObjectiveAssessment,
    PlacementAgreement,
    StatusChange,
    StudentProfile,
)


def export(user):
    profile = StudentProfile.objects.filter(user=user).select_related("school", "programme").first()
    applications = (
        Application.objects.filter(student=user)
        .select_related("offer__organisation", "agreement")
        .prefetch_related(
            "history",
            "agreement__objectives",
            "agreement__assessments__course",
            "agreement__attendance",
        )
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
                "agreement": _agreement(a),
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


def _agreement(application):
    """The placement's APL agreement as the student may read it, or None."""
    agreement = getattr(application, "agreement", None)
    if agreement is None:
        return None
    return {
        "supervisor": agreement.supervisor_name,
        "objectives": [str(course) for course in agreement.objectives.all()],
        "working_hours": agreement.working_hours,
        "address": agreement.address,
        "under_18": agreement.student_under_18,
        "started_at": agreement.started_at.isoformat() if agreement.started_at else None,
        "conversation_on": agreement.conversation_on.isoformat()
        if agreement.conversation_on
        else None,
        "conversation_notes": agreement.conversation_notes,
        "attendance": {
            row.week.isoformat(): row.days_present for row in agreement.attendance.all()
        },
        "assessment": [
            {"objective": str(a.course), "level": a.level, "comment": a.comment}
            for a in agreement.assessments.all()
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
    # The agreement stays for the company's and school's numbers; what was written about the
    # student goes.
    PlacementAgreement.objects.filter(application__student=user).update(conversation_notes="")
    ObjectiveAssessment.objects.filter(agreement__application__student=user).update(comment="")
    Booking.objects.filter(booked_by=user).update(teacher_contact="")
    StudentProfile.objects.filter(user=user).delete()
    # Class invitations to the address: open ones go (their link is of no use to anyone),
    # accepted ones stay for the school's numbers without the address.
    invitations = ClassInvitation.objects.filter(email__iexact=user.email)
    invitations.filter(accepted_at__isnull=True).delete()
    invitations.update(email="deleted@invalid.example")
