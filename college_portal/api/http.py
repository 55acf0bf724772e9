"""The HTTP rules every API answer follows, around django-ninja's views: a rate limit per
client, the language (?lang= or Accept-Language), conditional GET (ETag, Last-Modified, 304),
CORS for reading, the licence in a Link header, and a shared cache of whole answers.

Why a wrapper around the URL callbacks rather than a middleware: it applies to /api/ only, with
no change to the portal's middleware order, and it runs before ninja parses anything.

- Rate limit: a fixed one-minute window per client address (allauth's reading of the address,
  so TRUSTED_PROXY_COUNT and the proxy header count as for logins), counted in the Django cache
  (Redis in production: shared by every web process). Above API_RATE_LIMIT_PER_MINUTE: 429 with
  Retry-After, the seconds left in the window. A cache that fails lets the request through.
- ETag: a hash of the body, so it is right whatever changed. Last-Modified: when this body was
  first served at this address in this language (remembered in the cache).
- A 200 answer is kept in the cache under the public pages' version key (bumped whenever what
  the public pages show changes), the day and the language, for PUBLIC_PAGE_CACHE_SECONDS: a
  repeated request, or a conditional one answered 304, costs no database query.
"""

import hashlib
import logging
import math
import time
from email.utils import formatdate, parsedate_to_datetime
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import gettext as _

from college_portal import pagecache

logger = logging.getLogger(__name__)

LANGUAGES = ("sv", "en")
LICENCE_URL = "https://creativecommons.org/publicdomain/zero/1.0/"
LICENCE_NAME = "CC0 1.0 Universal (public domain dedication)"
READ_METHODS = ("GET", "HEAD", "OPTIONS")
# How long the first time a body was served is remembered: a day bounds the keys any number of
# query strings can make (a client is also held to its rate), at worst Last-Modified moves later.
SEEN_SECONDS = 60 * 60 * 24


# --- language -----------------------------------------------------------------------------------


class BadLanguage(ValueError):
    pass


def request_language(request):
    """?lang= (sv or en; anything else is refused), else the first of Accept-Language's
    languages the portal has, else Swedish."""
    asked = request.GET.get("lang")
    if asked is not None:
        if asked not in LANGUAGES:
            raise BadLanguage(asked)
        return asked
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    try:
        choices = translation.trans_real.parse_accept_lang_header(header[:1000])
    except ValueError:
        choices = ()
    for code, _quality in choices:
        base = code.split("-")[0].lower()
        if base in LANGUAGES:
            return base
    return settings.LANGUAGE_CODE


# --- rate limit ---------------------------------------------------------------------------------


def client_address(request):
    from allauth.account.adapter import get_adapter

    return get_adapter().get_client_ip(request)


def _limit_for(address):
    from college_portal.accounts.ratelimits import in_school_network

    limit = settings.API_RATE_LIMIT_PER_MINUTE
    return limit * 10 if in_school_network(address) else limit


