"""The ratelimit plugin with only the core: limits, keys, headers, mistakes, outages."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest
from starlette.requests import HTTPConnection
from starlette.testclient import TestClient

from pegboard import (
    App,
    ParamInfo,
    PluginInfo,
    RequestContext,
    RequestValidationError,
    Resolver,
    RouteDefinitionError,
    RouteInfo,
    Router,
    WebSocket,
    hookimpl,
)
from pegboard.testing import check_plugin
from pegboard_ratelimit import ratelimit
from pegboard_stores import MemoryStore, StoreUnavailable


def make_app(**plugin_options: Any) -> App:
    app = App(plugins=[ratelimit(**plugin_options)])

    @app.get("/limited", rate_limit="3/minute")
    async def limited() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/free")
    async def free() -> dict[str, bool]:
        return {"ok": True}

    return app


def test_n_allowed_then_429() -> None:
    client = TestClient(make_app())
    remaining = []
    for _ in range(3):
        response = client.get("/limited")
        assert response.status_code == 200
        assert response.headers["ratelimit-limit"] == "3"
        assert response.headers["ratelimit-policy"] == "3;w=60"
        assert 0 < int(response.headers["ratelimit-reset"]) <= 60
        remaining.append(response.headers["ratelimit-remaining"])
    assert remaining == ["2", "1", "0"]
    refused = client.get("/limited")
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/json"
    assert refused.json() == {
        "detail": "Too many requests: the limit is 3 per minute. "
        f"Try again in {refused.headers['retry-after']} s."
    }
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["ratelimit-remaining"] == "0"
    assert refused.headers["ratelimit-reset"] == refused.headers["retry-after"]


def test_routes_without_the_option_pay_nothing() -> None:
    app = make_app()
    client = TestClient(app)
    for _ in range(10):
        response = client.get("/free")
        assert response.status_code == 200
        assert "ratelimit-limit" not in response.headers
    # Compiled exactly as without the plugin: the core's plain endpoint, unwrapped.
    bare = App()
    bare.get("/free")(lambda: {"ok": True})
    bare.build()
    compiled = {r.path: r.compiled for r in app.routes if getattr(r, "compiled", None)}
    bare_free = next(r.compiled for r in bare.routes if getattr(r, "compiled", None))
    assert compiled["/free"].app.__qualname__ == bare_free.app.__qualname__
    assert compiled["/limited"].app.__qualname__ != bare_free.app.__qualname__


def test_the_window_resets() -> None:
    app = App(plugins=[ratelimit()])

    @app.get("/tick", rate_limit="2/second")
    async def tick() -> int:
        return 1

    client = TestClient(app)
    # Start at the beginning of a one-second window.
    time.sleep(1 - time.time() % 1 + 0.01)
    assert [client.get("/tick").status_code for _ in range(3)] == [200, 200, 429]
    time.sleep(1 - time.time() % 1 + 0.01)
    assert client.get("/tick").status_code == 200


def test_several_limits_report_the_tightest() -> None:
    app = App(plugins=[ratelimit()])

    @app.get("/a", rate_limit=["5/minute", "2/hour"])
    async def a() -> int:
        return 1

    @app.get("/b", rate_limit="2/hour; 5/minute")
    async def b() -> int:
        return 1

    client = TestClient(app)
    for path in ("/a", "/b"):
        first = client.get(path)
        assert first.headers["ratelimit-policy"] == "5;w=60, 2;w=3600"
        assert (first.headers["ratelimit-limit"], first.headers["ratelimit-remaining"]) == (
            "2",
            "1",
        )
        assert client.get(path).status_code == 200
        refused = client.get(path)
        assert refused.status_code == 429
        assert "2 per hour" in refused.json()["detail"]


def test_app_router_and_route_levels() -> None:
    app = App(plugins=[ratelimit()], rate_limit="2/minute")
    router = Router(rate_limit="3/minute")

    @app.get("/app-default")
    async def app_default() -> int:
        return 1

    @app.get("/exempt", rate_limit=None)
    async def exempt() -> int:
        return 1

    @router.get("/router-default")
    async def router_default() -> int:
        return 1

    @router.get("/own", rate_limit="1/minute")
    async def own() -> int:
        return 1

    @router.get("/router-exempt", rate_limit=None)
    async def router_exempt() -> int:
        return 1

    app.include_router(router, prefix="/r")
    client = TestClient(app)

    def statuses(path: str, n: int) -> list[int]:
        return [client.get(path).status_code for _ in range(n)]

    assert statuses("/app-default", 3) == [200, 200, 429]
    assert statuses("/r/router-default", 4) == [200, 200, 200, 429]
    assert statuses("/r/own", 2) == [200, 429]
    assert statuses("/exempt", 10) == [200] * 10
    assert statuses("/r/router-exempt", 10) == [200] * 10
    assert "ratelimit-limit" not in client.get("/exempt").headers


def test_each_route_counts_apart_unless_grouped() -> None:
    app = App(plugins=[ratelimit()])

    @app.get("/one", rate_limit="2/minute")
    async def one() -> int:
        return 1

    @app.get("/two", rate_limit="2/minute")
    async def two() -> int:
        return 1

    @app.get("/search/a", rate_limit="3/minute", rate_limit_group="search")
    async def search_a() -> int:
        return 1

    @app.get("/search/b", rate_limit="3/minute", rate_limit_group="search")
    async def search_b() -> int:
        return 1

    client = TestClient(app)
    assert [client.get(p).status_code for p in ("/one", "/one", "/two", "/two")] == [200] * 4
    shared = [client.get(p).status_code for p in ("/search/a", "/search/b", "/search/a")]
    assert shared == [200, 200, 200]
    assert client.get("/search/b").status_code == 429


def test_every_answer_of_a_limited_route_carries_the_fields() -> None:
    from pegboard import HTTPException

    app = App(plugins=[ratelimit()])

    @app.get("/items/{n}", rate_limit="10/minute")
    async def item(n: str) -> dict[str, str]:
        if n == "missing":
            raise HTTPException(404, "No such item.")
        if n == "boom":
            raise RuntimeError("boom")
        return {"n": n}

    client = TestClient(app, raise_server_exceptions=False)
    missing = client.get("/items/missing")
    assert (missing.status_code, missing.headers["ratelimit-remaining"]) == (404, "9")
    boom = client.get("/items/boom")
    assert boom.status_code == 500  # the server's own error, still counted
    assert client.get("/items/ok").headers["ratelimit-remaining"] == "7"


class Payload:
    """A test plugin: a body parameter (bad JSON is a 422) and a guard, both recording."""

    plugin_info = PluginInfo(name="payload")

    def __init__(self) -> None:
        self.bodies_read = 0
        self.guarded = 0

    @hookimpl
    def pegboard_resolve_parameter(self, route: RouteInfo, param: ParamInfo) -> Resolver | None:
        if param.name != "payload":
            return None

        async def read(ctx: RequestContext) -> Any:
            self.bodies_read += 1
            try:
                return json.loads(await ctx.body())
            except ValueError:
                error = {"type": "json_invalid", "loc": ["body"], "msg": "Invalid JSON"}
                raise RequestValidationError([error]) from None

        return Resolver(read)

    @hookimpl
    def pegboard_route_guards(self, app: App, route: RouteInfo) -> list[Resolver]:
        def guard(ctx: RequestContext) -> None:
            self.guarded += 1

        return [Resolver(guard)]


def test_limits_run_first_count_422s_and_refuse_before_the_body_is_read() -> None:
    payload = Payload()
    app = App(plugins=[ratelimit(), payload])

    @app.post("/items", rate_limit="2/minute")
    async def create(payload: Any) -> Any:
        return payload

    client = TestClient(app)
    bad = client.post("/items", content=b"{not json")
    # Counted, and the 422 carries the fields like any answer of the route.
    assert (bad.status_code, bad.headers["ratelimit-remaining"]) == (422, "1")
    good = client.post("/items", json={"a": 1})
    assert (good.status_code, good.headers["ratelimit-remaining"]) == (200, "0")
    assert (payload.bodies_read, payload.guarded) == (2, 2)
    refused = client.post("/items", json={"a": 1})
    assert refused.status_code == 429
    assert refused.headers["x-content-type-options"] == "nosniff"  # the core's error path
    # Refused by the first guard: the other plugin's guard and the body never ran.
    assert (payload.bodies_read, payload.guarded) == (2, 2)


def test_routes_with_wrappers_and_middleware_carry_the_fields_too() -> None:
    from starlette.middleware import Middleware

    seen: list[int] = []

    def wrap(handler: Any, route: RouteInfo) -> Any:
        async def wrapped(request: Any) -> Any:
            response = await handler(request)
            response.headers["x-wrapped"] = "yes"
            return response

        return wrapped

    class Watch:
        def __init__(self, app: Any) -> None:
            self.app = app

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            async def watch(message: Any) -> None:
                if message["type"] == "http.response.start":
                    seen.append(message["status"])
                await send(message)

            await self.app(scope, receive, watch)

    app = App(plugins=[ratelimit()])

    @app.get("/wrapped", rate_limit="1/minute", route_wrappers=[wrap])
    async def wrapped() -> int:
        return 1

    @app.get("/watched", rate_limit="1/minute", middleware=[Middleware(Watch)])
    async def watched() -> int:
        return 1

    client = TestClient(app)
    first = client.get("/wrapped")
    assert (first.headers["x-wrapped"], first.headers["ratelimit-remaining"]) == ("yes", "0")
    assert client.get("/wrapped").status_code == 429
    # Route middleware sees the answers the guard made: the fields, and the 429.
    assert client.get("/watched").headers["ratelimit-remaining"] == "0"
    assert client.get("/watched").status_code == 429
    assert seen == [200, 429]


# -- keys ---------------------------------------------------------------------------


def test_the_client_address_is_the_default_key() -> None:
    app = make_app()
    ada = TestClient(app, client=("203.0.113.7", 1000))
    bob = TestClient(app, client=("203.0.113.8", 1000))
    assert [ada.get("/limited").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert bob.get("/limited").status_code == 200


def test_forwarded_for_is_ignored_without_trusted_proxies() -> None:
    client = TestClient(make_app(), client=("203.0.113.7", 1000))
    for n in range(3):
        client.get("/limited", headers={"X-Forwarded-For": f"198.51.100.{n}"})
    # A client cannot escape its limit by making up addresses.
    spoofed = client.get("/limited", headers={"X-Forwarded-For": "198.51.100.99"})
    assert spoofed.status_code == 429


def test_forwarded_for_from_a_trusted_proxy() -> None:
    app = make_app(trusted_proxies=["10.0.0.0/8"])
    proxy = TestClient(app, client=("10.1.2.3", 1000))
    via = {"X-Forwarded-For": "198.51.100.1"}
    assert [proxy.get("/limited", headers=via).status_code for _ in range(4)] == [
        200,
        200,
        200,
        429,
    ]
    # Another client behind the same proxy has its own count.
    assert proxy.get("/limited", headers={"X-Forwarded-For": "198.51.100.2"}).status_code == 200
    # The client wrote the leftmost entry; the proxy appended the address it saw.
    forged = {"X-Forwarded-For": "1.2.3.4, 198.51.100.1"}
    assert proxy.get("/limited", headers=forged).status_code == 429
    # Chains of trusted proxies are skipped from the right.
    chain = {"X-Forwarded-For": "198.51.100.1, 10.9.9.9"}
    assert proxy.get("/limited", headers=chain).status_code == 429
    # A direct client that is not a proxy is counted by its own address.
    direct = TestClient(app, client=("203.0.113.9", 1000))
    assert direct.get("/limited", headers=via).status_code == 200


def test_a_key_function_counts_per_api_key() -> None:
    def api_key(request: HTTPConnection) -> str | None:
        key = request.headers.get("x-api-key")
        return None if key == "internal" else key or request.client.host  # type: ignore[union-attr]

    client = TestClient(make_app(key=api_key))
    a, b = {"x-api-key": "a"}, {"x-api-key": "b"}
    assert [client.get("/limited", headers=a).status_code for _ in range(4)][-1] == 429
    assert client.get("/limited", headers=b).status_code == 200
    internal = client.get("/limited", headers={"x-api-key": "internal"})
    assert internal.status_code == 200  # None: not counted, no fields
    assert "ratelimit-limit" not in internal.headers


def test_an_async_key_function_per_route() -> None:
    async def user(request: HTTPConnection) -> str:
        return request.query_params.get("user", "anonymous")

    app = App(plugins=[ratelimit()])

    @app.get("/me", rate_limit="1/minute", rate_limit_key=user)
    async def me() -> int:
        return 1

    client = TestClient(app)
    assert client.get("/me?user=ada").status_code == 200
    assert client.get("/me?user=ada").status_code == 429
    assert client.get("/me?user=bob").status_code == 200


# -- mistakes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ten/minute", "rate_limit='ten/minute', which is not a rate limit"),
        ("10/fortnight", "no granularity matched for fortnight"),
        ("0/minute", "allows no request at all"),
        (100, "rate_limit=100. Write it as 'N/unit'"),
        ([], "rate_limit=[]. Write it as 'N/unit'"),
        (["10/second", "x"], "rate_limit='x', which is not a rate limit"),
    ],
)
def test_bad_limits_name_the_route_and_the_fix(value: object, message: str) -> None:
    app = App(plugins=[ratelimit()])
    with pytest.raises(RouteDefinitionError) as caught:
        app.get("/items", rate_limit=value)(lambda: 1)
    text = str(caught.value)
    assert text.startswith("Route GET /items has ")
    assert message in text
    assert "rate_limit='100/minute'" in text


def test_a_bad_app_level_limit_fails_at_the_first_route() -> None:
    app = App(plugins=[ratelimit()], rate_limit="lots")
    with pytest.raises(RouteDefinitionError, match="Route GET /x has rate_limit='lots'"):
        app.get("/x")(lambda: 1)


def test_other_option_mistakes() -> None:
    app = App(plugins=[ratelimit()])
    with pytest.raises(RouteDefinitionError, match="rate_limit_key='x-api-key', which is not"):
        app.get("/a", rate_limit="1/second", rate_limit_key="x-api-key")(lambda: 1)
    with pytest.raises(RouteDefinitionError, match="rate_limit_group=3; give a non-empty name"):
        app.get("/b", rate_limit="1/second", rate_limit_group=3)(lambda: 1)

    with pytest.raises(ValueError, match="on_store_error must be 'open'"):
        ratelimit(on_store_error="maybe")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"trusted_proxies has 'proxy\.local'"):
        ratelimit(trusted_proxies=["proxy.local"])
    with pytest.raises(RouteDefinitionError, match="not callable"):
        ratelimit(key="x-api-key")  # type: ignore[arg-type]


def test_an_inherited_limit_leaves_websockets_alone() -> None:
    app = App(plugins=[ratelimit()], rate_limit="2/minute")
    router = Router(rate_limit="1/minute")

    @router.websocket("/ws")
    async def ws(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("hi")
        await websocket.close()

    app.include_router(router)
    client = TestClient(app)
    for _ in range(3):
        with client.websocket_connect("/ws") as connection:
            assert connection.receive_text() == "hi"


def test_the_option_without_the_plugin_names_it() -> None:
    with pytest.raises(RouteDefinitionError, match="ratelimit"):
        App().get("/x", rate_limit="1/second")(lambda: 1)


def test_check_plugin() -> None:
    check_plugin(ratelimit)


# -- when the store is down -----------------------------------------------------------


class DownStore(MemoryStore):
    """A store whose backend is gone: every operation raises, as RedisStore does."""

    async def increment(self, key: str, amount: int = 1, *, expires_in: float | None = None) -> int:
        raise StoreUnavailable("Redis at redis://10.0.0.1:6379/0 is unavailable: refused")


def test_fail_open_serves_without_limits(caplog: pytest.LogCaptureFixture) -> None:
    client = TestClient(make_app(store=DownStore()))
    with caplog.at_level(logging.WARNING, logger="pegboard.ratelimit"):
        responses = [client.get("/limited") for _ in range(5)]
    assert [r.status_code for r in responses] == [200] * 5
    assert "ratelimit-limit" not in responses[0].headers
    warnings = [r for r in caplog.records if r.name == "pegboard.ratelimit"]
    assert len(warnings) <= 1  # once a minute, not once per request
    assert client.get("/free").status_code == 200


def test_fail_closed_answers_503() -> None:
    client = TestClient(make_app(store=DownStore(), on_store_error="closed"))
    response = client.get("/limited")
    assert response.status_code == 503
    assert response.json() == {"detail": "Rate limiting is unavailable; try again in a moment."}
    assert client.get("/free").status_code == 200


def test_the_plugin_closes_its_store_at_shutdown() -> None:
    closed: list[bool] = []

    class Tracked(MemoryStore):
        async def close(self) -> None:
            closed.append(True)

    with TestClient(make_app(store=Tracked())) as client:
        client.get("/limited")
    assert closed == [True]
