"""Small tables read on every request (the working-day calendar, the case categories): each
process keeps the table in memory, and Django's cache holds one token per table that says which
version is current — per-process memory in the embedded default, Redis in production
(``LINLI_CACHE_URL``), so an edit through one worker reaches every worker at once.

A read costs one cache lookup of the token (no query, no unpickling of the table); a write calls
``forget`` (on save and again on commit), which changes the token, and every process reloads the
table on its next read. Tables are also reloaded at least every ``seconds`` as a safety net.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from typing import Generic, TypeVar

from django.core.cache import cache

T = TypeVar("T")


class Table(Generic[T]):
    def __init__(self, key: str, load: Callable[[], T], seconds: float):
        self.key, self.load, self.seconds = f"table:{key}", load, seconds
        self._kept: tuple[str, T, float] | None = None  # (token, value, monotonic load time)
        self._lock = threading.Lock()

    def _token(self) -> str:
        token = cache.get(self.key)
        if token is None:
            cache.add(self.key, uuid.uuid4().hex, None)
            token = cache.get(self.key) or ""
        return token

    def get(self) -> T:
        token, now = self._token(), time.monotonic()
        kept = self._kept
        if kept is not None and kept[0] == token and 0 <= now - kept[2] < self.seconds:
            return kept[1]
        value = self.load()
        with self._lock:
            self._kept = (token, value, now)
        return value

    def forget(self) -> None:
        """The table changed: every process reloads it on its next read."""
        cache.set(self.key, uuid.uuid4().hex, None)
        with self._lock:
            self._kept = None


# ---------------------------------------------------------------- rate limits


def rate_hit(key: str, *, limit: int, seconds: int, now: float | None = None) -> bool:
    """Count one hit of ``key`` in the current window of ``seconds`` and say whether it is
    within ``limit`` (True) or over it (False). A fixed window in Django's cache — shared by
    every worker with Redis (``LINLI_CACHE_URL``), per process in the embedded default —
    made atomic by ``add`` then ``incr``. Callers count *before* they write, so nothing is
    stored beyond the limit."""
    window = int((time.time() if now is None else now) // seconds)
    name = f"rate:{key}:{window}"
    cache.add(name, 0, seconds + 1)
    try:
        count = cache.incr(name)
    except ValueError:  # evicted between add and incr: this is its first hit again
        cache.add(name, 1, seconds + 1)
        count = 1
    return count <= limit
