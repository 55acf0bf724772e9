"""The accounts' own part of a person's data: their notifications and memberships."""

from college_portal.notifications.models import Notification


def export_notifications(user):
    return "notifications", [
        {"kind": n.kind, "created": n.created_at.isoformat(), "status": n.status}
        for n in Notification.objects.filter(recipient=user).order_by("created_at")
    ]


def erase_notifications(user):
    # Nothing more goes to this person: mail still waiting for them is dropped...
    Notification.objects.filter(recipient=user).exclude(status=Notification.Status.SENT).delete()
    # ...and the outbox keeps that an event happened, not to whom or what it said.
    Notification.objects.filter(recipient=user).update(
        email="deleted@invalid.example", context={}, recipient=None
    )
