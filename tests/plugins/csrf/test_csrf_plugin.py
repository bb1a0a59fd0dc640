"""The CSRF plugin with the core and the sessions plugin: tokens, the 403s, exemptions."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from pegboard import App, ConfigurationError, PluginError, RouteDefinitionError, Router
from pegboard.descriptions import ResponseDescription
from pegboard.testing import check_plugin
from pegboard_csrf import CSRFToken, csrf, csrf_token, token_matches
from pegboard_sessions import SECRET_ENV, Session, sessions

KEY = "k" * 48


def csrf_app(**options: Any) -> App:
    app = App(plugins=[sessions(secret_key=KEY), csrf(**options)])

    @app.get("/form")
    async def form(token: CSRFToken) -> dict[str, str]:
        return {"token": token}

    @app.post("/transfer")
    async def transfer(session: Session) -> dict[str, Any]:
        session["done"] = session.get("done", 0) + 1
        return {"done": session["done"]}

    @app.api_route("/item", methods=["GET", "PUT", "PATCH", "DELETE"])
    async def item() -> str:
        return "ok"

    @app.post("/webhook", csrf=False)
    async def webhook() -> str:
        return "received"

    @app.post("/login")
    async def login(session: Session) -> None:
        session.rotate()
        session["user"] = "ada"

    return app


def client_with_token(app: App | None = None) -> tuple[TestClient, str]:
    client = TestClient(app or csrf_app(), base_url="https://testserver")
    return client, client.get("/form").json()["token"]


# -- enabling --------------------------------------------------------------------------


def test_the_plugin_passes_pegboards_own_plugin_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, KEY)
    check_plugin(csrf)


def test_csrf_without_sessions_is_a_startup_error_saying_what_to_add() -> None:
    with pytest.raises(PluginError) as info:
        App(plugins=[csrf()])
    assert str(info.value) == (
        "Plugin 'csrf' requires 'sessions', which is not enabled. "
        "Add sessions() to App(plugins=[...]), before csrf()."
    )


@pytest.mark.parametrize("value", ["no", 0, 1, "False"])
def test_a_bad_csrf_option_is_an_error_naming_the_route(value: object) -> None:
    async def handler() -> None: ...

    decorate = csrf_app().post("/pay", csrf=value)
    with pytest.raises(RouteDefinitionError) as info:
        decorate(handler)
    assert f"Route POST /pay has csrf={value!r}" in str(info.value)


@pytest.mark.parametrize(
    "options",
    [{"field_name": ""}, {"header_name": "X CSRF"}, {"header_name": None}, {"field_name": 1}],
)
def test_bad_names_are_startup_errors(options: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError, match="is not a valid name"):
        csrf(**options)


# -- the check -----------------------------------------------------------------------------


def test_a_form_with_the_token_passes() -> None:
    client, token = client_with_token()
    response = client.post("/transfer", data={"csrf_token": token, "amount": "5"})
    assert response.status_code == 200
    assert response.json() == {"done": 1}


def test_a_multipart_form_with_the_token_passes() -> None:
    client, token = client_with_token()
    response = client.post(
        "/transfer", data={"csrf_token": token}, files={"upload": ("a.txt", b"hello")}
    )
    assert response.status_code == 200


def test_a_script_sends_the_token_in_the_header() -> None:
    client, token = client_with_token()
    response = client.post("/transfer", json={"amount": 5}, headers={"X-CSRF-Token": token})
    assert response.status_code == 200


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_every_unsafe_method_without_a_token_is_a_403(method: str) -> None:
    client, _ = client_with_token()
    path = "/transfer" if method == "POST" else "/item"
    response = client.request(method, path)
    assert response.status_code == 403
    assert response.json() == {
        "detail": "CSRF token missing: send it in the X-CSRF-Token header or the "
        "'csrf_token' form field."
    }


@pytest.mark.parametrize(
    "token",
    [
        "wrong",
        "",
        "A" * 86,
        "A" * 5000,
        "é✓",
        "====",
        "%%%%",
    ],
)
def test_a_wrong_or_malformed_token_is_a_403_never_a_500(token: str) -> None:
    client, _ = client_with_token()
    response = client.post("/transfer", data={"csrf_token": token})
    assert response.status_code == 403
    assert response.json()["detail"].startswith(("CSRF token invalid", "CSRF token missing"))


def test_a_token_of_another_session_is_refused() -> None:
    _, theirs = client_with_token()
    client, _ = client_with_token()
    response = client.post("/transfer", headers={"X-CSRF-Token": theirs})
    assert response.status_code == 403
    assert response.json()["detail"].startswith("CSRF token invalid")


def test_a_token_without_any_session_is_refused() -> None:
    _, token = client_with_token()
    fresh = TestClient(csrf_app(), base_url="https://testserver")
    assert fresh.post("/transfer", headers={"X-CSRF-Token": token}).status_code == 403


def test_rotating_the_session_on_login_invalidates_earlier_tokens() -> None:
    client, before = client_with_token()
    assert client.post("/login", headers={"X-CSRF-Token": before}).status_code == 200
    assert client.post("/transfer", headers={"X-CSRF-Token": before}).status_code == 403
    after = client.get("/form").json()["token"]
    assert client.post("/transfer", headers={"X-CSRF-Token": after}).status_code == 200


def test_every_token_handed_out_differs_and_all_are_valid() -> None:
    client, first = client_with_token()
    second = client.get("/form").json()["token"]
    assert first != second
    for token in (first, second):
        assert client.post("/transfer", headers={"X-CSRF-Token": token}).status_code == 200


def test_a_malformed_multipart_body_is_a_400() -> None:
    client, _ = client_with_token()
    response = client.post(
        "/transfer",
        content=b"--x\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--x--\r\n",
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code == 400


def test_custom_names_are_read() -> None:
    app = csrf_app(field_name="_token", header_name="X-XSRF-TOKEN")
    client, token = client_with_token(app)
    assert client.post("/transfer", data={"_token": token}).status_code == 200
    assert client.post("/transfer", headers={"x-xsrf-token": token}).status_code == 200
    assert client.post("/transfer", data={"csrf_token": token}).status_code == 403


# -- what is not checked ---------------------------------------------------------------


def test_safe_methods_are_not_checked_and_safe_routes_have_no_guard() -> None:
    app = csrf_app()
    client = TestClient(app, base_url="https://testserver")
    assert client.get("/item").status_code == 200
    assert client.head("/item").status_code == 200
    routes = {getattr(r, "path", ""): r for r in app.routes}
    assert routes["/form"].compiled.guards == ()
    (guard,) = routes["/transfer"].compiled.guards
    assert guard.label == "csrf"
    assert any(
        isinstance(d, ResponseDescription) and d.status_code == 403
        for d in routes["/transfer"].compiled.descriptions
    )


def test_csrf_false_exempts_a_route() -> None:
    app = csrf_app()
    client = TestClient(app, base_url="https://testserver")
    assert client.post("/webhook").text == '"received"'
    route = next(r for r in app.routes if getattr(r, "path", "") == "/webhook")
    assert route.compiled.guards == ()


# -- the token functions -------------------------------------------------------------------


def test_token_functions_work_on_any_session() -> None:
    session = Session()
    token = csrf_token(session)
    assert token_matches(token, session)
    assert not token_matches(token, Session())
    session.rotate()
    assert not token_matches(token, session)
    assert not token_matches("x", {})


def test_csrf_false_on_a_router_exempts_its_routes_and_a_route_can_opt_back_in() -> None:
    app = App(plugins=[sessions(secret_key=KEY), csrf()])
    hooks = Router(prefix="/hooks", csrf=False)

    @hooks.post("/a")
    async def a() -> str:
        return "a"

    @hooks.post("/b", csrf=None)
    async def b() -> str:
        return "b"

    app.include_router(hooks)
    client = TestClient(app, base_url="https://testserver")
    assert client.post("/hooks/a").status_code == 200
    assert client.post("/hooks/b").status_code == 403
