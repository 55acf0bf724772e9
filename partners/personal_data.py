"""A representative's memberships in their export; deletion ends them."""

from .models import Invitation, Membership, SteeringGroupMember


def export(user):
    return "organisations", [
        {"organisation": m.organisation.name, "role": m.role, "since": m.created_at.isoformat()}
        for m in Membership.objects.filter(user=user).select_related("organisation")
    ]


def erase(user):
    Membership.objects.filter(user=user).delete()
    Invitation.objects.filter(email__iexact=user.email).update(email="deleted@invalid.example")
    SteeringGroupMember.objects.filter(user=user).update(user=None)
