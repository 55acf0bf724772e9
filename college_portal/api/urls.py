"""/api/: the open data API's version 1, every answer through http.api_view (rate limit,
language, ETag/Last-Modified, CORS, licence link); /api/ and /api/v1/ lead to the
documentation."""

from django.http import JsonResponse
from django.urls import URLPattern, include, path, re_path, reverse
from django.utils.translation import gettext as _
from django.views.generic import RedirectView

from .endpoints import api
from .http import api_view

to_the_docs = RedirectView.as_view(pattern_name="api_v1:openapi-view")


def _wrapped(patterns):
    # ninja's "api-root" (it only answers 404, naming the docs) becomes a redirect to them.
    return [
        URLPattern(
            p.pattern,
            to_the_docs if p.name == "api-root" else api_view(p.callback),
            p.default_args,
            p.name,
        )
        for p in patterns
    ]


def unknown(request, rest):
    """Any other address under /api/v1/: a JSON 404 with the API's headers (CORS, licence),
    not the portal's HTML page, so a client reading JSON gets an answer it can read."""
    docs = reverse("api_v1:openapi-view")
    message = _("No such address in the API. The operations are listed at %(docs)s.")
    return JsonResponse({"detail": message % {"docs": docs}}, status=404)


_patterns, _app_name, _namespace = api.urls

urlpatterns = [
    path("", to_the_docs, name="api_root"),
    path(
        "v1/",
        include(
            (
                [*_wrapped(_patterns), re_path(r"^(?P<rest>.*)$", api_view(unknown), name="unknown")],
                _app_name,
            ),
            namespace=_namespace,
        ),
    ),
]
