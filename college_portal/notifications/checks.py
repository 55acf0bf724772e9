"""Deployment checks of the notifications: mail written outside a request needs an address."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def portal_base_url_set(app_configs, **kwargs):
    """Scheduled jobs (reminders, digests, deadline notices) write mail outside any request:
    without PORTAL_BASE_URL their links would point at the development server."""
    if settings.PORTAL_BASE_URL:
        return []
    return [
        Warning(
            "PORTAL_BASE_URL is not set: links in mail from scheduled jobs would point at "
            "http://127.0.0.1:8000.",
            hint="Set PORTAL_BASE_URL to the portal's public address, e.g. https://portal.example.org.",
            id="notifications.W001",
        )
    ]


@register()
def send_lease_outlasts_a_send(app_configs, **kwargs):
    """A claim that runs out while its worker still sends lets the relay send a second copy."""
    limit = settings.CELERY_TASK_TIME_LIMIT
    if limit is None or settings.NOTIFICATION_SEND_LEASE > limit:
        return []
    return [
        Warning(
            f"NOTIFICATION_SEND_LEASE ({settings.NOTIFICATION_SEND_LEASE} s) is not longer than "
            f"the task time limit ({limit} s): a slow send may be taken over by the relay and "
            "the mail sent twice.",
            hint="Set NOTIFICATION_SEND_LEASE above CELERY_TASK_TIME_LIMIT.",
            id="notifications.W002",
        )
    ]
