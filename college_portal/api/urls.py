"""/api/: the open data API's version 1, every answer through http.api_view (rate limit,
language, ETag/Last-Modified, CORS, licence link); /api/ and /api/v1/ lead to the
documentation."""

from django.urls import URLPattern, include, path
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


_patterns, _app_name, _namespace = api.urls

urlpatterns = [
    path("", to_the_docs, name="api_root"),
    path("v1/", include((_wrapped(_patterns), _app_name), namespace=_namespace)),
]
