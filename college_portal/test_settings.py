"""Settings for the test suite: the real settings, with a fast hasher and Redis databases of its own."""

import os
import socket

from .settings import *  # noqa: F403
from .settings import REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TESTING = True

# Unit tests run tasks in-process; tests marked `worker` switch a real Celery worker on.
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
# A folder per run: tests that look at the stored files see only their own run's.
MEDIA_ROOT = os.environ.get("TEST_MEDIA_ROOT", f"/tmp/portal-test-media/{os.getpid()}")
STORAGES["private"]["OPTIONS"]["location"] = MEDIA_ROOT + "-private"  # noqa: F405


def _local_redis():
    """A Redis on this machine's usual port, for the real-worker tests even without REDIS_URL."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.3):
            return "redis://127.0.0.1:6379"
    except OSError:
        return ""


if REDIS_URL:
    # RedisCache.clear() flushes a whole database: tests keep to databases of their own.
    base = REDIS_URL.rsplit("/", 1)[0] if REDIS_URL.count("/") > 2 else REDIS_URL.rstrip("/")
    # TEST_REDIS_CACHE_DB: another number for a second run beside this one (clear() would flush
    # the other run's rate limits and cached pages).
    CACHES["default"]["LOCATION"] = f"{base}/{os.environ.get('TEST_REDIS_CACHE_DB', '14')}"  # noqa: F405
else:
    base = _local_redis()
if base:
    CELERY_BROKER_URL = f"{base}/13"
    # Test runs side by side (pytest-xdist, a second checkout) share that broker: each run's
    # worker consumes only its own queue, so none takes and drops another run's tasks.
    CELERY_TASK_DEFAULT_QUEUE = f"portal-test-{os.getpid()}"

# Threads of the concurrency and real-worker tests open connections of their own: close them
# at the end of each unit of work, so the test database can be dropped after the run.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

# Most tests change data inside one transaction, where the after-commit version bump never
# runs: they see pages uncached. tests/test_public_page_cache.py turns the cache on.
PUBLIC_PAGE_CACHE = False
