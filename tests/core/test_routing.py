from __future__ import annotations

import pytest
from starlette.routing import Mount
from starlette.routing import Route as StarletteRoute
from starlette.testclient import TestClient

from pegboard import App, PlainTextResponse, Request, Route, RouteDefinitionError, Router


def test_decorators_register_each_method():
    app = App()
    for method in ("get", "post", "put", "patch", "delete", "options"):

        async def handler(request: Request) -> dict[str, str]:
            return {"method": request.method}

        getattr(app, method)("/thing")(handler)
    client = TestClient(app)
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
        response = client.request(method, "/thing")
        assert response.status_code == 200, method
        assert response.json() == {"method": method}


def test_head_is_answered_for_get_routes_without_a_body():
    app = App()

    @app.get("/page")
    async def page() -> dict[str, int]:
        return {"a": 1}

    response = TestClient(app).head("/page")
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-length"] == "7"


def test_explicit_head_route():
    app = App()

    @app.head("/probe")
    async def probe() -> None:
        return None

    assert TestClient(app).head("/probe").status_code == 200


def test_api_route_with_several_methods_and_name():
    app = App()

    @app.api_route("/both", methods=["get", "post"], name="both_ways")
    async def both(request: Request) -> str:
        return request.method

    client = TestClient(app)
    assert client.get("/both").json() == "GET"
    assert client.post("/both").json() == "POST"
    assert app.url_path_for("both_ways") == "/both"


def test_decorator_returns_the_function_unchanged():
    app = App()

    async def handler() -> int:
        return 1

    assert app.get("/x")(handler) is handler


