"""Whose requests count: the API key if there is one, the address otherwise."""

from starlette.requests import HTTPConnection

from pegboard import App
from pegboard_ratelimit import ratelimit

INTERNAL_KEYS = {"k-monitoring"}


def client_id(request: HTTPConnection) -> str | None:
    key = request.headers.get("x-api-key")
    if key in INTERNAL_KEYS:
        return None  # not counted
    if key is not None:
        return f"key:{key}"
    # The address as the plugin sees it: X-Forwarded-For when the proxy sent it.
    return f"ip:{limiter.client_address(request)}"


# Behind nginx on 10.0.0.2: X-Forwarded-For is believed from it only.
limiter = ratelimit(key=client_id, trusted_proxies=["10.0.0.2"])
app = App(plugins=[limiter])


@app.get("/reports", rate_limit="2/minute")
async def reports() -> list[str]:
    return []


async def user_of(request: HTTPConnection) -> str:
    # A key function may be async, and set per route (or per router).
    return request.query_params.get("user", "anonymous")


@app.get("/feed", rate_limit="3/minute", rate_limit_key=user_of)
async def feed() -> list[str]:
    return []
