"""Accessibility feedback reaches the project leads through the notification outbox: one mail
per active project lead, written in one transaction. A repeated submission (a second click on
Send) writes nothing new, and an address that has sent many in a short time is asked to wait."""

import hashlib
import logging

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from college_portal.accounts.models import Role
from college_portal.notifications.models import Notification
from college_portal.notifications.services import notify

logger = logging.getLogger(__name__)

KIND = "accessibility_feedback"
# Messages one address may send, and in how many seconds (settings may change it).
DEFAULT_LIMIT = (5, 3600)


def project_leads():
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, role=Role.PROJECT_LEAD)
        .order_by("pk")
    )


def client_address(request):
    """The sender's address as the rate limits of sign-in see it (the proxy settings apply)."""
    try:
        return get_adapter().get_client_ip(request)
    except Exception:  # no address at all: one shared bucket rather than none
        return request.META.get("REMOTE_ADDR") or "unknown"


def submission_key(*, submission, client, message, page="", name="", email=""):
    """The same for a repeat of one submission: the form's one-time value and what was written.
    Without that value (a hand-made POST), the sender's address and the day stand in for it."""
    origin = submission or f"{client}:{timezone.localdate().isoformat()}"
    text = "\x1f".join([origin, message, page, name, email])
    return f"{KIND}:{hashlib.sha256(text.encode()).hexdigest()[:40]}"


@transaction.atomic
def send_feedback(*, key, message, page="", name="", email="", language=""):
    """Write one mail per active project lead (or to the contact address when there is none);
    returns how many were written, 0 when this submission was already sent."""
    if Notification.objects.filter(event_key__startswith=f"{key}:").exists():
        return 0
    leads = list(project_leads())
    recipients = [(lead.email, lead) for lead in leads] or [(settings.PORTAL_CONTACT_EMAIL, None)]
    context = {
        "message": message,
        "page": page,
        "name": name,
        "email": email,
        "sender_language": language,
    }
    for address, lead in recipients:
        notify(
            kind=KIND,
            event_key=f"{key}:{lead.pk if lead else 'contact'}",
            email=address,
            recipient=lead,
            context=context,
        )
    return len(recipients)


# --- Rate limit ---------------------------------------------------------------------------------


def _limit():
    return getattr(settings, "ACCESSIBILITY_FEEDBACK_LIMIT", DEFAULT_LIMIT)


def _counter_key(client):
    # The cache holds a hash of the address, never the address itself.
    return "legal:feedback-sent:" + hashlib.sha256(client.encode()).hexdigest()[:32]


def over_limit(client):
    """Has this address sent as many messages as the window allows? A cache that fails lets
    the message through (the outbox still carries it) and says so in the log."""
    count, _window = _limit()
    try:
        return (cache.get(_counter_key(client)) or 0) >= count
    except Exception:
        logger.warning("Feedback rate limit not checked: the cache failed", exc_info=True)
        return False


def count_sent(client):
    _count, window = _limit()
    key = _counter_key(client)
    try:
        cache.add(key, 0, window)
        cache.incr(key)
    except ValueError:  # the counter expired between add and incr
        cache.set(key, 1, window)
    except Exception:
        logger.warning("Feedback rate limit not counted: the cache failed", exc_info=True)
