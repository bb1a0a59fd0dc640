"""pegboard_caching: per-route response caching in a store, ETags and invalidation.

Enable it with ``App(plugins=[caching()])`` (or by the name ``"caching"``), then
cache a GET route with ``cache=60`` or ``cache=CachePolicy(...)``. Responses live in a
``pegboard_stores`` store: this process's memory by default, Redis to share them
between workers.
"""

from pegboard_caching.cache import Cache
from pegboard_caching.middleware import CacheMiddleware, ETagMiddleware
from pegboard_caching.plugin import CachingPlugin, cache_of, caching
from pegboard_caching.policy import CACHEABLE_STATUSES, CachePolicy

__all__ = [
    "CACHEABLE_STATUSES",
    "Cache",
    "CacheMiddleware",
    "CachePolicy",
    "CachingPlugin",
    "ETagMiddleware",
    "cache_of",
    "caching",
]
