"""Staff (project leads) must have a second factor before they reach admin or reports,
when REQUIRE_STAFF_MFA is on (the default with DEBUG=False)."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

PROTECTED_URL_NAMES = ("admin:index", "report")


class StaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.REQUIRE_STAFF_MFA and self._needs_second_factor(request):
            messages.warning(
                request,
                _(
                    "Project leads must turn on two-factor authentication before using the administration."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _needs_second_factor(request):
        user = getattr(request, "user", None)
        if not (user and user.is_authenticated and user.is_staff):
            return False
        if not any(request.path.startswith(reverse(name)) for name in PROTECTED_URL_NAMES):
            return False
        from allauth.mfa.models import Authenticator

        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
