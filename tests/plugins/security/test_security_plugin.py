"""Enabling the plugin, the security=[...] option, and mistakes found at build time."""

from typing import Annotated, Any

import pytest
from starlette.testclient import TestClient, WebSocketDenialResponse

from pegboard import (
    App,
    HTTPException,
    PluginError,
    Request,
    RouteDefinitionError,
    Router,
    WebSocket,
)
from pegboard.descriptions import SecurityDescription
from pegboard.testing import check_plugin
from pegboard_di import Depends, di, overrides
from pegboard_security import (
    APIKeyHeader,
    HTTPAuthorizationCredentials,
    HTTPBase,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
    OAuth2PasswordBearer,
    OAuth2PasswordRequestForm,
    Security,
    SecurityBase,
    SecurityPlugin,
    SecurityScopes,
    security,
)
from pegboard_security import forms as forms_module
from pegboard_security.forms import FormField

from .helpers import basic, secured_app

KEY = APIKeyHeader(name="X-Key")


async def valid_key(key: Annotated[str, Depends(KEY)]) -> str:
    if key != "right":
        raise HTTPException(403, "Wrong key")
    return key


def test_the_plugin_passes_pegboards_own_plugin_checks() -> None:
    check_plugin(security)


def test_security_without_di_fails_at_startup_with_the_cores_message() -> None:
    with pytest.raises(PluginError) as info:
        App(plugins=[security()])
    assert str(info.value) == (
        "Plugin 'security' requires 'di', which is not enabled. "
        "Add di() to App(plugins=[...]), before security()."
    )


def test_enabled_by_name_and_in_any_order() -> None:
    by_name = App(plugins=["security", "di"])
    assert by_name.plugins == ["di", "security"]
    assert isinstance(by_name.plugin_manager.get_plugin("security"), SecurityPlugin)
    assert repr(security()) == "security()"


def test_a_scheme_without_the_plugin_names_the_plugin_to_enable() -> None:
    app = App(plugins=[di()])

    @app.get("/me")
    async def me(token: Annotated[Any, Depends(HTTPBearer())]) -> str:
        return "never"

    with pytest.raises(RouteDefinitionError, match=r"from plugin 'security', which is not enabled"):
        app.build()


def test_security_option_runs_the_scheme_before_the_handler() -> None:
    app = secured_app()

    @app.get("/open")
    async def open_route() -> str:
        return "open"

    @app.get("/keyed", security=[KEY])
    async def keyed() -> str:
        return "keyed"

    with TestClient(app) as client:
        assert client.get("/open").json() == "open"
        response = client.get("/keyed")
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "APIKey"
        assert client.get("/keyed", headers={"X-Key": "anything"}).json() == "keyed"


def test_security_option_takes_dependencies_that_validate() -> None:
    app = secured_app()

    @app.get("/checked", security=[Security(valid_key)])
    async def checked() -> str:
        return "ok"

    with TestClient(app) as client:
        assert client.get("/checked").status_code == 401
        assert client.get("/checked", headers={"X-Key": "wrong"}).status_code == 403
        assert client.get("/checked", headers={"X-Key": "right"}).json() == "ok"


def test_security_on_app_router_and_route_adds_up() -> None:
    calls: list[str] = []

    async def outer() -> None:
        calls.append("app")

    async def middle() -> None:
        calls.append("router")

    async def inner() -> None:
        calls.append("route")

    app = secured_app(security=[Security(outer)])
    router = Router(security=[Security(middle), Security(outer)])

    @router.get("/x", security=[Security(inner)])
    async def handler() -> str:
        return "x"

    app.include_router(router)
    with TestClient(app) as client:
        assert client.get("/x").json() == "x"
    assert calls == ["app", "router", "route"]


def test_a_scheme_in_security_and_in_a_parameter_runs_once() -> None:
    calls: list[str] = []

    class Counting(HTTPBasic):
        async def __call__(  # type: ignore[override]
            self, request: Request, security_scopes: SecurityScopes
        ) -> Any:
            calls.append("basic")
            return await super().__call__(request, security_scopes)

    scheme = Counting()
    app = secured_app()

    @app.get("/who", security=[scheme])
    async def who(credentials: Annotated[HTTPBasicCredentials, Depends(scheme)]) -> str:
        return credentials.username

    with TestClient(app) as client:
        assert client.get("/who", headers={"Authorization": basic("ada", "pw")}).json() == "ada"
    assert calls == ["basic"]


