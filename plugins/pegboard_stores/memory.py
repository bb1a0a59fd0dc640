"""MemoryStore: the embedded default, one process, nothing to install."""

from __future__ import annotations

import threading
import time

_monotonic = time.monotonic

__all__ = ["MemoryStore"]

_Entry = tuple["bytes | int", "float | None"]  # (value, monotonic expiry time or None)


def _expiry(now: float, expires_in: float | None) -> float | None:
    if expires_in is None:
        return None
    if not expires_in > 0:
        raise ValueError(f"expires_in must be a positive number of seconds, not {expires_in!r}")
    return now + expires_in


def _as_int(value: bytes | int, key: str) -> int:
    if isinstance(value, int):
        return value
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"The value under {key!r} is not an integer: {value[:40]!r}") from None


class MemoryStore:
    """A :class:`~pegboard_stores.Store` in this process's memory.

    Each worker process has its own, so limits, caches and sessions kept here are
    per process: use :class:`~pegboard_stores.RedisStore` once an app runs several
    workers. Operations never await, so each is atomic under asyncio; a lock makes
    them safe from threads too. Expired keys read as absent and are dropped, all
    at once, by the first write after each ``sweep_interval`` seconds, so forgotten keys
    do not pile up.
    """

    def __init__(self, *, sweep_interval: float = 5.0) -> None:
        self._data: dict[str, _Entry] = {}
        self._lock = threading.Lock()
        self._sweep_interval = sweep_interval
        self._next_sweep = time.monotonic() + sweep_interval

    def __repr__(self) -> str:
        return f"MemoryStore({len(self._data)} keys)"

    def _sweep(self, now: float) -> None:
        self._next_sweep = now + self._sweep_interval
        expired = [k for k, (_, at) in self._data.items() if at is not None and at <= now]
        for key in expired:
            del self._data[key]

    async def get(self, key: str) -> bytes | None:
        return self.get_now(key)

    def get_now(self, key: str) -> bytes | None:
        """:meth:`get` without the await, for code on the event loop's hot path.

        A response cache checks for a ``MemoryStore`` once, when the app is built, and
        then calls this directly on every request.
        """
        # Lock-free: reading a dict is atomic, and an expired entry is left for the
        # next write's sweep (the hot read of a cache hit takes no lock).
        entry = self._data.get(key)
        if entry is None or (entry[1] is not None and entry[1] <= _monotonic()):
            return None
        value = entry[0]
        return value if type(value) is bytes else str(value).encode()

    async def set(self, key: str, value: bytes, *, expires_in: float | None = None) -> None:
        now = time.monotonic()
        expires = _expiry(now, expires_in)
        with self._lock:
            if now >= self._next_sweep:
                self._sweep(now)
            self._data[key] = (bytes(value), expires)

    async def delete(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)

    async def increment(self, key: str, amount: int = 1, *, expires_in: float | None = None) -> int:
        return self.increment_now(key, amount, expires_in=expires_in)

    def increment_now(self, key: str, amount: int = 1, *, expires_in: float | None = None) -> int:
        """:meth:`increment` without the await, for code on the event loop's hot path.

        A rate limiter checks for a ``MemoryStore`` once, when the app is built, and
        then calls this directly: the count is the same, minus a coroutine per request.
        """
        now = _monotonic()
        if expires_in is not None and not expires_in > 0:
            _expiry(now, expires_in)  # raises
        lock = self._lock
        lock.acquire()  # not `with`: half the cost, on every limited request
        try:
            if now >= self._next_sweep:
                self._sweep(now)
            data = self._data
            entry = data.get(key)
            if entry is None or (entry[1] is not None and entry[1] <= now):
                value = amount
                expires = None if expires_in is None else now + expires_in
            else:
                current, expires = entry
                value = (current if type(current) is int else _as_int(current, key)) + amount
            data[key] = (value, expires)
        finally:
            lock.release()
        return value

    async def delete_prefix(self, prefix: str) -> int:
        now = time.monotonic()
        with self._lock:
            doomed = [k for k in self._data if k.startswith(prefix)]
            live = 0
            for key in doomed:
                at = self._data.pop(key)[1]
                live += at is None or at > now
        return live

    async def close(self) -> None:
        """Nothing to release: the keys live as long as the process (or the store)."""
