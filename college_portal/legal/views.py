"""The legal pages (privacy, accessibility statement and its feedback form, contact) and the
portal's own answers to a bad request (400) and a form that failed its CSRF check (403)."""

import logging
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csrf import REASON_NO_CSRF_COOKIE
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from .feedback import client_address, count_sent, over_limit, send_feedback, submission_key
from .forms import AccessibilityFeedbackForm

logger = logging.getLogger(__name__)

# The accessibility statement's dates (DIGG's model asks for both): when the site was last
# assessed, and when the statement was last brought up to date. Change them together with the
# statement's list of shortcomings.
ASSESSED_ON = date(2026, 11, 28)
STATEMENT_UPDATED_ON = date(2026, 11, 28)
DIGG_COMPLAINT_URL = "https://www.digg.se/tdosanmalan"
IMY_URL = "https://www.imy.se"


def contact_details():
    """The controller's addresses, from settings (placeholders until production sets them)."""
    return {
        "contact_email": settings.PORTAL_CONTACT_EMAIL,
        "dpo_email": settings.PORTAL_DPO_EMAIL,
        "postal_address": settings.PORTAL_POSTAL_ADDRESS,
    }


def privacy(request):
    return render(
        request,
        "legal/privacy.html",
        {
            **contact_details(),
            "cv_retention_days": getattr(settings, "CV_RETENTION_DAYS", 180),
            "session_days": settings.SESSION_COOKIE_AGE // 86400,
            "imy_url": IMY_URL,
        },
    )


def accessibility(request):
    return render(
        request,
        "legal/accessibility.html",
        {
            **contact_details(),
            "assessed_on": ASSESSED_ON,
            "updated_on": STATEMENT_UPDATED_ON,
            "digg_url": DIGG_COMPLAINT_URL,
        },
    )


def accessibility_feedback(request):
    """Tell the project leads about an accessibility problem; works signed in or not."""
    form = AccessibilityFeedbackForm(
        request.POST or None, initial={"page": request.GET.get("page", "")[:500]}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        client = client_address(request)
        if over_limit(client):
            form.add_error(
                None,
                _(
                    "You have sent several messages in a short time. Wait an hour and try "
                    "again, or write to %(email)s."
                )
                % {"email": settings.PORTAL_CONTACT_EMAIL},
            )
            status = 429
        else:
            data = form.cleaned_data
            fields = {key: data[key] for key in ("message", "page", "name", "email")}
            key = submission_key(submission=data["submission"], client=client, **fields)
            if send_feedback(key=key, language=translation.get_language(), **fields):
                count_sent(client)
            messages.success(
                request,
                _(
                    "Thank you! Your message has been sent to the project leads. If you gave "
                    "your e-mail address, we aim to answer within five working days."
                ),
            )
            return redirect("accessibility_feedback")
    return render(
        request,
        "legal/feedback.html",
        {"form": form, **contact_details(), "digg_url": DIGG_COMPLAINT_URL},
        status=status,
    )


def contact(request):
    return render(request, "legal/contact.html", contact_details())


# --- Error pages ----------------------------------------------------------------------------------


def _language_of(request):
    """The page's language from its URL prefix; else the cookie or the browser's wish. These
    views may run before LocaleMiddleware did (an exception early in the request)."""
    path_language = translation.get_language_from_path(getattr(request, "path_info", "") or "")
    if path_language:
        return path_language
    try:
        return translation.get_language_from_request(request)
    except Exception:
        return settings.LANGUAGE_CODE


def _error_page(request, template, status, context=None):
    """Render an error page in the shell, in the page's language. Should the shell itself fail
    (the request too broken to render it), answer with a plain page rather than a 500."""
    with translation.override(_language_of(request)):
        try:
            response = render(request, template, context or {}, status=status)
        except Exception:
            logger.warning("Error page %s rendered without the shell", template, exc_info=True)
            title = _("Bad request") if status == 400 else _("The form has expired")
            response = HttpResponse(
                f'<!DOCTYPE html><html lang="{translation.get_language()}"><meta charset="utf-8">'
                f"<title>{escape(title)}</title><h1>{escape(title)}</h1>",
                status=status,
            )
        response["Content-Language"] = translation.get_language()
    return response


def bad_request(request, exception=None):
    """handler400: a malformed or suspicious request (e.g. an unknown Host header)."""
    return _error_page(request, "400.html", 400)


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent without a valid token, most often because the page was
    open for a long time, was opened before signing in or out, or cookies are blocked."""
    return _error_page(
        request, "403_csrf.html", 403, {"no_cookie": reason == REASON_NO_CSRF_COOKIE}
    )
