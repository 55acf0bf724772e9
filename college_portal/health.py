"""Liveness: /healthz/live answers "ok" with no I/O at all (no database, cache, session or
locale), for any Host header, so an orchestrator can tell a hung process from a busy one.

Readiness (database, and Redis when configured) is `views.healthz`, at /healthz/ready and
/healthz.
"""

from django.http import HttpResponse

LIVE_PATH = "/healthz/live"


def live_response():
    response = HttpResponse("ok", content_type="text/plain")
    response["Cache-Control"] = "no-store"
    return response


def live(request):
    """The same answer through the URLconf, should the middleware be left out."""
    return live_response()


class LivenessMiddleware:
    """First in MIDDLEWARE: answers /healthz/live before SecurityMiddleware (SSL redirect) and
    CommonMiddleware (ALLOWED_HOSTS through request.get_host()) look at the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == LIVE_PATH:
            return live_response()
        return self.get_response(request)
