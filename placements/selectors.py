"""Reads that pages compose: what a person sees of offers, applications and bookings.

Views, hooks and notifications ask these; the rules of state changes live in services.py.
"""

from .models import MAX_APPLICATION_ATTEMPTS, Application, ApplicationStatus


def application_state(*, student, offer):
    """A student's standing on an internship: their latest application (or None), and whether
    they may apply now (open offer, no live application, a new try left after withdrawing)."""
    applications = list(
        Application.objects.filter(offer=offer, student=student).order_by("-attempt")
    )
    latest = applications[0] if applications else None
    can_apply = offer.takes_applications and (
        latest is None
        or (
            latest.status == ApplicationStatus.WITHDRAWN
            and len(applications) < MAX_APPLICATION_ATTEMPTS
        )
    )
    return {"application": latest, "can_apply": can_apply}
