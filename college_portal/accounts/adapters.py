"""allauth adapter: students sign up themselves, mail goes through the notification outbox,
a signed-in user lands on their dashboard in their own language, and rate limits count the
client's address as the trusted proxy reports it (failed logins per address and account)."""

import logging
import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.core.internal.ratelimit import truncate_ip
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.urls import reverse
from django.utils import translation

from college_portal.notifications.services import notify_rendered

from .language import remember_language
from .models import Role

logger = logging.getLogger(__name__)


class PortalAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # Only students sign up; representatives and staff come in by invitation (partners app).
        return True

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.role = Role.STUDENT
        user.language = translation.get_language() or settings.LANGUAGE_CODE
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix, email, context):
        """Render allauth's mail in the recipient's language and send it through the outbox."""
        # The context allauth's own send_mail gives its templates ("Hello from {site}!").
        request = allauth_context.request
        context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        user = context.get("user")
        language = getattr(user, "language", None) or translation.get_language()
        with translation.override(language):
            message = self.render_mail(template_prefix, email, context)
        html = next(
            (body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"),
            "",
        )
        notify_rendered(
            event_key=f"account:{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4()}",
            kind="account_email",
            email=email,
            recipient=user if getattr(user, "pk", None) else None,
            language=language,
            subject=message.subject,
            text=message.body,
            html=html,
        )

    def get_login_redirect_url(self, request):
        user = request.user
        language = getattr(user, "language", None) or translation.get_language()
        with translation.override(language):
            return reverse("dashboard")

    def post_login(self, request, user, **kwargs):
        response = super().post_login(request, user, **kwargs)
        return remember_language(response, user.language)

    def get_client_ip(self, request):
        """The address allauth's rate limits count: from X-Forwarded-For as many proxies back
        as ALLAUTH_TRUSTED_PROXY_COUNT says (or ALLAUTH_TRUSTED_CLIENT_IP_HEADER), else the
        address that connected. A request that did not come through the trusted proxies
        (fewer addresses in the header than proxies, or no header) is counted by the address
        that connected rather than answered with an error."""
        try:
            return super().get_client_ip(request)
        except (ImproperlyConfigured, PermissionDenied):
            logger.warning("Client address not given as the trusted proxy settings expect")
            return request.META.get("REMOTE_ADDR") or "0.0.0.0"

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth counts failed logins per account for everyone, so five wrong passwords from
        # anywhere locked the account (the project lead's, say) for all. Counted per address
        # and account, a stranger's failures lock only the stranger's address for it; the
        # per-address limit ("10/m/ip") still bounds guessing from one address.
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{truncate_ip(self.get_client_ip(request))}:{account}"
