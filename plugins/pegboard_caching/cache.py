"""``Cache``: one app's response cache, its keys, and invalidation by path or tag.

Keys are ``cache:<route id>:<path>?<query>#<header values>``. The route id is a hash
of the route's methods and path template, the same in every worker, so entries
stored by one worker are found by the others, and invalidating a route, a path or a
tag is a prefix deletion that every worker sees.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import Iterable
from typing import Literal

import attrs
from starlette.routing import compile_path

from pegboard_caching.policy import CachePolicy
from pegboard_stores import Store, StoreUnavailable

__all__ = ["Cache", "CachedRoute", "normalise_query"]

logger = logging.getLogger("pegboard.caching")

NAMESPACE = "cache:"


def normalise_query(query: str, policy: CachePolicy) -> str:
    """The query string as the key holds it: parameters sorted, or only the named ones."""
    if not query or policy.query is False:
        return ""
    pairs = query.split("&")
    if policy.query is not True:
        named = policy.query
        pairs = [p for p in pairs if p.partition("=")[0] in named]
    return "&".join(sorted(pairs))


@attrs.frozen(eq=False)
class CachedRoute:
    """A route that caches, as the :class:`Cache` knows it (build time).

    :ivar label: The route's label, for messages.
    :ivar prefix: The prefix of all its keys.
    :ivar policy: Its policy.
    :ivar regex: Matches the paths it serves, for invalidation by path.
    """

    label: str
    prefix: str
    policy: CachePolicy
    regex: re.Pattern[str]

    @classmethod
    def of(cls, label: str, methods: Iterable[str], path: str, policy: CachePolicy) -> CachedRoute:
        """Made while the route is compiled."""
        ident = hashlib.blake2b(
            f"{','.join(sorted(methods))} {path}".encode(), digest_size=6
        ).hexdigest()
        regex = compile_path(path)[0]
        return cls(label, f"{NAMESPACE}{ident}:", policy, re.compile(regex.pattern + r"\Z"))


class Cache:
    """One app's response cache. Handlers get it by declaring a parameter ``cache: Cache``.

    ``await cache.invalidate(path="/items/7")`` drops what is stored for a path (with
    every query string and variant, or only ``"/items?page=2"``'s);
    ``await cache.invalidate(tag="items")`` drops every entry of the routes tagged
    ``items``; ``await cache.clear()`` drops everything. With a shared store (Redis)
    every worker sees it at once. They raise :class:`~pegboard_stores.StoreUnavailable`
    when the store is down, whatever ``on_store_error`` says: an invalidation that did
    not happen must not pass unnoticed.
    """

    def __init__(
        self,
        store: Store,
        *,
        on_store_error: Literal["open", "closed"] = "open",
        retry_after: float = 2.0,
    ) -> None:
        self.store = store
        self.on_store_error = on_store_error
        self.retry_after = retry_after
        self._routes: dict[str, CachedRoute] = {}
        self._down_until = 0.0

    def __repr__(self) -> str:
        return f"Cache({self.store!r}, {len(self._routes)} routes)"

    def add_route(self, route: CachedRoute) -> None:
        """Build time: remember a caching route, for invalidation."""
        self._routes[route.prefix] = route

    @property
    def routes(self) -> tuple[CachedRoute, ...]:
        """The routes that cache."""
        return tuple(self._routes.values())

    # -- the store's health (per request) ------------------------------------------

    def available(self) -> bool:
        """Whether to try the store: not within ``retry_after`` seconds of a failure."""
        return not self._down_until or time.monotonic() >= self._down_until

    def failed(self, error: StoreUnavailable) -> None:
        """Note a store failure: requests skip the store for ``retry_after`` seconds."""
        if self.available():
            logger.warning(
                "The cache's store is unavailable (%s); serving %s for %ss.",
                error,
                "uncached" if self.on_store_error == "open" else "503",
                self.retry_after,
            )
        self._down_until = time.monotonic() + self.retry_after

    # -- invalidation --------------------------------------------------------------

    async def invalidate(self, *, path: str | None = None, tag: str | None = None) -> int:
        """Drop stored responses by path (``"/items/7"``, ``"/items?page=2"``) or tag.

        :returns: The number of keys removed.
        """
        if (path is None) == (tag is None):
            raise TypeError("invalidate() takes path=... or tag=..., one of them.")
        prefixes: list[str] = []
        if tag is not None:
            prefixes = [r.prefix for r in self._routes.values() if tag in r.policy.tags]
        else:
            assert path is not None
            where, has_query, query = path.partition("?")
            for route in self._routes.values():
                if route.regex.match(where):
                    if has_query:
                        prefixes.append(
                            f"{route.prefix}{where}?{normalise_query(query, route.policy)}#"
                        )
                    else:
                        prefixes.append(f"{route.prefix}{where}?")
        removed = 0
        for prefix in prefixes:
            removed += await self.store.delete_prefix(prefix)
        return removed

    async def clear(self) -> int:
        """Drop every stored response of every app sharing the store; returns the count."""
        return await self.store.delete_prefix(NAMESPACE)
