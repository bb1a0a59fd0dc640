"""The hooks and functions other plugins use, exercised by a small security-like plugin."""

from collections.abc import Hashable, Sequence
from typing import Annotated, Any

import attrs
import pytest
from starlette.testclient import TestClient

from pegboard import (
    App,
    HTTPException,
    ParamInfo,
    PluginError,
    PluginInfo,
    Request,
    RequestContext,
    Resolver,
    RouteDefinitionError,
    RouteInfo,
    RouteOption,
    hookimpl,
)
from pegboard.descriptions import Description, SecurityDescription
from pegboard_di import Depends, dependency_resolver, di


@attrs.frozen
class Secured(Depends):
    """What the security plugin's Security marker looks like: Depends plus scopes."""

    scopes: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=tuple)


class Scopes:
    def __init__(self, scopes: tuple[str, ...]) -> None:
        self.scopes = scopes


class TokenScheme:
    """A scheme object used as a dependency, like OAuth2PasswordBearer."""

    calls = 0

    async def __call__(self, request: Request) -> str:
        TokenScheme.calls += 1
        token = request.headers.get("authorization")
        if token is None:
            raise HTTPException(401, "Not authenticated", headers={"WWW-Authenticate": "Bearer"})
        return token


def chain_scopes(chain: tuple[Depends, ...]) -> tuple[str, ...]:
    return tuple(
        sorted({s for marker in chain if isinstance(marker, Secured) for s in marker.scopes})
    )


class FakeSecurity:
    plugin_info = PluginInfo(
        name="fakesecurity",
        requires=("di",),
        route_options=(RouteOption("security", "extend", "Schemes to check."),),
    )

    @hookimpl
    def pegboard_di_resolve_parameter(
        self, app: App, route: RouteInfo, param: ParamInfo, chain: tuple[Depends, ...]
    ) -> Resolver | None:
        if param.type is not Scopes:
            return None
        scopes = Scopes(chain_scopes(chain))
        return Resolver(lambda ctx: scopes, is_async=False, label="scopes")

    @hookimpl
    def pegboard_di_cache_key(
        self, app: App, route: RouteInfo, dependency: Any, chain: tuple[Depends, ...]
    ) -> Hashable | None:
        return chain_scopes(chain) or None

    @hookimpl
    def pegboard_di_describe_dependency(
        self, app: App, route: RouteInfo, dependency: Any, chain: tuple[Depends, ...]
    ) -> Sequence[Description] | None:
        if not isinstance(dependency, TokenScheme):
            return None
        scheme = {"type": "http", "scheme": "bearer"}
        return [SecurityDescription("token", scheme, chain_scopes(chain))]

    @hookimpl
    def pegboard_route_guards(self, app: App, route: RouteInfo) -> Sequence[Resolver]:
        return [
            dependency_resolver(app, route, Secured(scheme), origin="security=[...]")
            for scheme in route.option("security", ())
        ]


token_scheme = TokenScheme()
seen: list[tuple[str, tuple[str, ...]]] = []


async def current_user(scopes: Scopes, token: Annotated[str, Depends(token_scheme)]) -> str:
    seen.append((token, scopes.scopes))
    return f"{token}:{','.join(scopes.scopes)}"


async def items_user(user: Annotated[str, Secured(current_user, scopes=["items"])]) -> str:
    return user


def make_app() -> App:
    seen.clear()
    TokenScheme.calls = 0
    app = App(plugins=[di(), FakeSecurity()])

    @app.get("/items")
    async def items(
        user: Annotated[str, Secured(items_user, scopes=["read"])],
        plain: Annotated[str, Depends(current_user)],
    ) -> list[str]:
        return [user, plain]

    @app.get("/guarded", security=[token_scheme])
    async def guarded(token: Annotated[str, Depends(token_scheme)]) -> str:
        return token

    return app


