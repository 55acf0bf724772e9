"""allauth adapter: students sign up themselves, mail goes through the notification outbox,
and a signed-in user lands on their dashboard in their own language."""

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse
from django.utils import translation

from college_portal.notifications.services import notify_rendered

from .language import remember_language
from .models import Role


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
