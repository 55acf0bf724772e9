"""Requests refused before any view reads them: an address (path or query string) with bytes no
page of the portal uses answers 400, a body above the upload cap answers 413.

Why here: a NUL byte reaches PostgreSQL, which refuses it with an error the views do not expect
(the unsubscribe link and the admin's list filters answered 500), and a body of any size would
otherwise be read into memory or a temporary file before a form could say it is too large."""

import re
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

# C0 control characters and DEL. A query string may carry tab and line breaks (a text typed
# into a form sent with GET); a path never does.
_CONTROL = frozenset(range(0x20)) | {0x7F}
_CONTROL_IN_QUERY = _CONTROL - {0x09, 0x0A, 0x0D}
_CONTROL_IN_PATH = re.compile("[\x00-\x1f\x7f]")
# Django puts bytes of the path that are not UTF-8 back as %XX (repercent_broken_unicode): a
# %XX left in the decoded path is such a byte, or an address encoded twice. No address of the
# portal has a percent sign (slugs, numbers, URL-safe tokens, stored file names).
_PERCENT_IN_PATH = re.compile("%[0-9A-Fa-f]{2}")


class MalformedAddress(SuspiciousOperation):
    """A path or query string with a NUL or other control byte, or not UTF-8 once decoded.
    Django answers a SuspiciousOperation with handler400 (the portal's 400 page) and logs it on
    the `django.security.MalformedAddress` logger."""


def _as_bytes(value):
    # WSGI hands over the bytes of the request line as latin-1 text (PEP 3333); ASGI and the
    # test client's unusual callers may give real text.
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape")


def _usable(raw, forbidden):
    if forbidden.intersection(raw):
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def address_problem(request):
    """What is wrong with the request's address, or None. The path is the one Django decoded
    (`path_info`); the query string is decoded here as Django will decode it."""
    if _CONTROL_IN_PATH.search(request.path_info):
        return "path with a control character"
    if _PERCENT_IN_PATH.search(request.path_info):
        return "path not UTF-8 (or encoded twice)"
    query = _as_bytes(request.META.get("QUERY_STRING", ""))
    if query and not _usable(unquote_to_bytes(query.replace(b"+", b" ")), _CONTROL_IN_QUERY):
        return "query string with a control byte or not UTF-8"
    return None


def _too_large(request, limit):
    """413 in the page's language (the request is refused before the locale and the session
    are read, so the answer is a page of its own, not the portal's shell)."""
    language = translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
    with translation.override(language):
        title = gettext("The upload is too large")
        text = gettext(
            "Everything sent at once may be at most %(limit)s. Choose smaller files, or send "
            "them one at a time."
        ) % {"limit": filesizeformat(limit)}
        response = HttpResponse(
            f'<!DOCTYPE html><html lang="{language}"><meta charset="utf-8">'
            f"<title>{escape(title)}</title><h1>{escape(title)}</h1><p>{escape(text)}</p>",
            status=413,
        )
        response["Content-Language"] = language
    response["Connection"] = "close"  # the body was not read
    return response


class RequestHardeningMiddleware:
    """Right after the liveness check in MIDDLEWARE, before anything reads the session, the
    locale, the body or the database."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problem = address_problem(request)
        if problem:
            raise MalformedAddress(problem)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body then
        limit = settings.MAX_REQUEST_BODY_BYTES
        if limit and length > limit:
            return _too_large(request, limit)
        return self.get_response(request)
