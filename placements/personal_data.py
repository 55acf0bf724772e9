"""A student's placements data in their export, and what account deletion leaves behind:
applications and bookings stay as anonymous rows so companies' statistics still add up."""

from college_portal.accounts.registry import register_personal_data

from .models import Application, Booking, StatusChange, StudentProfile


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


def erase(user):
    for application in Application.objects.filter(student=user).exclude(cv=""):
        application.cv.delete(save=False)
    Application.objects.filter(student=user).update(motivation="", cv="", decision_message="")
    StatusChange.objects.filter(application__student=user).update(message="")
    Booking.objects.filter(booked_by=user).update(teacher_contact="")
    StudentProfile.objects.filter(user=user).delete()


register_personal_data(export, erase, order=40)
