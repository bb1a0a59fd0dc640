"""Typed storage that plugins share on framework objects (the app, a request).

A plugin creates a :class:`StashKey` once, at import time, and keeps its data on
``app.stash[KEY]`` instead of setting ad-hoc attributes. Keys are compared by
identity, so two plugins can never collide. The same idea as pytest's stash.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar, cast

__all__ = ["Stash", "StashKey"]

T = TypeVar("T")
D = TypeVar("D")


class StashKey(Generic[T]):
    """A key for a :class:`Stash`; its type parameter is the type of the value."""

    __slots__ = ("name",)

    def __init__(self, name: str = "") -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"StashKey({self.name!r})"


class Stash:
    """A mapping from :class:`StashKey` to values, typed per key.

    ``app.stash`` holds per-app plugin data (set it in ``pegboard_configure``), and
    ``ctx.stash`` of a :class:`~pegboard.RequestContext` per-request data.
    ``stash[KEY] = value``, ``stash[KEY]``, ``KEY in stash`` and ``del stash[KEY]``
    work as on a dict.
    """

    __slots__ = ("_data",)

    def __init__(self) -> None:
        self._data: dict[StashKey[Any], object] = {}

    def __setitem__(self, key: StashKey[T], value: T) -> None:
        self._data[key] = value

    def __getitem__(self, key: StashKey[T]) -> T:
        return cast(T, self._data[key])

    def get(self, key: StashKey[T], default: D) -> T | D:
        """The value for ``key``, or ``default`` if it has none."""
        try:
            return self[key]
        except KeyError:
            return default

    def setdefault(self, key: StashKey[T], default: T) -> T:
        """The value for ``key``, storing ``default`` first if it has none."""
        return cast(T, self._data.setdefault(key, default))

    def __delitem__(self, key: StashKey[T]) -> None:
        del self._data[key]

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __len__(self) -> int:
        return len(self._data)