def test_overrides_replace_schemes_in_the_security_option() -> None:
    app = secured_app()

    @app.get("/keyed", security=[KEY])
    async def keyed() -> str:
        return "keyed"

    overrides(app)[KEY] = lambda: "test-key"
    with TestClient(app) as client:
        assert client.get("/keyed").json() == "keyed"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (KEY, r"has security=APIKeyHeader\(name='X-Key', .*\); it takes a list"),
        ("X-Key", "has security='X-Key'; it takes a list"),
        ([valid_key], r"Write security=\[Security\(valid_key\)\]"),
        (["X-Key"], r"lists 'X-Key' in security=\[...\]"),
        ([Security()], r"needs a callable there: security=\[Security\(get_current_user\)\]"),
    ],
)
def test_security_option_mistakes_are_refused_when_the_route_is_added(
    value: Any, message: str
) -> None:
    app = secured_app()
    with pytest.raises(RouteDefinitionError, match=message):
        app.add_api_route("/x", lambda: None, security=value)


def test_security_option_needs_the_plugin() -> None:
    app = App(plugins=[di()])
    with pytest.raises(RouteDefinitionError, match=r"App\(plugins=\[security\(\)\]\)"):
        app.add_api_route("/x", lambda: None, security=[KEY])


def test_security_scopes_in_a_handler_is_a_build_error() -> None:
    app = secured_app()

    @app.get("/x")
    async def handler(security_scopes: SecurityScopes) -> str:
        return "never"

    with pytest.raises(RouteDefinitionError, match="only dependencies can take"):
        app.build()


def test_a_form_field_must_be_a_string() -> None:
    class Form:
        def __init__(self, count: Annotated[int, FormField()]) -> None:
            self.count = count

    app = secured_app()

    @app.post("/x")
    async def handler(form: Annotated[Form, Depends()]) -> str:
        return "never"

    with pytest.raises(RouteDefinitionError, match=r"annotate it str or str \| None"):
        app.build()


def test_the_password_form_needs_python_multipart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forms_module, "_multipart_installed", lambda: False)
    app = secured_app()

    @app.post("/token")
    async def token(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> str:
        return "never"

    with pytest.raises(RouteDefinitionError, match=r"pip install 'pegboard\[security\]'"):
        app.build()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: APIKeyHeader(name=""), "needs a non-empty name"),
        (lambda: APIKeyHeader(name="X Key"), "not a valid header name"),
        (lambda: HTTPBase(scheme="two words"), "needs one word"),
        (lambda: HTTPBasic(realm="caf\u00e9"), "must be printable ASCII"),
        (lambda: HTTPBearer(max_length=0), "max_length must be a positive number"),
        (lambda: Security(valid_key, scopes="items"), r"write scopes=\['items'\]"),
        (lambda: Security(valid_key, scopes=["two words"]), "is not a valid OAuth2 scope"),
        (lambda: SecurityScopes(['a"b']), "is not a valid OAuth2 scope"),
    ],
)
def test_scheme_and_marker_mistakes_are_refused_when_created(make: Any, message: str) -> None:
    with pytest.raises((TypeError, ValueError), match=message):
        make()


def test_http_base_reads_one_scheme_word() -> None:
    scheme = HTTPBase(scheme="Token", description="A personal access token.")
    assert scheme.openapi_scheme == {
        "type": "http",
        "scheme": "token",
        "description": "A personal access token.",
    }
    app = secured_app()

    @app.get("/x")
    async def handler(credentials: Annotated[HTTPAuthorizationCredentials, Depends(scheme)]) -> Any:
        return [credentials.scheme, credentials.credentials]

    with TestClient(app) as client:
        assert client.get("/x", headers={"Authorization": "token abc"}).json() == ["Token", "abc"]
        other = client.get("/x", headers={"Authorization": "Bearer abc"})
        assert (other.status_code, other.headers["www-authenticate"]) == (401, "Token")