def test_not_found_is_json():
    response = TestClient(App()).get("/missing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_method_not_allowed_is_json_with_allow_header():
    app = App()

    @app.post("/only-post")
    async def only_post() -> None:
        return None

    response = TestClient(app).get("/only-post")
    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed"}
    assert response.headers["allow"] == "POST"


def test_path_convertors_give_typed_values():
    app = App()

    @app.get("/items/{item_id:int}")
    async def item(item_id: int) -> dict[str, object]:
        return {"id": item_id, "type": type(item_id).__name__}

    @app.get("/files/{path:path}")
    async def file(path: str) -> str:
        return path

    client = TestClient(app)
    assert client.get("/items/42").json() == {"id": 42, "type": "int"}
    assert client.get("/items/abc").status_code == 404
    assert client.get("/files/a/b/c.txt").json() == "a/b/c.txt"


def test_trailing_slash_redirects_like_starlette():
    app = App()

    @app.get("/users/")
    async def users() -> list[str]:
        return []

    client = TestClient(app, follow_redirects=False)
    response = client.get("/users")
    assert response.status_code == 307
    assert response.headers["location"].endswith("/users/")


def test_redirect_slashes_can_be_disabled():
    app = App(redirect_slashes=False)

    @app.get("/users/")
    async def users() -> list[str]:
        return []

    assert TestClient(app, follow_redirects=False).get("/users").status_code == 404


def test_router_prefix_and_nested_includes():
    inner = Router(prefix="/items")

    @inner.get("/{item_id}")
    async def read(item_id: str) -> str:
        return item_id

    outer = Router(prefix="/v1")
    outer.include_router(inner, prefix="/shop")
    app = App()
    app.include_router(outer, prefix="/api")
    assert [r.path for r in app.routes] == ["/api/v1/shop/items/{item_id}"]
    assert TestClient(app).get("/api/v1/shop/items/7").json() == "7"


def test_router_options_merge_outermost_first():
    router = Router(prefix="/users", tags=["users"])

    @router.get("/", tags=["list"])
    async def list_users() -> list[str]:
        return []

    app = App(tags=["api"])
    app.include_router(router, tags=["v1"])
    (route,) = app.routes
    assert isinstance(route, Route)
    assert route.info.options["tags"] == ["api", "v1", "users", "list"]


def test_replace_options_take_the_innermost_value():
    router = Router(response_class=PlainTextResponse)

    @router.get("/text")
    async def text() -> str:
        return "plain"

    @router.get("/json", response_class=None)
    async def json_value() -> str:
        return "json"

    app = App()
    app.include_router(router)
    client = TestClient(app)
    assert client.get("/text").text == "plain"
    assert client.get("/text").headers["content-type"].startswith("text/plain")
    # None overrides the router's class, and the core falls back to JSON.
    assert client.get("/json").text == '"json"'


def test_unknown_route_option_is_an_error_at_definition():
    app = App()
    with pytest.raises(RouteDefinitionError, match=r"GET /x uses option 'bogus_option'"):

        @app.get("/x", bogus_option=True)
        async def handler() -> None:
            return None


def test_unknown_option_on_a_standalone_router_is_reported_when_included():
    router = Router()

    @router.get("/x", bogus_option=True)
    async def handler() -> None:
        return None

    with pytest.raises(RouteDefinitionError, match="bogus_option"):
        App().include_router(router)


def test_unknown_app_option_is_an_error_when_the_app_is_created():
    # Also with no route to carry it: a misspelt App() keyword never goes unnoticed.
    with pytest.raises(RouteDefinitionError) as info:
        App(bogus_option=1)
    assert str(info.value).startswith(
        "App() uses option 'bogus_option', which no enabled plugin declares. "
        "Check the spelling; enabled plugins: none."
    )


@pytest.mark.parametrize("prefix", ["users", "/users/"])
def test_bad_prefixes_are_refused(prefix: str):
    with pytest.raises(RouteDefinitionError, match="prefix"):
        Router(prefix=prefix)


def test_paths_must_start_with_a_slash():
    with pytest.raises(RouteDefinitionError, match="must start with '/'"):
        App().add_api_route("items", lambda: None)


def test_routes_cannot_be_added_after_the_app_started():
    app = App()
    TestClient(app).get("/")
    with pytest.raises(RouteDefinitionError, match="after the app has started"):
        app.add_api_route("/late", lambda: None)


def test_include_router_copies_raw_starlette_routes_under_the_prefix():
    async def raw(request: Request) -> PlainTextResponse:
        return PlainTextResponse("raw")

    router = Router(routes=[StarletteRoute("/raw", raw), Mount("/sub", routes=[])])
    app = App()
    app.include_router(router, prefix="/p")
    assert TestClient(app).get("/p/raw").text == "raw"
    assert [r.path for r in app.routes] == ["/p/raw", "/p/sub"]


def test_include_router_rejects_other_objects():
    with pytest.raises(RouteDefinitionError, match="takes a pegboard Router"):
        App().include_router(object())  # type: ignore[arg-type]


def test_router_mounted_without_an_app_explains_itself():
    router = Router()

    @router.get("/x")
    async def handler() -> None:
        return None

    outer = App(routes=[Mount("/r", app=router)])
    with pytest.raises(RuntimeError, match=r"app\.include_router"):
        TestClient(outer).get("/r/x")


def test_url_path_for_with_parameters():
    app = App()

    @app.get("/users/{user_id:int}/posts/{slug}", name="post")
    async def post(user_id: int, slug: str) -> None:
        return None

    assert app.url_path_for("post", user_id=3, slug="hi") == "/users/3/posts/hi"


def test_route_info_label_and_options():
    app = App()

    @app.api_route("/a", methods=["POST", "GET"], tags=["t"])
    async def handler() -> None:
        return None

    (route,) = app.routes
    assert isinstance(route, Route)
    assert route.info.label == "GET,POST /a"
    assert route.info.option("tags") == ["t"]
    assert route.info.option("missing", 5) == 5
    assert "GET,POST /a" in repr(route)


def test_router_has_every_method_decorator():
    router = Router(prefix="/r")
    for method in ("get", "post", "put", "patch", "delete", "options", "head", "trace"):

        async def handler(request: Request) -> str:
            return request.method

        getattr(router, method)("/m")(handler)
    app = App()
    app.include_router(router)
    client = TestClient(app)
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"):
        assert client.request(method, "/r/m").json() == method


def test_route_order_decides_between_wildcard_and_literal_routes():
    app = App()

    @app.get("/{section}/latest")
    async def wildcard(section: str) -> str:
        return f"wildcard {section}"

    @app.get("/news/latest")
    async def literal() -> str:
        return "literal"

    @app.get("/news/{slug}")
    async def news(slug: str) -> str:
        return f"news {slug}"

    client = TestClient(app)
    # Declared first, the wildcard route wins, exactly as in Starlette.
    assert client.get("/news/latest").json() == "wildcard news"
    assert client.get("/news/other").json() == "news other"
    assert client.get("/sport/latest").json() == "wildcard sport"


def test_many_routes_each_reach_their_handler():
    app = App()
    for i in range(300):

        def make(i: int):  # type: ignore[no-untyped-def]
            async def endpoint(item_id: int) -> list[int]:
                return [i, item_id]

            return endpoint

        app.add_api_route(f"/r{i}/{{item_id:int}}", make(i))
    app.mount("/files", PlainTextResponse("mounted"))
    client = TestClient(app)
    for i in (0, 150, 299):
        assert client.get(f"/r{i}/5").json() == [i, 5]
    assert client.post("/r7/1").status_code == 405
    assert client.get("/files/anything").text == "mounted"
    assert client.get("/r300/1").status_code == 404


def test_routes_appended_after_start_are_still_found():
    app = App()

    @app.get("/a")
    async def a() -> str:
        return "a"

    client = TestClient(app)
    assert client.get("/a").json() == "a"

    async def raw(request: Request) -> PlainTextResponse:
        return PlainTextResponse("late raw route")

    app.routes.append(StarletteRoute("/late", raw))
    assert client.get("/late").text == "late raw route"


def test_router_middleware_wraps_its_routes_only():
    from starlette.middleware import Middleware

    seen: list[str] = []

    class Audit:
        def __init__(self, app, label: str) -> None:  # type: ignore[no-untyped-def]
            self.app, self.label = app, label

        async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
            seen.append(f"{self.label} {scope['path']}")
            await self.app(scope, receive, send)

    admin = Router(prefix="/admin", middleware=[Middleware(Audit, label="router")])

    @admin.get("/stats", middleware=[Middleware(Audit, label="route")])
    async def stats() -> str:
        return "stats"

    app = App()

    @app.get("/public")
    async def public() -> str:
        return "public"

    app.include_router(admin)
    client = TestClient(app)
    assert client.get("/public").json() == "public"
    assert client.get("/admin/stats").json() == "stats"
    assert seen == ["router /admin/stats", "route /admin/stats"]


def test_router_lifespan_runs_in_the_including_app():
    from contextlib import asynccontextmanager

    events: list[str] = []

    @asynccontextmanager
    async def router_lifespan(app):  # type: ignore[no-untyped-def]
        events.append("router up")
        yield {"cache": "warm"}
        events.append("router down")

    inner = Router(lifespan=router_lifespan)

    @inner.get("/cache")
    async def cache(request: Request) -> str:
        return request.state.cache

    outer = Router()
    outer.include_router(inner)
    app = App()
    app.include_router(outer)
    with TestClient(app) as client:
        assert client.get("/cache").json() == "warm"
    assert events == ["router up", "router down"]


def test_router_only_options_are_refused_when_included():
    with pytest.raises(RouteDefinitionError, match="no effect once included"):
        App().include_router(Router(redirect_slashes=False))


def test_a_trailing_newline_reaches_no_route():
    # Starlette anchors with "$", which matches before a final newline: "/admin%0A"
    # would reach /admin past middleware that compares paths exactly.
    app = App()

    @app.get("/admin")
    async def admin() -> str:
        return "admin"

    @app.get("/items/{n:int}")
    async def item(n: int) -> int:
        return n

    client = TestClient(app)
    assert client.get("/admin").status_code == 200
    assert client.get("/admin%0A").status_code == 404
    assert client.get("/items/7%0A").status_code == 404


# -- the decorators' typed options ------------------------------------------------------


def test_decorator_parameters_are_the_options_the_core_and_first_party_plugins_declare():
    import inspect

    from pegboard.decorators import FIRST_PARTY_OPTIONS, RouteDecorators
    from pegboard.plugins import CORE_INFO, installed_plugins, load_plugin, plugin_info_of

    declared = {option.name: "pegboard" for option in CORE_INFO.route_options}
    plugins = ("validation", "di", "security", "openapi", "compression", "caching", "ratelimit")
    for name in plugins:
        if name not in installed_plugins():
            continue
        try:
            plugin = load_plugin(name)
        except Exception:  # the core suite runs without pydantic
            continue
        declared.update({option.name: name for option in plugin_info_of(plugin).route_options})
    # Every declared option is a parameter (the list cannot fall behind a plugin)...
    assert {k: v for k, v in FIRST_PARTY_OPTIONS.items() if k in declared} == declared
    # ... and every decorator takes exactly those, before **options.
    for verb in ("api_route", "get", "post", "put", "patch", "delete", "head", "options", "trace"):
        parameters = inspect.signature(getattr(RouteDecorators, verb)).parameters
        keywords = [p for p, v in parameters.items() if v.kind is inspect.Parameter.KEYWORD_ONLY]
        extra = {"methods"} if verb == "api_route" else set()
        assert set(keywords) == {"name", "status_code", *FIRST_PARTY_OPTIONS, *extra}, verb
        assert list(parameters)[-1] == "options", verb


def test_options_not_given_are_left_to_the_router_and_app():
    app = App(tags=["app"])
    router = Router(prefix="/r", max_body_size=None)

    @router.post("/a", status_code=201, tags=["route"])
    async def a() -> None:
        return None

    @router.get("/b")
    async def b() -> None:
        return None

    app.include_router(router)
    first, second = (route.info for route in app.routes)  # type: ignore[attr-defined]
    assert first.status_code == 201
    assert first.options["tags"] == ["app", "route"]
    assert first.options["max_body_size"] is None  # the router's, not the default
    assert second.options["tags"] == ["app"]
    assert second.status_code is None


def test_a_misspelt_option_still_fails_when_the_route_is_defined():
    app = App()
    with pytest.raises(RouteDefinitionError, match="'status_cod'"):

        @app.get("/", status_cod=201)
        async def home() -> None:
            return None


def test_route_info_tags_are_the_merged_tags_option() -> None:
    app = App(tags=["api"])
    router = Router(prefix="/r", tags=["reports"])
    router.get("/daily", tags=["daily"])(lambda: None)
    app.include_router(router)
    app.get("/untagged")(lambda: None)
    app.build()
    assert [route.info.tags for route in app.routes] == [["api", "reports", "daily"], ["api"]]
