"""Replacing dependencies, mostly in tests: ``overrides(app)[get_db] = fake_db``."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from typing import Any

__all__ = ["DependencyOverrides"]

_MISSING: Any = object()


def _check_callable(value: Any, what: str) -> None:
    if not callable(value):
        raise TypeError(
            f"Dependency overrides map callables to callables; the {what} is {value!r}."
        )


class DependencyOverrides(MutableMapping[Callable[..., Any], Callable[..., Any]]):
    """One app's dependency overrides: original callable -> replacement callable.

    Wherever the original appears in a graph (as a route's parameter, inside another
    dependency, in ``dependencies=[...]``), the replacement is called instead, with
    its own parameters resolved as usual. The marker's ``use_cache`` and ``scope``
    still apply.

    Changes take effect on the next request, also when the app is already running:
    each change compiles again, right away, the routes whose graphs contain the
    callable (:meth:`pegboard.App.recompile`), so requests never plan anything. A
    change that makes a route impossible to compile (a cycle, a parameter nothing
    resolves) raises :class:`~pegboard.RouteDefinitionError` here and is undone.
    Make changes between requests, as tests do.
    """

    __slots__ = ("_data", "_on_change", "version")

    def __init__(self, on_change: Callable[[Callable[..., Any]], object] | None = None) -> None:
        self._data: dict[Callable[..., Any], Callable[..., Any]] = {}
        self._on_change = on_change
        #: Bumped by every change.
        self.version = 0

    def _changed(self, original: Callable[..., Any], before: Any) -> None:
        self.version += 1
        if self._on_change is None:
            return
        try:
            self._on_change(original)
        except BaseException:
            if before is _MISSING:
                self._data.pop(original, None)
            else:
                self._data[original] = before
            self.version += 1
            raise

    def __getitem__(self, original: Callable[..., Any]) -> Callable[..., Any]:
        return self._data[original]

    def __setitem__(self, original: Callable[..., Any], replacement: Callable[..., Any]) -> None:
        _check_callable(original, "key")
        _check_callable(replacement, "replacement")
        before = self._data.get(original, _MISSING)
        self._data[original] = replacement
        self._changed(original, before)

    def __delitem__(self, original: Callable[..., Any]) -> None:
        before = self._data.pop(original)
        self._changed(original, before)

    def __iter__(self) -> Iterator[Callable[..., Any]]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"DependencyOverrides({self._data!r})"

    def effective(self, dependency: Callable[..., Any]) -> Callable[..., Any]:
        """What to call for ``dependency``: its replacement, or itself."""
        return self._data.get(dependency, dependency)

    @contextmanager
    def override(
        self, original: Callable[..., Any], replacement: Callable[..., Any]
    ) -> Iterator[DependencyOverrides]:
        """Replace ``original`` inside a ``with`` block, then restore what was there.

        Restores the previous replacement if ``original`` was already overridden, so
        blocks nest. For several at once, use :meth:`replaced`.
        """
        with self.replaced({original: replacement}):
            yield self

    @contextmanager
    def replaced(
        self, replacements: Mapping[Callable[..., Any], Callable[..., Any]]
    ) -> Iterator[DependencyOverrides]:
        """Apply several overrides inside a ``with`` block, then restore the previous state."""
        previous = {original: self._data.get(original, _MISSING) for original in replacements}
        for original, replacement in replacements.items():
            self[original] = replacement
        try:
            yield self
        finally:
            for original, before in previous.items():
                if before is _MISSING:
                    self.pop(original, None)
                else:
                    self[original] = before
