"""The caching plugin with a memory store: keys, what is stored, ETags, invalidation.

Only the core, this plugin and the stores it uses. A counter in each handler shows
whether a response came from the route or from the cache.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from starlette.middleware import Middleware as StarletteMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.testclient import TestClient

from pegboard import (
    App,
    ConfigurationError,
    HTTPException,
    ParamInfo,
    Request,
    Resolver,
    Response,
    RouteDefinitionError,
    Router,
    StreamingResponse,
    hookimpl,
)
from pegboard.descriptions import ParameterDescription, ResponseDescription
from pegboard.testing import check_plugin
from pegboard_caching import (
    CACHEABLE_STATUSES,
    Cache,
    CachePolicy,
    cache_of,
    caching,
)
from pegboard_stores import MemoryStore, StoreUnavailable


class Counter:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def __call__(self, name: str) -> int:
        self.counts[name] = self.counts.get(name, 0) + 1
        return self.counts[name]


@pytest.fixture
def calls() -> Counter:
    return Counter()


def build(calls: Counter, **plugin_options: Any) -> App:
    app = App(plugins=[caching(**plugin_options)])

    @app.get("/items", cache=60)
    async def items(request: Request) -> dict[str, Any]:
        return {"call": calls("items"), "query": str(request.query_params)}

    @app.get("/items/{item_id}", cache=CachePolicy(ttl=60, tags=["items"]))
    async def item(item_id: str) -> dict[str, Any]:
        return {"id": item_id, "call": calls("item")}

    @app.get("/plain")
    async def plain() -> dict[str, int]:
        return {"call": calls("plain")}

    @app.post("/items/{item_id}")
    async def update(item_id: str, cache: Cache) -> dict[str, int]:
        return {"removed": await cache.invalidate(path=f"/items/{item_id}")}

    @app.post("/refresh")
    async def refresh(cache: Cache) -> dict[str, int]:
        return {"removed": await cache.invalidate(tag="items")}

    return app


@pytest.fixture
def client(calls: Counter) -> Iterator[TestClient]:
    with TestClient(build(calls)) as client:
        yield client


# -- hits and misses --------------------------------------------------------------------


def test_a_second_request_is_served_from_the_cache(client: TestClient, calls: Counter):
    first = client.get("/items")
    second = client.get("/items")
    assert first.json() == second.json() == {"call": 1, "query": ""}
    assert calls.counts["items"] == 1
    assert "age" not in first.headers
    assert second.headers["age"] == "0"
    for response in (first, second):
        assert response.headers["cache-control"] == "max-age=60"
        assert response.headers["etag"].startswith('"')
        assert response.headers["content-type"] == "application/json"
        assert int(response.headers["content-length"]) == len(response.content)
    assert first.headers["etag"] == second.headers["etag"]


@pytest.mark.parametrize(("later", "age"), [(5.2, "5"), (5000.9, "5000"), (-30.0, "0")])
def test_age_is_the_seconds_since_the_entry_was_stored(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, later: float, age: str
):
    from pegboard_caching import middleware

    client.get("/items")
    now = time.time()
    monkeypatch.setattr(middleware, "_now", lambda: now + later)  # a clock set back: 0
    assert client.get("/items").headers["age"] == age


def test_routes_without_the_option_are_untouched(client: TestClient, calls: Counter):
    assert client.get("/plain").json() == {"call": 1}
    response = client.get("/plain")
    assert response.json() == {"call": 2}
    assert "etag" not in response.headers
    assert "cache-control" not in response.headers
    routes = {r.path: r for r in client.app.routes if hasattr(r, "compiled")}
    assert routes["/plain"].compiled.app.__name__ == "plain_endpoint"  # the core's own


def test_the_query_string_is_part_of_the_key_in_any_order(client: TestClient, calls: Counter):
    assert client.get("/items?a=1&b=2").json()["call"] == 1
    assert client.get("/items?b=2&a=1").json()["call"] == 1
    assert client.get("/items?a=2").json()["call"] == 2
    assert client.get("/items").json()["call"] == 3


def test_query_can_be_ignored_or_limited_to_named_parameters(calls: Counter):
    app = App(plugins=[caching()])

    @app.get("/all", cache=CachePolicy(ttl=60, query=False))
    async def all_() -> int:
        return calls("all")

    @app.get("/pages", cache=CachePolicy(ttl=60, query=["page"]))
    async def pages() -> int:
        return calls("pages")

    with TestClient(app) as client:
        assert [client.get(f"/all?x={n}").json() for n in range(3)] == [1, 1, 1]
        assert client.get("/pages?page=1&junk=1").json() == 1
        assert client.get("/pages?junk=2&page=1").json() == 1
        assert client.get("/pages?page=2").json() == 2


def test_chosen_request_headers_are_part_of_the_key(calls: Counter):
    app = App(plugins=[caching()])

    @app.get("/hello", cache=CachePolicy(ttl=60, headers=["Accept-Language"]))
    async def hello(request: Request) -> str:
        calls("hello")
        return request.headers.get("accept-language", "none")

    with TestClient(app) as client:
        assert client.get("/hello", headers={"Accept-Language": "fr"}).json() == "fr"
        assert client.get("/hello", headers={"Accept-Language": "de"}).json() == "de"
        assert client.get("/hello", headers={"Accept-Language": "fr"}).json() == "fr"
        assert client.get("/hello").json() == "none"
    assert calls.counts["hello"] == 3


def test_a_response_that_varies_is_stored_per_variant(calls: Counter):
    app = App(plugins=[caching()])

    @app.get("/greet", cache=60)
    async def greet(request: Request) -> Response:
        calls("greet")
        language = request.headers.get("accept-language", "en")
        return Response(f"hello in {language}", headers={"Vary": "Accept-Language"})

    with TestClient(app) as client:
        fr = [client.get("/greet", headers={"Accept-Language": "fr"}) for _ in range(2)]
        de = [client.get("/greet", headers={"Accept-Language": "de"}) for _ in range(2)]
    assert [r.text for r in fr + de] == ["hello in fr"] * 2 + ["hello in de"] * 2
    assert calls.counts["greet"] == 2
    assert fr[1].headers["vary"] == "Accept-Language"


def test_a_response_varying_on_several_headers_is_stored_per_combination(calls: Counter):
    app = App(plugins=[caching()])

    @app.get("/themed", cache=60)
    async def themed(request: Request) -> Response:
        calls("themed")
        words = [request.headers.get(h, "-") for h in ("accept-language", "x-theme")]
        return Response(" ".join(words), headers={"Vary": "X-Theme, Accept-Language"})

    asked = [("fr", "dark"), ("fr", "light"), ("de", "dark"), ("fr", "dark"), ("de", "dark")]
    with TestClient(app) as client:
        texts = [
            client.get("/themed", headers={"Accept-Language": lang, "X-Theme": theme}).text
            for lang, theme in asked
        ]
    assert texts == [f"{lang} {theme}" for lang, theme in asked]
    assert calls.counts["themed"] == 3


def test_vary_star_is_never_stored(calls: Counter):
    app = App(plugins=[caching()])

    @app.get("/any", cache=60)
    async def any_() -> Response:
        return Response(str(calls("any")), headers={"Vary": "*"})

    with TestClient(app) as client:
        assert [client.get("/any").text for _ in range(2)] == ["1", "2"]


def test_entries_expire_after_their_ttl(calls: Counter):
    app = App(plugins=[caching()])

    @app.get("/brief", cache=0.2)
    async def brief() -> int:
        return calls("brief")

    with TestClient(app) as client:
        assert client.get("/brief").json() == 1
        assert client.get("/brief").json() == 1
        time.sleep(0.3)
        assert client.get("/brief").json() == 2


def test_head_is_answered_from_what_get_stored(client: TestClient, calls: Counter):
    assert client.head("/items").content == b""
    assert calls.counts["items"] == 1  # a HEAD miss runs the route but stores nothing
    get = client.get("/items")
    head = client.head("/items")
    assert calls.counts["items"] == 2
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    assert head.headers["etag"] == get.headers["etag"]


def test_other_methods_of_a_cached_route_are_never_cached(calls: Counter):
    app = App(plugins=[caching()], cache=60)  # every route, as an app default

    @app.api_route("/both", methods=["GET", "POST"])
    async def both(request: Request) -> str:
        return f"{request.method} {calls('both')}"

    @app.post("/only-post")
    async def only_post() -> int:
        return calls("post")

    with TestClient(app) as client:
        assert [client.post("/both").json() for _ in range(2)] == ["POST 1", "POST 2"]
        assert [client.get("/both").json() for _ in range(2)] == ["GET 3", "GET 3"]
        assert [client.post("/only-post").json() for _ in range(2)] == [1, 2]
    routes = {r.path: r for r in app.routes if hasattr(r, "compiled")}
    assert routes["/only-post"].compiled.app.__name__ == "plain_endpoint"  # nothing around it


def test_router_options_apply_and_a_route_can_opt_out(calls: Counter):
    app = App(plugins=[caching()])
    api = Router(prefix="/api", cache=60)

    @api.get("/a")
    async def a() -> int:
        return calls("a")

    @api.get("/b", cache=None)
    async def b() -> int:
        return calls("b")

    app.include_router(api)
    with TestClient(app) as client:
        assert [client.get("/api/a").json() for _ in range(2)] == [1, 1]
        assert [client.get("/api/b").json() for _ in range(2)] == [1, 2]


# -- what is never stored -------------------------------------------------------------


def test_requests_with_authorization_bypass_the_cache_unless_allowed(calls: Counter):
    app = App(plugins=[caching()])

    @app.get("/private", cache=60)
    async def private() -> int:
        return calls("private")

    @app.get("/shared", cache=CachePolicy(ttl=60, authorized=True))
    async def shared() -> int:
        return calls("shared")

    auth = {"Authorization": "Bearer x"}
    with TestClient(app) as client:
        assert client.get("/private").json() == 1  # stored, without Authorization
        answers = [client.get("/private", headers=auth) for _ in range(2)]
        assert [r.json() for r in answers] == [2, 3]
        assert "etag" not in answers[0].headers
        assert client.get("/private").json() == 1
        assert [client.get("/shared", headers=auth).json() for _ in range(2)] == [1, 1]


def test_responses_that_set_cookies_are_not_stored_unless_allowed(calls: Counter):
    app = App(plugins=[caching()])

    @app.get("/login", cache=60)
    async def login() -> Response:
        response = Response(str(calls("login")))
        response.set_cookie("session", "secret")
        return response

    @app.get("/tracked", cache=CachePolicy(ttl=60, cookies=True))
    async def tracked() -> Response:
        response = Response(str(calls("tracked")))
        response.set_cookie("seen", "1")
        return response

    with TestClient(app) as client:
        assert [client.get("/login").text for _ in range(2)] == ["1", "2"]
        assert [client.get("/tracked").text for _ in range(2)] == ["1", "1"]


def test_only_cacheable_statuses_are_stored(calls: Counter):
    app = App(plugins=[caching()])

    @app.get("/status/{code:int}", cache=60)
    async def status(code: int) -> Response:
        calls(str(code))
        if code == 404:
            raise HTTPException(404, "No such thing")
        return Response(b"x", status_code=code)

    with TestClient(app, raise_server_exceptions=False) as client:
        for code in (200, 201, 404, 500, 503):
            for _ in range(2):
                assert client.get(f"/status/{code}").status_code == code
    assert calls.counts == {"200": 1, "201": 2, "404": 1, "500": 2, "503": 2}
    assert {200, 203, 204, 300, 301, 308, 404, 410} == CACHEABLE_STATUSES


class Boom(Exception):
    pass


@pytest.mark.parametrize("app_middleware", [False, True])
def test_errors_of_a_caching_route_are_answered_and_not_stored(
    calls: Counter, app_middleware: bool
):
    # Without middleware of the app's, the cache's middleware answers errors itself
    # (the core does not wrap it); with some, Starlette's stack does: the same answers.
    middleware = [StarletteMiddleware(GZipMiddleware, minimum_size=10_000)]
    app = App(plugins=[caching()], middleware=middleware if app_middleware else None)

    @app.exception_handler(Boom)
    async def on_boom(request: Request, exc: Exception) -> Response:
        return Response("handled", status_code=418)

    @app.get("/fail/{how}", cache=60)
    async def fail(how: str) -> Any:
        calls(how)
        if how == "handled":
            raise Boom
        if how == "late":

            async def chunks() -> AsyncIterator[bytes]:
                yield b"begun"
                raise Boom

            return StreamingResponse(chunks())
        raise ZeroDivisionError("secret")

    starts: list[int] = []

    async def recording(scope: Any, receive: Any, send: Any) -> None:
        async def record(message: Any) -> None:
            if message["type"] == "http.response.start":
                starts.append(message["status"])
            await send(message)

        await app(scope, receive, record)

    with TestClient(recording, raise_server_exceptions=False) as client:
        for _ in range(2):
            handled = client.get("/fail/handled")
            assert (handled.status_code, handled.text) == (418, "handled")
            crash = client.get("/fail/crash")
            assert (crash.status_code, crash.json()) == (500, {"detail": "Internal Server Error"})
        head = client.head("/fail/crash")
        assert head.status_code == 500
        # Once the response has begun, nothing else is sent.
        starts.clear()
        late = client.get("/fail/late")
        assert (late.status_code, late.text, starts) == (200, "begun", [200])
    assert calls.counts == {"handled": 2, "crash": 3, "late": 1}
    with TestClient(app) as client:
        with pytest.raises(ZeroDivisionError):  # raised again, for servers to log
            client.get("/fail/crash")
        with pytest.raises(RuntimeError, match="response already started"):
            client.get("/fail/late")


def test_a_handlers_cache_control_wins_and_no_store_is_obeyed(calls: Counter):
    app = App(plugins=[caching()])

    @app.get("/own", cache=60)
    async def own() -> Response:
        return Response(str(calls("own")), headers={"Cache-Control": "public, max-age=5"})

    @app.get("/never", cache=60)
    async def never() -> Response:
        return Response(str(calls("never")), headers={"Cache-Control": "no-store"})

    @app.get("/custom", cache=CachePolicy(ttl=60, cache_control="public, s-maxage=30"))
    async def custom() -> int:
        return 1

    @app.get("/silent", cache=CachePolicy(ttl=60, cache_control=False, etag=False))
    async def silent() -> int:
        return 1

    with TestClient(app) as client:
        own_answers = [client.get("/own") for _ in range(2)]
        assert [r.text for r in own_answers] == ["1", "1"]
        assert own_answers[1].headers["cache-control"] == "public, max-age=5"
        assert [client.get("/never").text for _ in range(2)] == ["1", "2"]
        assert client.get("/custom").headers["cache-control"] == "public, s-maxage=30"
        silent_answer = client.get("/silent")
        assert "cache-control" not in silent_answer.headers
        assert "etag" not in silent_answer.headers


def test_bodies_over_max_size_are_sent_but_not_stored(calls: Counter):
    app = App(plugins=[caching()])

    @app.get("/large", cache=CachePolicy(ttl=60, max_size=10))
    async def large() -> str:
        return f"{calls('large')} and a body longer than ten bytes"

    with TestClient(app) as client:
        assert [client.get("/large").json()[0] for _ in range(2)] == ["1", "2"]


def test_streams_are_sent_but_not_stored(calls: Counter):
    app = App(plugins=[caching()])

    @app.get("/lines", cache=60)
    async def lines() -> AsyncIterator[int]:
        yield calls("lines")
        yield 0

    with TestClient(app) as client:
        assert [client.get("/lines").text for _ in range(2)] == ["1\n0\n", "2\n0\n"]


# -- ETags and 304 ----------------------------------------------------------------------


def test_if_none_match_gets_304_from_a_hit_and_a_miss(client: TestClient, calls: Counter):
    etag = client.get("/items").headers["etag"]
    for value in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = client.get("/items", headers={"If-None-Match": value})
        assert response.status_code == 304, value
        assert response.content == b""
        assert response.headers["etag"] == etag
        assert response.headers["cache-control"] == "max-age=60"
        assert "content-type" not in response.headers
    assert client.get("/items", headers={"If-None-Match": '"other"'}).status_code == 200
    assert calls.counts["items"] == 1
    # A miss whose fresh response has the tag the client holds: 304 as well.
    with TestClient(build(Counter())) as fresh:
        response = fresh.get("/items", headers={"If-None-Match": etag})
        assert response.status_code == 304
        assert fresh.get("/items").status_code == 200  # and it was stored in full


def test_etag_option_on_a_route_that_does_not_cache(calls: Counter):
    app = App(plugins=[caching()])

    @app.get("/report", etag=True)
    async def report() -> dict[str, str]:
        calls("report")
        return {"report": "the same every time"}

    @app.get("/tagged", etag=True)
    async def tagged() -> Response:
        return Response("x", headers={"ETag": 'W/"v7"'})

    with TestClient(app) as client:
        first = client.get("/report")
        etag = first.headers["etag"]
        second = client.get("/report", headers={"If-None-Match": etag})
        assert (second.status_code, second.content) == (304, b"")
        assert client.get("/report", headers={"If-None-Match": '"x"'}).status_code == 200
        assert calls.counts["report"] == 3  # the route runs each time
        assert "cache-control" not in first.headers
        assert client.get("/tagged", headers={"If-None-Match": '"v7"'}).status_code == 304


# -- invalidation ---------------------------------------------------------------------


def test_invalidation_by_path_and_by_tag(client: TestClient, calls: Counter):
    assert client.get("/items/1").json()["call"] == 1
    assert client.get("/items/2").json()["call"] == 2
    assert client.get("/items/1").json()["call"] == 1
    assert client.post("/items/1").json() == {"removed": 1}
    assert client.get("/items/1").json()["call"] == 3
    assert client.get("/items/2").json()["call"] == 2
    assert client.post("/refresh").json() == {"removed": 2}
    assert client.get("/items/2").json()["call"] == 4


def test_invalidation_by_path_with_a_query_and_clearing(calls: Counter):
    app = build(calls)
    cache = cache_of(app)
    with TestClient(app) as client:
        assert client.get("/items?page=1").json()["call"] == 1
        assert client.get("/items?page=2").json()["call"] == 2
        assert client.get("/items/9").json()["call"] == 1
        removed = client.portal.call(lambda: cache.invalidate(path="/items?page=1"))
        assert removed == 1
        assert client.get("/items?page=1").json()["call"] == 3
        assert client.get("/items?page=2").json()["call"] == 2
        assert client.portal.call(cache.clear) == 3
        assert client.get("/items?page=2").json()["call"] == 4
        with pytest.raises(TypeError, match=r"path=\.\.\. or tag=\.\.\."):
            client.portal.call(cache.invalidate)
        assert client.portal.call(lambda: cache.invalidate(tag="unknown")) == 0


def test_cache_of_an_app_without_the_plugin_says_so():
    with pytest.raises(ConfigurationError, match=r"App\(plugins=\[caching\(\)\]\)"):
        cache_of(App())


# -- the store failing ----------------------------------------------------------------


class FlakyStore(MemoryStore):
    """A memory store that can be switched off, counting the calls that reached it."""

    def __init__(self) -> None:
        super().__init__()
        self.down = False
        self.calls = 0

    def _check(self) -> None:
        self.calls += 1
        if self.down:
            raise StoreUnavailable("switched off")

    async def get(self, key: str) -> bytes | None:
        self._check()
        return await super().get(key)

    async def set(self, key: str, value: bytes, *, expires_in: float | None = None) -> None:
        self._check()
        await super().set(key, value, expires_in=expires_in)

    async def delete_prefix(self, prefix: str) -> int:
        self._check()
        return await super().delete_prefix(prefix)


def test_open_serves_uncached_while_the_store_is_down_and_recovers(calls: Counter):
    store = FlakyStore()
    with TestClient(build(calls, store=store, retry_store_after=0.2)) as client:
        assert client.get("/items").json()["call"] == 1
        store.down = True
        assert [client.get("/items").json()["call"] for _ in range(3)] == [2, 3, 4]
        assert store.calls == 3  # a get and a set, one try, then it is left alone
        with pytest.raises(StoreUnavailable):  # an invalidation must not pass unnoticed
            client.post("/refresh")
        store.down = False
        time.sleep(0.25)
        assert client.get("/items").json()["call"] == 1  # what was stored before


def test_closed_answers_503_while_the_store_is_down(calls: Counter):
    store = FlakyStore()
    store.down = True
    with TestClient(build(calls, store=store, on_store_error="closed")) as client:
        response = client.get("/items")
        assert response.status_code == 503
        assert response.headers["retry-after"] == "2"
        assert "unavailable" in response.json()["detail"]
        assert client.get("/plain").status_code == 200
    assert "items" not in calls.counts


def test_the_plugin_closes_its_store_when_the_app_shuts_down():
    store = FlakyStore()
    closed: list[str] = []

    async def close() -> None:
        closed.append("closed")

    store.close = close  # type: ignore[method-assign]
    with TestClient(App(plugins=[caching(store=store)])):
        assert closed == []
    assert closed == ["closed"]


# -- mistakes found at startup ----------------------------------------------------------


@pytest.mark.parametrize("value", ["60", -1, 0, [60], {"ttl": 60}, float("nan")])
def test_a_bad_cache_value_is_a_startup_error_naming_the_route(value: Any):
    app = App(plugins=[caching()])
    with pytest.raises(RouteDefinitionError) as info:
        app.get("/x", cache=value)(lambda: 1)
    assert "Route GET /x has cache=" in str(info.value)
    assert "CachePolicy(" in str(info.value)


def test_a_bad_etag_value_is_a_startup_error_naming_the_route():
    app = App(plugins=[caching()])
    with pytest.raises(RouteDefinitionError, match=r"Route GET /x has etag='yes'"):
        app.get("/x", etag="yes")(lambda: 1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"ttl": 0}, "more than 0"),
        ({"ttl": True}, "more than 0"),
        ({"ttl": 1, "statuses": {206}}, "never stored"),
        ({"ttl": 1, "statuses": {99}}, "not a final status"),
        ({"ttl": 1, "statuses": 200}, "a set of status codes"),
        ({"ttl": 1, "headers": "accept"}, "a list of names"),
        ({"ttl": 1, "tags": [""]}, "not a name"),
        ({"ttl": 1, "query": "page"}, "a list of names"),
        ({"ttl": 1, "cache_control": "a\r\nb"}, "a header value"),
        ({"ttl": 1, "max_size": -1}, "in bytes"),
    ],
)
def test_bad_policy_values_fail_when_made(kwargs: dict[str, Any], message: str):
    with pytest.raises(ConfigurationError, match=message):
        CachePolicy(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"on_store_error": "maybe"}, "'open'"),
        ({"store": object()}, "MemoryStore()"),
        ({"default_ttl": 0}, "more than 0"),
        ({"retry_store_after": "2"}, "give seconds"),
    ],
)
def test_bad_plugin_options_fail_when_made(kwargs: dict[str, Any], message: str):
    with pytest.raises(ConfigurationError, match=message):
        caching(**kwargs)


def test_cache_true_takes_the_plugins_default_ttl(calls: Counter):
    app = App(plugins=[caching(default_ttl=30)])

    @app.get("/d", cache=True)
    async def d() -> int:
        return calls("d")

    with TestClient(app) as client:
        assert client.get("/d").headers["cache-control"] == "max-age=30"


# -- as a plugin ------------------------------------------------------------------------


def test_the_plugin_passes_pegboards_own_plugin_checks():
    check_plugin(caching, alongside=())


def test_it_is_enabled_by_its_installed_name():
    counter = itertools.count(1)
    app = App(plugins=["caching"])

    @app.get("/n", cache=60)
    async def n() -> int:
        return next(counter)

    with TestClient(app) as client:
        assert [client.get("/n").json() for _ in range(2)] == [1, 1]


# -- what a route reads must be in its key ----------------------------------------------


class Reads:
    """A plugin that gives ``name: Read`` parameters and describes what they read.

    Stands in for the validation plugin's ``Header()``, ``Cookie()`` and ``Query()``:
    the caching plugin only sees the descriptions, whoever made them.
    """

    def __init__(self, location: str, name: str) -> None:
        self.location, self.name = location, name

    @hookimpl
    def pegboard_resolve_parameter(self, app: App, route: Any, param: ParamInfo) -> Any:
        if param.name != "read":
            return None
        described = ParameterDescription(self.name, self.location)  # type: ignore[arg-type]
        return Resolver(lambda ctx: "x", is_async=False, describes=(described,))


@pytest.mark.parametrize(
    ("location", "name", "policy", "fix"),
    [
        ("header", "X-Tenant", CachePolicy(ttl=60), "CachePolicy(headers=[..., 'x-tenant'])"),
        ("cookie", "session", CachePolicy(ttl=60), "CachePolicy(headers=[..., 'cookie'])"),
        ("query", "q", CachePolicy(ttl=60, query=["page"]), "CachePolicy(query=[..., 'q'])"),
        ("query", "q", CachePolicy(ttl=60, query=False), "CachePolicy(query=[..., 'q'])"),
        (
            "header",
            "Authorization",
            CachePolicy(ttl=60, authorized=True),
            "CachePolicy(headers=[..., 'authorization'])",
        ),
    ],
)
def test_reading_what_the_key_leaves_out_is_a_startup_error(
    location: str, name: str, policy: CachePolicy, fix: str
):
    app = App(plugins=[caching(), Reads(location, name)])

    @app.get("/r", cache=policy)
    async def r(read: str) -> str:
        return read

    with pytest.raises(RouteDefinitionError) as info, TestClient(app):
        pass
    message = str(info.value)
    assert f"Route GET /r caches its responses but reads the {location} {name!r}" in message
    assert fix in message


@pytest.mark.parametrize(
    ("location", "name", "policy"),
    [
        ("header", "X-Tenant", CachePolicy(ttl=60, headers=["x-tenant"])),
        ("cookie", "session", CachePolicy(ttl=60, headers=["cookie"])),
        ("query", "q", CachePolicy(ttl=60)),
        ("query", "q", CachePolicy(ttl=60, query=["q"])),
        ("header", "Authorization", CachePolicy(ttl=60)),  # such requests bypass the cache
        ("path", "item_id", CachePolicy(ttl=60, query=False)),
    ],
)
def test_reading_what_the_key_holds_is_fine(location: str, name: str, policy: CachePolicy):
    app = App(plugins=[caching(), Reads(location, name)])

    @app.get("/r", cache=policy)
    async def r(read: str) -> str:
        return read

    with TestClient(app) as client:
        assert client.get("/r").json() == "x"


def test_the_answers_the_plugin_adds_are_described():
    app = App(plugins=[caching(on_store_error="closed")])
    app.get("/cached", cache=60)(lambda: 1)
    app.get("/tagged", etag=True)(lambda: 1)
    app.get("/quiet", cache=CachePolicy(ttl=60, etag=False))(lambda: 1)
    app.get("/plain")(lambda: 1)
    with TestClient(app):
        routes = {r.path: r.compiled for r in app.routes if hasattr(r, "compiled")}
    statuses = {
        path: sorted(d.status_code for d in c.descriptions if isinstance(d, ResponseDescription))
        for path, c in routes.items()
    }
    assert statuses == {
        "/cached": [200, 304, 503],
        "/tagged": [200, 304],
        "/quiet": [200, 503],
        "/plain": [200],  # the core's own
    }
