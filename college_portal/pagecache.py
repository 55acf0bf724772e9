"""Whole public pages cached for visitors who are not signed in: the home page, the
catalogue, the offer and partner lists, the programme, offer and partner pages; per address
(with the host; the language is in the path) and day.

Correct before fast:
- Only anonymous GETs with a 200 answer are cached, never a page with a message waiting.
- Every change to what those pages show bumps one version key (after commit), so the next
  request renders anew: a model registers with `register_public_content(Model, …)` and its
  saves and deletes (admin included) bump it. The day is in the key, so deadlines roll over.
- Visitors' pages hold no CSRF token (their language switch needs none). Should a cached page
  hold one, it is not stored: the page holds a marker each request replaces with its own.
- A view opts in with @public_page; PublicPageCacheMiddleware, early in MIDDLEWARE, stores and
  serves the page, so a stored page costs one cache round trip and no session, locale, URL
  resolution or template work.
- In production the cache is Redis, shared by every web process; the version key makes all
  of them drop the old pages at once. A cache that fails is logged and the page rendered.
"""

import hashlib
import logging
import re
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

logger = logging.getLogger(__name__)

VERSION_KEY = "public-pages:version"
TIMEOUT = getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 300)
_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_MARKER = "\x00csrf\x00"


def content_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, None)
        version = cache.get(VERSION_KEY) or 1
    return version


def bump(**_kwargs):
    """Every cached public page is out of date from now on."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or the cache was emptied): start one
        cache.add(VERSION_KEY, 1, None)
    except Exception:
        logger.exception("Could not bump the public pages' version")


def _bump_after_commit(**_kwargs):
    transaction.on_commit(bump, robust=True)


def register_public_content(*models):
    """Saving or deleting any of `models` (or changing their many-to-many links) makes the
    cached public pages stale."""
    for model in models:
        uid = f"public-pages:{model._meta.label}"
        post_save.connect(_bump_after_commit, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(_bump_after_commit, sender=model, dispatch_uid=uid + ":delete")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _bump_after_commit, sender=field.remote_field.through, dispatch_uid=uid + field.name
            )


def lookup(key):
    """(current version, what is stored under `key` if it was stored with that version, less
    the version) in one cache round trip. Store `(version, ...)` under `key` to be found."""
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        return content_version(), None
    stored = found.get(key)
    if stored is not None and stored[0] == version:
        return version, stored[1:]
    return version, None


def cached_public_data(name, compute):
    """`compute()`'s value (plain data: lists of choices, counts) kept in the cache until what
    the public pages show changes (the same version key) or the day turns; for signed-in
    pages too, since it is the same for everyone. One cache round trip when it is there."""
    if not getattr(settings, "PUBLIC_PAGE_CACHE", True):
        return compute()
    try:
        key = f"public-data:{timezone.localdate().isoformat()}:{name}"
        version, stored = lookup(key)
    except Exception:
        logger.exception("Public data cache unavailable")
        return compute()
    if stored is not None:
        return stored[0]
    value = compute()
    try:
        cache.set(key, (version, value), TIMEOUT)
    except Exception:
        logger.exception("Could not store public data")
    return value


def address_hash(request, *, query=True):
    """A short, fixed-length cache key part for the address asked for: scheme, host, path and
    (unless `query` is False) the query string. The host is in it because pages, feeds and API
    answers hold absolute links to where they were served."""
    address = request.build_absolute_uri() if query else request.build_absolute_uri(request.path)
    return hashlib.sha256(address.encode()).hexdigest()[:32]


def shared_fragment(request, name, render_fragment):
    """HTML that is the same for everyone who asks for this address in this language (a list
    with its filter form and pages, no CSRF token, no name), rendered once per version of the
    public content: signed-in people's list pages reuse it, only their header is their own."""
    key = f"{name}:{get_language()}:{address_hash(request)}"
    return mark_safe(cached_public_data(key, render_fragment))


def _cacheable(request):
    if not getattr(settings, "PUBLIC_PAGE_CACHE", True):
        return False
    # No session cookie: nobody is signed in (and no message waits in a session), and the
    # session is not even loaded to find out.
    return (
        request.method == "GET"
        and "messages" not in request.COOKIES
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


def _key(request):
    # The path holds the language (/sv/, /en/). The version is not in the key but stored with
    # the page, so that one round trip (MGET) reads both.
    return f"public-pages:{timezone.localdate().isoformat()}:{address_hash(request)}"


# Headers the inner middleware set that belong to the page, not to this visitor.
_NOT_STORED = {"set-cookie", "content-length"}


def public_page(view):
    """Mark `view`'s page as the same for every visitor who is not signed in: the
    PublicPageCacheMiddleware stores it and serves it from the cache until what it shows
    changes."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if _cacheable(request):
            response.public_page = True
        return response

    return wrapped


class PublicPageCacheMiddleware:
    """Serves a stored public page before sessions, authentication, locale, CSRF, messages and
    CSP run: a visitor who is not signed in (no session or message cookie) asks for a page
    under /sv/ or /en/ that a view marked with @public_page.

    Placed after SecurityMiddleware (the HTTPS redirect and its headers still apply) and before
    everything that reads a session or the database. The page is stored with the headers the
    inner middleware gave it (language, Vary, CSP, frame options), never a cookie; the language
    switch's CSRF token is the visitor's own, set as CsrfViewMiddleware would."""

    prefixes = tuple(f"/{code}/" for code, _name in settings.LANGUAGES)

    def __init__(self, get_response):
        self.get_response = get_response
        self.csrf = CsrfViewMiddleware(get_response)

    def __call__(self, request):
        if not (_cacheable(request) and request.path_info.startswith(self.prefixes)):
            return self.get_response(request)
        # An unknown Host raises DisallowedHost here: Django answers 400, as for any page.
        key = _key(request)
        try:
            # The version read before the page is rendered: an edit saved meanwhile bumps it,
            # and the page stored under the older version is never served.
            version, stored = lookup(key)
        except Exception:
            logger.exception("Public page cache unavailable")
            return self.get_response(request)
        if stored is not None:
            return self.serve(request, *stored)
        response = self.get_response(request)
        if (
            getattr(response, "public_page", False)
            and response.status_code == 200
            and not response.streaming
        ):
            body = _TOKEN.sub(rf"\g<1>{_MARKER}\g<2>", response.content.decode())
            headers = [(k, v) for k, v in response.items() if k.lower() not in _NOT_STORED]
            try:
                cache.set(key, (version, body, headers), TIMEOUT)
            except Exception:
                logger.exception("Could not store a public page")
        return response

    def serve(self, request, body, headers):
        if _MARKER in body:
            self.csrf.process_request(request)  # the visitor's CSRF cookie, if any
            body = body.replace(_MARKER, get_token(request))
        response = HttpResponse(body)
        for name, value in headers:
            response[name] = value
        return self.csrf.process_response(request, response)
