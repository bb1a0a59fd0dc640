from pegboard import App, Request
from pegboard_caching import CachePolicy, caching

app = App(plugins=[caching()])

GREETINGS = {"fr": "bonjour", "de": "hallo"}


@app.get(
    "/articles",
    cache=CachePolicy(
        ttl=30,
        query=["page"],  # ?page=2&utm_source=x shares ?page=2's entry
        cache_control="public, max-age=30, stale-while-revalidate=60",
    ),
)
async def articles(request: Request) -> dict[str, str]:
    return {"page": request.query_params.get("page", "1")}


@app.get("/greeting", cache=CachePolicy(ttl=3600, headers=["accept-language"]))
async def greeting(request: Request) -> str:
    # One entry per Accept-Language value.
    return GREETINGS.get(request.headers.get("accept-language", ""), "hello")


@app.get("/me", cache=CachePolicy(ttl=10, authorized=True, headers=["authorization"]))
async def me(request: Request) -> dict[str, str]:
    # Requests with Authorization are only cached when the policy says so; keying on
    # the header keeps each caller's answer apart.
    return {"token": request.headers["authorization"].removeprefix("Bearer ")}


@app.get("/stats", etag=True)
async def stats() -> dict[str, int]:
    # Not stored, but an ETag and 304 Not Modified spare sending it again.
    return {"visitors": 42}
