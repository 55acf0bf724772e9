"""The cache backend when REDIS_URL is set: Redis, and while Redis is down or hung, a cache in
the process, so that signing in keeps working (allauth's rate limits live in the cache) and the
public pages are still served.

- Short socket timeouts (0.3 s to connect and to read, unless OPTIONS say otherwise): a hung
  Redis costs one request a fraction of a second, never the 2 s it used to. Redis answers a
  cache command in well under a millisecond here.
- A circuit breaker per process and Redis address: after one failure every thread of the
  process uses the fallback at once, and only one request tries Redis again every
  `retry_redis_after` seconds (15 by default). The first failure logs a warning, the first
  answer after it an info line: once per outage, not once per request.
- The fallback is Django's LocMemCache, one per process, not the database cache. The database
  cache would need `createcachetable` on every deployment (migrate does not make it) and a
  write per login attempt, for a path that runs only during an outage. The price of a cache
  per process: during an outage each web process counts rate limits by itself (an address
  gets at most limit × processes attempts), and a public page another process cached may be
  up to five minutes old (as on the embedded default). A change saved during an outage bumps
  only the process's own version of the public pages; pages Redis held from before the outage
  expire within five minutes of being cached. When Redis answers again the fallback is
  emptied, so a later outage starts from nothing stale.
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# What an outage looks like (refused, reset, unreachable, no answer in time). Other Redis
# errors (a wrong type, a missing key for incr) are the caller's to see, as with RedisCache.
OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError)
RETRY_REDIS_AFTER = 15  # seconds
SOCKET_TIMEOUTS = {"socket_connect_timeout": 0.3, "socket_timeout": 0.3}
# Rate-limit histories are small; whole pages are not: enough for a busy outage, bounded
# memory per process (least recently used entries go first).
FALLBACK_MAX_ENTRIES = 1000


class CircuitBreaker:
    """Shared by the threads of a process: is Redis to be tried now, and did it just come back?"""

    def __init__(self, name, retry_after):
        self.name = name
        self.retry_after = retry_after
        self._lock = threading.Lock()
        self._retry_at = None  # None: closed, Redis is used
        self._down_since = None

    @property
    def is_open(self):
        return self._retry_at is not None

    def allows_redis(self):
        if self._retry_at is None:
            return True
        with self._lock:
            if self._retry_at is None:
                return True
            now = time.monotonic()
            if now < self._retry_at:
                return False
            # This caller tries Redis; the others keep to the fallback until it has answered.
            self._retry_at = now + self.retry_after
            return True

    def failed(self, error):
        with self._lock:
            started = self._down_since is None
            self._retry_at = time.monotonic() + self.retry_after
            if started:
                self._down_since = time.monotonic()
        if started:
            logger.warning(
                "Redis cache at %s unavailable (%s): using this process's own cache, "
                "trying Redis again every %s s",
                self.name,
                type(error).__name__,
                self.retry_after,
            )

    def succeeded(self):
        """True when this answer ends an outage."""
        if self._retry_at is None:
            return False
        with self._lock:
            if self._retry_at is None:
                return False
            outage = time.monotonic() - self._down_since
            self._retry_at = self._down_since = None
        logger.info("Redis cache at %s answers again after %.0f s", self.name, outage)
        return True


_breakers = {}
_breakers_lock = threading.Lock()


def breaker_for(location, retry_after=RETRY_REDIS_AFTER):
    # Django makes a cache backend per thread: the state of Redis is the process's.
    with _breakers_lock:
        if location not in _breakers:
            _breakers[location] = CircuitBreaker(_without_password(location), retry_after)
        return _breakers[location]


def _without_password(location):
    # Never log a password from the URL.
    scheme, sep, rest = location.partition("://")
    return f"{scheme}{sep}{rest.rpartition('@')[2]}" if sep else location


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client builds a new `redis.Redis` for every cache command, and redis-py fills
    a table of some 170 reply callbacks each time: 0.2 ms of a 0.9 ms cached page here. One
    `redis.Redis` per connection pool is enough (it is thread-safe; the pool hands out the
    connections), made after the fork like the pool itself."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        options = {**SOCKET_TIMEOUTS, **params.get("OPTIONS", {})}
        retry_after = options.pop("retry_redis_after", RETRY_REDIS_AFTER)
        super().__init__(server, {**params, "OPTIONS": options})
        self._class = ReusingRedisCacheClient
        location = server if isinstance(server, str) else ",".join(server)
        self._breaker = breaker_for(location, retry_after)
        # Same name, same storage: the threads of a process share one fallback.
        self._fallback = LocMemCache(
            f"redis-fallback:{location}",
            {
                "TIMEOUT": params.get("TIMEOUT", DEFAULT_TIMEOUT),
                "KEY_PREFIX": params.get("KEY_PREFIX", ""),
                "VERSION": params.get("VERSION", 1),
                "KEY_FUNCTION": params.get("KEY_FUNCTION"),
                "OPTIONS": {"MAX_ENTRIES": FALLBACK_MAX_ENTRIES},
            },
        )

    def _call(self, name, *args, **kwargs):
        if self._breaker.allows_redis():
            try:
                result = getattr(super(), name)(*args, **kwargs)
            except OUTAGE_ERRORS as error:
                self._breaker.failed(error)
            else:
                if self._breaker.succeeded():
                    self._fallback.clear()
                return result
        return getattr(self._fallback, name)(*args, **kwargs)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        self._fallback.clear()
        return self._call("clear")

    def ping(self):
        """Ask Redis itself, never the fallback (the readiness check): raises when it fails."""
        return self._cache.get_client(write=True).ping()
