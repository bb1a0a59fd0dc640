"""pegboard-hits: count the requests of the routes declared with ``count_hits=True``."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Literal

from pegboard import (
    App,
    HTTPException,
    PluginInfo,
    RequestContext,
    Resolver,
    RouteInfo,
    RouteOption,
    StashKey,
    hookimpl,
)
from pegboard_stores import MemoryStore, Store, StoreUnavailable

STORE = StashKey[Store]("hits.store")


class HitsPlugin:
    def __init__(self, store: Store | None, on_store_error: Literal["open", "closed"]) -> None:
        if on_store_error not in ("open", "closed"):
            raise ValueError(f"on_store_error is 'open' or 'closed', not {on_store_error!r}")
        self.store = store
        self.on_store_error = on_store_error
        self.plugin_info = PluginInfo(
            name="hits",
            version="1.0.0",
            route_options=(RouteOption("count_hits", "replace", "True: count this route."),),
        )

    @hookimpl
    def pegboard_configure(self, app: App) -> None:
        # No store given: a memory store of this app's own (one process only).
        app.stash[STORE] = self.store if self.store is not None else MemoryStore()

    @hookimpl
    def pegboard_route_guards(self, app: App, route: RouteInfo) -> list[Resolver] | None:
        if route.kind != "http" or not route.option("count_hits", False):
            return None  # other routes pay nothing
        store, key, fail_open = (
            app.stash[STORE],
            f"hits:{route.path}",
            self.on_store_error == "open",
        )

        async def count(ctx: RequestContext) -> None:
            try:
                await store.increment(key)
            except StoreUnavailable:
                if not fail_open:
                    raise HTTPException(503, "Try again in a moment.") from None

        return [Resolver(count, is_async=True, label="hit counter")]

    @hookimpl
    def pegboard_shutdown(self, app: App) -> Awaitable[None]:
        return app.stash[STORE].close()


def hits(
    store: Store | None = None, on_store_error: Literal["open", "closed"] = "open"
) -> HitsPlugin:
    """Count hits: ``App(plugins=[hits(store=RedisStore(url))])``."""
    return HitsPlugin(store, on_store_error)


async def hit_count(store: Store, path: str) -> int:
    """How many requests the route ``path`` has had."""
    value = await store.get(f"hits:{path}")
    return int(value) if value is not None else 0
