"""The store interface: what a plugin may ask of any store."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

__all__ = ["Store", "StoreUnavailable"]


class StoreUnavailable(Exception):
    """The store's backend cannot be reached or did not answer in time.

    Raised by every store operation instead of hanging or leaking the backend
    client's own exceptions, so a plugin can apply its ``on_store_error`` policy
    (let the request through, or answer 503) with one ``except`` clause.
    """


@runtime_checkable
class Store(Protocol):
    """An async key-value store with expiry, shared by the traffic plugins.

    Keys are strings and values bytes. Each plugin namespaces its keys
    (``"ratelimit:"``, ``"cache:"``, ``"session:"``), so one store can serve
    several plugins. Any operation may raise :class:`StoreUnavailable`.
    """

    async def get(self, key: str) -> bytes | None:
        """The value stored under ``key``, or None when it is absent or expired."""
        ...

    async def set(self, key: str, value: bytes, *, expires_in: float | None = None) -> None:
        """Store ``value`` under ``key``, replacing any value and expiry it had.

        :param expires_in: seconds until the key expires; None keeps it until deleted.
        """
        ...

    async def delete(self, key: str) -> None:
        """Remove ``key``; removing an absent key is not an error."""
        ...

    async def increment(self, key: str, amount: int = 1, *, expires_in: float | None = None) -> int:
        """Add ``amount`` to the integer under ``key`` atomically and return the new value.

        An absent key counts from 0. ``expires_in`` applies only when this call
        creates the key, so a fixed window keeps the expiry of its first hit.
        A key that holds something other than a decimal integer raises ValueError.
        """
        ...

    async def delete_prefix(self, prefix: str) -> int:
        """Remove every key that starts with ``prefix``; return how many were removed."""
        ...

    async def close(self) -> None:
        """Release the store's connections; call it once, when the app shuts down."""
        ...