def test_chain_dependent_values_and_cache_keys():
    app = make_app()
    with TestClient(app) as client:
        response = client.get("/items", headers={"authorization": "t"})
    # items_user's current_user sees the union of the scopes above it; the plain
    # position sees none, and is a separate cached value.
    assert response.json() == ["t:items,read", "t:"]
    assert seen == [("t", ("items", "read")), ("t", ())]
    assert TokenScheme.calls == 2  # one per scopes, as the cache key hook asks


def test_descriptions_carry_the_chain():
    app = make_app()
    app.build()
    route = next(r for r in app.routes if getattr(r, "path", "") == "/items")
    assert route.compiled is not None
    found = [d for d in route.compiled.descriptions if isinstance(d, SecurityDescription)]
    assert [d.scopes for d in found] == [("items", "read"), ()]


def test_dependency_resolver_from_route_guards_shares_the_request_cache():
    app = make_app()
    with TestClient(app) as client:
        assert client.get("/guarded").status_code == 401
        TokenScheme.calls = 0
        assert client.get("/guarded", headers={"authorization": "t"}).json() == "t"
    assert TokenScheme.calls == 1


def test_dependency_resolver_is_for_markers_and_apps_with_di():
    route = RouteInfo(path="/", endpoint=lambda: None)
    with pytest.raises(TypeError, match="Depends marker"):
        dependency_resolver(App(plugins=[di()]), route, token_scheme)  # type: ignore[arg-type]
    with pytest.raises(PluginError, match="not enabled"):
        dependency_resolver(App(), route, Depends(token_scheme))


def test_a_resolver_hook_must_return_a_resolver():
    class Broken:
        plugin_info = PluginInfo(name="broken")

        @hookimpl(optionalhook=True)
        def pegboard_di_resolve_parameter(self, param: ParamInfo) -> Any:
            return "not a resolver" if param.name == "x" else None

    async def dep(x: int) -> int:
        return x

    app = App(plugins=[di(), Broken()])

    @app.get("/")
    async def handler(value: int = Depends(dep)) -> int:
        return value

    with pytest.raises(RouteDefinitionError, match="must return a Resolver"):
        app.build()


def test_plugins_with_optional_di_hooks_work_without_di():
    class Optional:
        plugin_info = PluginInfo(name="optional")

        @hookimpl(optionalhook=True)
        def pegboard_di_cache_key(self) -> None:
            return None

    class Strict:
        plugin_info = PluginInfo(name="strict")

        @hookimpl
        def pegboard_di_cache_key(self) -> None:
            return None

    App(plugins=[Optional()])
    App(plugins=[di(), Strict()])
    with pytest.raises(PluginError, match="pegboard_di_cache_key"):
        App(plugins=[Strict()])


def test_resolvers_from_hooks_are_plain_per_request_functions():
    ctx = RequestContext(Request({"type": "http", "headers": []}))
    route = RouteInfo(path="/", endpoint=lambda: None)
    plugin = FakeSecurity()
    param = ParamInfo.create("s", Scopes)
    resolver = plugin.pegboard_di_resolve_parameter(
        App(), route, param, (Secured(current_user, scopes=["b", "a"]),)
    )
    assert resolver is not None
    assert resolver.func(ctx).scopes == ("a", "b")


def test_dependency_resolver_needs_something_to_call():
    route = RouteInfo(path="/", endpoint=lambda: None, methods=frozenset({"GET"}))
    with pytest.raises(RouteDefinitionError, match="has nothing to call"):
        dependency_resolver(App(plugins=[di()]), route, Depends(), origin="security=[...]")


def test_a_dependency_resolver_describes_each_thing_once():
    async def two_tokens(
        a: Annotated[str, Depends(token_scheme)], b: Annotated[str, Depends(token_scheme)]
    ) -> str:
        return a + b

    app = App(plugins=[di(), FakeSecurity()])

    @app.get("/")
    async def handler(value: Annotated[str, Depends(two_tokens)]) -> str:
        return value

    app.build()
    compiled = app.routes[0].compiled
    assert compiled is not None
    described = compiled.arguments["value"].describes
    assert [type(d).__name__ for d in described] == ["SecurityDescription"]
