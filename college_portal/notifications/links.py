"""The portal's address for links in e-mail: PORTAL_BASE_URL when set, otherwise the address the
current request came in on (as allauth's own mails do), otherwise a local default.

The request's address lives in a context variable for the length of that request only, so
nothing is remembered between requests; a notification stores the address it was written
under, and is sent with it by whichever process sends it later.
"""

from contextvars import ContextVar

from django.conf import settings

# Mail written outside any request (scheduled jobs) with no PORTAL_BASE_URL: `make run`'s
# server. `make run` gives its scheduler PORTAL_BASE_URL for the host and port it serves on.
FALLBACK_BASE_URL = "http://127.0.0.1:8000"

_request_base_url = ContextVar("request_base_url", default=None)


def portal_base_url():
    """Scheme and host without a trailing slash, e.g. `https://portal.example.org`."""
    return (settings.PORTAL_BASE_URL or _request_base_url.get() or FALLBACK_BASE_URL).rstrip("/")


class RequestBaseURLMiddleware:
    """Makes the current request's scheme and host the base of links in mail it causes.
    After CommonMiddleware, so a host outside ALLOWED_HOSTS is refused before it gets here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_base_url.set(request.build_absolute_uri("/"))
        try:
            return self.get_response(request)
        finally:
            _request_base_url.reset(token)