def test_schemes_guard_websockets_with_a_401_denial() -> None:
    bearer = HTTPBearer()
    app = secured_app()

    @app.websocket("/ws")
    async def ws(
        websocket: WebSocket,
        credentials: Annotated[HTTPAuthorizationCredentials, Depends(bearer)],
    ) -> None:
        await websocket.accept()
        await websocket.send_text(credentials.credentials)
        await websocket.close()

    with TestClient(app) as client:
        with client.websocket_connect("/ws", headers={"Authorization": "Bearer t"}) as socket:
            assert socket.receive_text() == "t"
        with pytest.raises(WebSocketDenialResponse) as info, client.websocket_connect("/ws"):
            pass
        assert info.value.status_code == 401
        assert info.value.headers["www-authenticate"] == "Bearer"


def test_a_custom_scheme_documents_itself() -> None:
    class SessionCookie(SecurityBase):
        def __init__(self) -> None:
            super().__init__(description="The session cookie.")
            self.openapi_scheme = self._scheme(type="apiKey", name="sid", **{"in": "cookie"})

        async def __call__(self, request: Request) -> str:
            value = request.cookies.get("sid")
            if not value:
                raise self.make_not_authenticated_error()
            return value

    class Broken(SecurityBase):
        def __init__(self) -> None:  # forgets super().__init__ and openapi_scheme
            pass

        async def __call__(self, request: Request) -> str:
            return "never"

    app = secured_app()

    @app.get("/session", security=[SessionCookie()])
    async def session() -> str:
        return "ok"

    app.build()
    described = [
        d for d in app.routes[0].compiled.descriptions if isinstance(d, SecurityDescription)
    ]
    assert described == [
        SecurityDescription(
            "SessionCookie",
            {"type": "apiKey", "name": "sid", "in": "cookie", "description": "The session cookie."},
        )
    ]

    broken = secured_app()

    @broken.get("/x", security=[Broken()])
    async def x() -> str:
        return "never"

    with pytest.raises(RouteDefinitionError, match=r"Call super\(\).__init__\(...\)"):
        broken.build()


def test_fastapi_compatible_401s_are_written_as_fastapi_writes_them() -> None:
    bearer, basic_scheme, realm = HTTPBearer(), HTTPBasic(), HTTPBasic(realm="api")
    token = OAuth2PasswordBearer(tokenUrl="token")

    def routes(app: App) -> App:
        @app.get("/bearer", security=[Security(bearer, scopes=["me"])])
        async def with_bearer() -> None: ...

        @app.get("/basic", security=[basic_scheme])
        async def with_basic() -> None: ...

        @app.get("/realm", security=[realm])
        async def with_realm() -> None: ...

        @app.get("/oauth2", security=[Security(token, scopes=["me"])])
        async def with_oauth2() -> None: ...

        return app

    plain = routes(App(plugins=[di(), security(fastapi_compatible=True)]))
    default = routes(secured_app())
    paths = ["/bearer", "/basic", "/realm", "/oauth2"]
    with TestClient(plain) as client:
        answers = [client.get(path).headers["www-authenticate"] for path in paths]
        malformed = client.get("/basic", headers={"Authorization": "Basic notbase64"})
        untoken = client.get("/bearer", headers={"Authorization": "Bearer a b"})
    assert answers == ["Bearer", "Basic", 'Basic realm="api"', "Bearer"]
    # Malformed credentials: FastAPI's detail, not pegboard's more precise one.
    assert [malformed.json(), untoken.json()] == [{"detail": "Not authenticated"}] * 2
    with TestClient(default) as client:
        answers = [client.get(path).headers["www-authenticate"] for path in paths]
    assert answers == [
        'Bearer scope="me"',
        'Basic charset="UTF-8"',
        'Basic realm="api", charset="UTF-8"',
        'Bearer scope="me"',
    ]
    assert repr(security(fastapi_compatible=True)) == "security(fastapi_compatible=True)"


def test_a_make_not_authenticated_error_override_without_arguments_answers_every_case() -> None:
    class Bearer403(HTTPBearer):
        def make_not_authenticated_error(self) -> HTTPException:  # type: ignore[override]
            return HTTPException(403, "Not authenticated")

    app = secured_app()

    @app.get("/me")
    async def me(credentials: Annotated[HTTPAuthorizationCredentials, Depends(Bearer403())]) -> str:
        return credentials.credentials

    with TestClient(app) as client:
        missing = client.get("/me")
        malformed = client.get("/me", headers={"Authorization": "Bearer"})
        assert client.get("/me", headers={"Authorization": "Bearer abc"}).json() == "abc"
    assert (missing.status_code, missing.json()) == (403, {"detail": "Not authenticated"})
    assert malformed.status_code == 403
