"""pegboard_ratelimit: rate limits per route, router or app, shared through a store.

Enable it with ``App(plugins=[ratelimit()])`` and give routes a limit with the
``rate_limit`` option (``"100/minute"``, a list of limits, or None to exempt a
route from a router's or the app's limit). Limits are parsed by the ``limits``
library and counted in fixed windows on a :class:`pegboard_stores.Store`.
"""

from pegboard_ratelimit.plugin import RateLimitPlugin, ratelimit

__all__ = ["RateLimitPlugin", "ratelimit"]
