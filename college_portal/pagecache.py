"""Whole public pages cached for visitors who are not signed in: the home page, the
catalogue, the offer and partner lists, the programme and partner pages; per language,
address (with the host) and day.

Correct before fast:
- Only anonymous GETs with a 200 answer are cached, never a page with a message waiting.
- Every change to what those pages show bumps one version key (after commit), so the next
  request renders anew: a model registers with `register_public_content(Model, …)` and its
  saves and deletes (admin included) bump it. The day is in the key, so deadlines roll over.
- The CSRF token of the language switch is not stored: the cached page holds a marker that
  each request replaces with a token of its own.
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
from django.middleware.csrf import get_token
from django.utils import timezone
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


def cached_public_data(name, compute):
    """`compute()`'s value (plain data: lists of choices, counts) kept in the cache until what
    the public pages show changes (the same version key) or the day turns; for signed-in
    pages too, since it is the same for everyone."""
    if not getattr(settings, "PUBLIC_PAGE_CACHE", True):
        return compute()
    try:
        key = f"public-data:{content_version()}:{timezone.localdate().isoformat()}:{name}"
        value = cache.get(key)
    except Exception:
        logger.exception("Public data cache unavailable")
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, TIMEOUT)
        except Exception:
            logger.exception("Could not store public data")
    return value


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
    # The host too: a page may hold absolute links (structured data) to where it was served.
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()[:32]
    day = timezone.localdate().isoformat()
    return f"public-pages:{content_version()}:{get_language()}:{day}:{address}"


def public_page(view):
    """Serve `view`'s page to visitors who are not signed in from the cache when it can."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        try:
            key = _key(request)
            stored = cache.get(key)
        except Exception:
            logger.exception("Public page cache unavailable")
            return view(request, *args, **kwargs)
        if stored is not None:
            body = stored.replace(_MARKER, get_token(request))
            return HttpResponse(body, content_type="text/html; charset=utf-8")
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not getattr(response, "streaming", False):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            body = _TOKEN.sub(rf"\g<1>{_MARKER}\g<2>", response.content.decode())
            try:
                cache.set(key, body, TIMEOUT)
            except Exception:
                logger.exception("Could not store a public page")
        return response

    return wrapped