def seconds_until_allowed(request):
    """0 while the client is within its limit (this request counted), else the seconds until
    the next window."""
    now = time.time()
    window = int(now // 60)
    address = client_address(request)
    key = f"api-rate:{address}:{window}"
    try:
        cache.add(key, 0, 70)
        count = cache.incr(key)
    except Exception:
        logger.exception("API rate limit unavailable")
        return 0
    if count <= _limit_for(address):
        return 0
    return max(1, math.ceil((window + 1) * 60 - now))


# --- the answer's headers -----------------------------------------------------------------------


def _links(request):
    from django.urls import reverse

    return ", ".join(
        (
            f'<{LICENCE_URL}>; rel="license"',
            f'<{reverse("api_v1:openapi-json")}>; rel="service-desc"',
            f'<{reverse("api_v1:openapi-view")}>; rel="service-doc"',
        )
    )


def _common_headers(request, response, language):
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = (
        "ETag, Last-Modified, Link, Content-Language, Retry-After"
    )
    response["Link"] = _links(request)
    if language:
        response["Content-Language"] = language
    patch_vary_headers(response, ("Accept-Language",))
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _error(request, status, detail, language, **headers):
    response = JsonResponse({"detail": detail}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    response["Cache-Control"] = "no-store"
    return _common_headers(request, response, language)


def _preflight(request):
    response = HttpResponse(status=204)
    response["Allow"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response["Access-Control-Allow-Headers"] = "Accept, Accept-Language, If-None-Match, If-Modified-Since"
    response["Access-Control-Max-Age"] = "86400"
    return _common_headers(request, response, None)


# --- conditional GET and the shared cache -------------------------------------------------------


def _stored_key(request, language):
    # The version is stored with the answer (pagecache.lookup reads both in one round trip).
    day = timezone.localdate().isoformat()
    return f"api:{day}:{language}:{pagecache.address_hash(request)}"


def _caching():
    return getattr(settings, "PUBLIC_PAGE_CACHE", True)


def _first_served(request, language, etag):
    """When this body was first served at this address (epoch seconds)."""
    key = f"api-seen:{language}:{pagecache.address_hash(request)}:{etag}"
    now = int(time.time())
    try:
        cache.add(key, now, SEEN_SECONDS)
        return cache.get(key) or now
    except Exception:
        logger.exception("API cache unavailable")
        return now


def _finish(request, response, language, etag, last_modified):
    response["ETag"] = etag
    response["Last-Modified"] = formatdate(last_modified, usegmt=True)
    response["Cache-Control"] = "public, max-age=60"
    conditional = get_conditional_response(
        request, etag=etag, last_modified=last_modified, response=response
    )
    return _common_headers(request, conditional, language)


def _if_modified_since_parses(request):
    header = request.META.get("HTTP_IF_MODIFIED_SINCE")
    if header is None:
        return True
    try:
        parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError):
        return False
    return True


def api_view(view):
    """`view` (one of ninja's) with the rules above."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "OPTIONS":
            return _preflight(request)
        try:
            language = request_language(request)
        except BadLanguage:
            return _error(
                request, 400, _("Unknown language: use lang=sv or lang=en."), settings.LANGUAGE_CODE
            )
        with translation.override(language):
            retry_after = seconds_until_allowed(request)
            if retry_after:
                return _error(
                    request,
                    429,
                    _("Too many requests: wait %(seconds)s seconds.") % {"seconds": retry_after},
                    language,
                    Retry_After=str(retry_after),
                )
            if request.method not in ("GET", "HEAD"):
                return _common_headers(request, view(request, *args, **kwargs), language)
            if request.method == "HEAD":
                # ninja routes GET only: HEAD is a GET whose body is dropped.
                request.method = "GET"
                return _without_body(_read(request, view, args, kwargs, language))
            return _read(request, view, args, kwargs, language)

    return wrapped


def _without_body(response):
    if not response.streaming:
        length = len(response.content)
        response.content = b""
        if response.status_code == 200:
            response["Content-Length"] = str(length)
    return response


def _read(request, view, args, kwargs, language):
    """A GET: from the stored answers when it can, else from `view`; 304 when the client has it."""
    if not _if_modified_since_parses(request):
        request.META.pop("HTTP_IF_MODIFIED_SINCE")
    key = None
    if _caching():
        try:
            key = _stored_key(request, language)
            version, stored = pagecache.lookup(key)
        except Exception:
            logger.exception("API cache unavailable")
            key = stored = None
        if stored is not None:
            body, content_type, etag, last_modified = stored
            response = HttpResponse(body, content_type=content_type)
            return _finish(request, response, language, etag, last_modified)
    response = view(request, *args, **kwargs)
    if response.status_code != 200 or response.streaming:
        response.setdefault("Cache-Control", "no-store")
        return _common_headers(request, response, language)
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:40] + '"'
    last_modified = _first_served(request, language, etag)
    if key is not None:
        try:
            stored = (version, response.content, response["Content-Type"], etag, last_modified)
            cache.set(key, stored, pagecache.TIMEOUT)
        except Exception:
            logger.exception("Could not store an API answer")
    return _finish(request, response, language, etag, last_modified)
