"""The shared render cache on Redis, and what happens when Redis is away.

Several app servers behind one proxy share one Redis (`DJANGO_CACHE=redis`, `REDIS_URL`), through
Django's own `RedisCache`. Nothing needs invalidating across servers: every key that
cases/caching.py makes holds the case's state as read from the database on that request, so an edit
saved through one server changes the key the next request computes on every other server, and the
old entry is simply never asked for again (it expires).

The cache is an accelerator, never a store: when Redis does not answer, the app must keep serving,
uncached, as fast as it can. So this backend

- turns every Redis error into a cache miss (reads) or a no-op (writes);
- gives up on a request quickly: short socket timeouts and no retries with back-off (redis-py's
  default retries with back-off would add whole seconds to a page);
- after a failure, leaves Redis alone for RETRY_SECONDS, so pages do not each pay a failed connect;
- logs one warning a minute per process, not one per request;
- tells `/healthz` (through `cache_health`) that the server is degraded.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache

log = logging.getLogger(__name__)

RETRY_SECONDS = 5.0  # after a failure, how long requests skip Redis altogether
WARN_EVERY_SECONDS = 60.0  # one warning a minute per process, however many requests fail
HEALTH_CHECK_SECONDS = 5.0  # /healthz pings Redis at most this often per process

# Timeouts in seconds. Redis answers on the local network in well under a millisecond; a server that
# takes longer than this is, for a page that must render, as good as down.
DEFAULT_OPTIONS: dict[str, Any] = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}

T = TypeVar("T")


class _Outage:
    """Per-process memory of the last failure (shared by the per-thread cache objects)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.failed_at = 0.0  # monotonic time of the last failure, 0 when Redis last answered
        self.warned_at = -WARN_EVERY_SECONDS
        self.checked_at = -HEALTH_CHECK_SECONDS
        self.healthy = True

    def skipping(self) -> bool:
        return self.failed_at > 0 and time.monotonic() - self.failed_at < RETRY_SECONDS

    def failed(self, error: Exception) -> None:
        now = time.monotonic()
        with self.lock:
            self.failed_at, self.healthy = now, False
            if now - self.warned_at < WARN_EVERY_SECONDS:
                return
            self.warned_at = now
        log.warning("cache: Redis unreachable (%s); serving without the cache", type(error).__name__)

    def answered(self) -> None:
        if self.failed_at:
            with self.lock:
                self.failed_at, self.healthy = 0.0, True
            log.warning("cache: Redis answers again")


outage = _Outage()


class ResilientRedisCache(RedisCache):
    """Django's RedisCache, where an unreachable Redis means "not cached" instead of a server error."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        options = {**DEFAULT_OPTIONS, "retry": Retry(NoBackoff(), 0), **params.get("OPTIONS", {})}
        super().__init__(server, {**params, "OPTIONS": options})

    def _guard(self, default: T, call: Callable[[], T]) -> T:
        from redis.exceptions import RedisError

        if outage.skipping():
            return default
        try:
            result = call()
        except (RedisError, OSError) as error:
            outage.failed(error)
            return default
        outage.answered()
        return result

    def get(self, key: Any, default: Any = None, version: Any = None) -> Any:
        return self._guard(default, lambda: super(ResilientRedisCache, self).get(key, default, version))

    def get_many(self, keys: Any, version: Any = None) -> Any:
        return self._guard({}, lambda: super(ResilientRedisCache, self).get_many(keys, version))

    def has_key(self, key: Any, version: Any = None) -> bool:
        return self._guard(False, lambda: super(ResilientRedisCache, self).has_key(key, version))

    def set(self, *args: Any, **kwargs: Any) -> None:
        self._guard(None, lambda: super(ResilientRedisCache, self).set(*args, **kwargs))

    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._guard([], lambda: super(ResilientRedisCache, self).set_many(*args, **kwargs))

    def add(self, *args: Any, **kwargs: Any) -> bool:
        return self._guard(False, lambda: super(ResilientRedisCache, self).add(*args, **kwargs))

    def touch(self, *args: Any, **kwargs: Any) -> bool:
        return self._guard(False, lambda: super(ResilientRedisCache, self).touch(*args, **kwargs))

    def delete(self, *args: Any, **kwargs: Any) -> bool:
        return self._guard(False, lambda: super(ResilientRedisCache, self).delete(*args, **kwargs))

    def delete_many(self, *args: Any, **kwargs: Any) -> None:
        self._guard(None, lambda: super(ResilientRedisCache, self).delete_many(*args, **kwargs))

    def clear(self) -> None:
        self._guard(None, lambda: super(ResilientRedisCache, self).clear())

    def ping(self) -> bool:
        """Does Redis answer now? (Bypasses the retry pause: a health check must see recovery.)"""
        from redis.exceptions import RedisError

        try:
            self._cache.get_client(write=True).ping()  # type: ignore[attr-defined]
        except (RedisError, OSError) as error:
            outage.failed(error)
            return False
        outage.answered()
        return True


def cache_health() -> str:
    """Say "ok", or "degraded" when the shared cache does not answer (the app still serves, uncached).

    Pings at most every HEALTH_CHECK_SECONDS per process, so a monitor polling /healthz every second
    costs Redis nothing and the health check stays the cheapest request.
    """
    ping = getattr(cache, "ping", None)  # the proxy hands this thread's backend object
    if ping is None:  # locmem, database or no cache: nothing shared to lose
        return "ok"
    now = time.monotonic()
    if now - outage.checked_at >= HEALTH_CHECK_SECONDS:
        outage.checked_at = now
        ping()
    return "ok" if outage.healthy else "degraded"
