"""A person's survey invitations in their export; erasing them cuts every link between the
person and the answers (which stay, anonymous, for the index)."""

from django.db.models import F, Q, Value
from django.db.models.functions import Concat

from .models import SurveyInvitation


def _theirs(user):
    return SurveyInvitation.objects.filter(Q(recipient=user) | Q(email__iexact=user.email))


def export(user):
    return "surveys", [
        {
            "event": invitation.event_kind,
            "as": invitation.respondent_kind,
            "sent": invitation.created_at.isoformat(),
            "answered": invitation.answered_at is not None,
        }
        for invitation in _theirs(user).order_by("created_at")
    ]


def erase(user):
    theirs = _theirs(user)
    theirs.filter(answered_at__isnull=True).delete()  # an unused link is of no use to anyone
    theirs.update(
        recipient=None,
        email="",
        person_key=Concat(Value("erased:"), F("pk")),
    )
