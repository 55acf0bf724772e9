"""Staff (project leads) must have a second factor before they use the portal at all, when
REQUIRE_STAFF_MFA is on (the default with DEBUG=False).

Staff rights open many pages (admin, the report, the activity log, agreements under /private/,
the coverage matrix, any application, other companies' drafts), and new ones come with every
feature: so a staff user without TOTP is sent to set it up from every page but the few below
(an allow-list of URL names; a page missing from it is protected, never the other way round).
A staff user who has TOTP is asked for the code by allauth at login before being signed in.
"""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

# What a staff user without a second factor may still open: setting it up (TOTP asks for the
# password again first), signing out, the language switch, the health checks.
ALLOWED_WITHOUT_SECOND_FACTOR = frozenset(
    {
        "mfa_index",
        "mfa_activate_totp",
        "account_reauthenticate",
        "account_login",
        "account_logout",
        "set_language",
        "healthz",
        "healthz_live",
        "healthz_ready",
    }
)


def needs_second_factor(user):
    if not (settings.REQUIRE_STAFF_MFA and user.is_authenticated and user.is_staff):
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class StaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Resolved URLs only: an unknown path answers 404 and shows nothing.
        if request.resolver_match.view_name in ALLOWED_WITHOUT_SECOND_FACTOR:
            return None
        user = getattr(request, "user", None)
        if user is None or not needs_second_factor(user):
            return None
        messages.warning(
            request,
            _("Project leads must turn on two-factor authentication before using the portal."),
        )
        return redirect("mfa_activate_totp")
