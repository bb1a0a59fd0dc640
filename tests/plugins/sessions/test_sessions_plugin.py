"""The sessions plugin with the core alone: cookies, the store, expiry, rotation, failures."""

from __future__ import annotations

import json
from typing import Any

import pytest
from itsdangerous import Signer
from starlette.testclient import TestClient

from pegboard import (
    App,
    ConfigurationError,
    HTTPException,
    RedirectResponse,
    Request,
    RouteDefinitionError,
    WebSocket,
)
from pegboard.testing import check_plugin
from pegboard_sessions import SECRET_ENV, Session, SessionsPlugin, sessions
from pegboard_sessions import plugin as plugin_module

from .helpers import KEY, BrokenStore, RecordingStore, https_client, session_app, set_cookie_headers


def counter_app(**options: Any) -> App:
    app = session_app(**options)

    @app.post("/count")
    async def count(session: Session) -> dict[str, Any]:
        session["n"] = session.get("n", 0) + 1
        return {"n": session["n"], "new": session.is_new}

    @app.get("/read")
    async def read(session: Session) -> dict[str, Any]:
        return {"data": dict(session), "new": session.is_new}

    @app.get("/plain")
    async def plain() -> str:
        return "no session here"

    return app


# -- enabling and configuration --------------------------------------------------------


def test_the_plugin_passes_pegboards_own_plugin_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, KEY)
    check_plugin(lambda: sessions(KEY))


def test_a_missing_secret_key_is_a_startup_error_saying_how_to_make_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)
    with pytest.raises(ConfigurationError) as info:
        App(plugins=["sessions"])
    message = str(info.value)
    assert "needs a secret key" in message
    assert "secrets.token_urlsafe(32)" in message
    assert SECRET_ENV in message


def test_the_secret_key_can_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, KEY)
    app = App(plugins=["sessions"])

    @app.post("/")
    async def write(session: Session) -> None:
        session["a"] = 1

    response = https_client(app).post("/")
    value = response.cookies["session"]
    signer = Signer(KEY, salt="pegboard.sessions", digest_method=plugin_module.hashlib.sha256)
    assert len(signer.unsign(value)) == 43


@pytest.mark.parametrize("key", ["short", b"x" * 31, "x" * 31])
def test_a_short_secret_key_is_refused(key: str | bytes) -> None:
    with pytest.raises(ConfigurationError, match="at least 32 random bytes"):
        sessions(key)


def test_old_secret_keys_are_checked_too() -> None:
    with pytest.raises(ConfigurationError, match="old secret key is 3 bytes"):
        sessions(KEY, old_secret_keys=["old"])
    with pytest.raises(ConfigurationError, match="must be a list"):
        sessions(KEY, old_secret_keys=KEY)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_age": 0}, "max_age=0"),
        ({"max_age": "1 day"}, "positive number"),
        ({"max_age": True}, "max_age=True"),
        ({"expiry": "idle"}, "expiry='idle'"),
        ({"samesite": "Lax"}, "samesite='Lax'"),
        ({"samesite": "none", "secure": False}, "needs secure=True"),
        ({"on_store_error": "ignore"}, "on_store_error='ignore'"),
        ({"cookie_name": "my session"}, "not a valid cookie name"),
        ({"path": "app"}, "must start with '/'"),
        ({"secure": "yes"}, "secure=..."),
        ({"store": {}}, "is not a store"),
    ],
)
def test_bad_settings_are_startup_errors(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message.replace("(", r"\(")):
        sessions(KEY, **options)


def test_a_bad_session_option_is_an_error_naming_the_route() -> None:
    async def page() -> None: ...

    decorate = session_app().get("/page", session="yes")
    with pytest.raises(RouteDefinitionError) as info:
        decorate(page)
    assert "Route GET /page has session='yes'" in str(info.value)


def test_sessions_plugin_of_an_app_without_it_says_how_to_enable_it() -> None:
    with pytest.raises(ConfigurationError, match=r"Add sessions\(secret_key=...\)"):
        SessionsPlugin.of(App())


# -- the cookie and the store ----------------------------------------------------------


def test_a_session_written_in_one_request_is_read_in_the_next() -> None:
    client = https_client(counter_app())
    assert client.post("/count").json() == {"n": 1, "new": True}
    assert client.post("/count").json() == {"n": 2, "new": False}
    assert client.get("/read").json() == {"data": {"n": 2}, "new": False}


def test_the_cookie_has_safe_defaults() -> None:
    response = https_client(counter_app()).post("/count")
    (cookie,) = set_cookie_headers(response)
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert "httponly" in attributes
    assert "secure" in attributes
    assert "samesite=lax" in attributes
    assert "path=/" in attributes
    assert f"max-age={14 * 24 * 3600}" in attributes


def test_cookie_options_are_applied() -> None:
    app = counter_app(
        cookie_name="sid", secure=False, samesite="strict", path="/app", domain="example.com"
    )
    response = TestClient(app).post("/count")
    (cookie,) = set_cookie_headers(response)
    attributes = [part.strip().lower() for part in cookie.split(";")]
    assert attributes[0].startswith("sid=")
    assert "secure" not in attributes
    assert {"samesite=strict", "path=/app", "domain=example.com", "httponly"} <= set(attributes)


def test_only_the_signed_id_travels_the_data_stays_in_the_store() -> None:
    store = RecordingStore()
    client = https_client(counter_app(store=store))
    response = client.post("/count")
    value = response.cookies["session"]
    session_id, _, signature = value.rpartition(".")
    assert len(session_id) == 43
    assert signature
    (key, _), *_ = store.sets
    assert key == f"session:{session_id}"
    stored = json.loads(_get(store, key))
    assert stored["d"] == {"n": 1}


def _get(store: RecordingStore, key: str) -> bytes:
    import anyio

    async def get() -> bytes:
        value = await store.get(key)
        assert value is not None
        return value

    return anyio.run(get)


def test_an_untouched_new_session_sets_no_cookie_and_writes_nothing() -> None:
    store = RecordingStore()
    response = https_client(counter_app(store=store)).get("/read")
    assert response.json() == {"data": {}, "new": True}
    assert set_cookie_headers(response) == []
    assert store.sets == []


def test_routes_without_a_session_pay_nothing() -> None:
    store = RecordingStore()
    app = counter_app(store=store)
    client = https_client(app)
    client.post("/count")
    response = client.get("/plain")
    assert set_cookie_headers(response) == []
    compiled = next(r for r in app.routes if getattr(r, "path", "") == "/plain").compiled
    assert compiled.arguments == {}
    assert compiled.guards == ()
    # One write for /count; /plain neither read nor wrote the store.
    assert len(store.sets) == 1


def test_a_redirect_returned_after_login_carries_the_cookie() -> None:
    app = session_app()

    @app.post("/login")
    async def login(session: Session) -> RedirectResponse:
        session.rotate()
        session["user"] = "ada"
        return RedirectResponse("/me", status_code=303)

    @app.get("/me")
    async def me(session: Session) -> dict[str, Any]:
        return dict(session)

    client = https_client(app)
    response = client.post("/login", follow_redirects=False)
    assert response.status_code == 303
    assert "session" in response.cookies
    assert client.get("/me").json() == {"user": "ada"}


def test_nothing_is_saved_when_the_handler_fails() -> None:
    app = counter_app()

    @app.post("/fail")
    async def fail(session: Session) -> None:
        session["n"] = 100
        raise HTTPException(409, "conflict")

    client = https_client(app)
    client.post("/count")
    response = client.post("/fail")
    assert response.status_code == 409
    assert set_cookie_headers(response) == []
    assert client.get("/read").json()["data"] == {"n": 1}


def test_changes_inside_nested_values_are_saved() -> None:
    app = session_app(expiry="absolute")

    @app.post("/add/{item}")
    async def add(item: str, session: Session) -> list[str]:
        cart: list[str] = session.setdefault("cart", [])
        cart.append(item)
        return cart

    client = https_client(app)
    client.post("/add/a")
    assert client.post("/add/b").json() == ["a", "b"]
    assert client.post("/add/c").json() == ["a", "b", "c"]


def test_values_that_are_not_json_are_a_clear_developer_error() -> None:
    app = session_app()

    @app.post("/")
    async def write(session: Session) -> None:
        session["when"] = object()

    with pytest.raises(TypeError, match="Session values must be JSON-serialisable"):
        https_client(app).post("/")
    assert https_client(app, raise_server_exceptions=False).post("/").status_code == 500


def test_a_dependency_free_route_can_load_the_session_for_request_session() -> None:
    app = session_app()

    @app.post("/login", session=True)
    async def login(request: Request) -> None:
        request.session["user"] = "ada"

    @app.get("/who")
    async def who(request: Request, session: Session) -> Any:
        assert request.session is session
        return request.session.get("user")

    client = https_client(app)
    client.post("/login")
    assert client.get("/who").json() == "ada"


def test_responses_that_read_the_session_vary_by_cookie() -> None:
    # A shared cache (or the caching plugin) must not serve one user's page to another.
    client = https_client(counter_app())
    assert client.post("/count").headers["vary"] == "Cookie"
    assert client.get("/read").headers["vary"] == "Cookie"
    assert "vary" not in client.get("/plain").headers


# -- rotation, clearing, expiry --------------------------------------------------------


def login_app(store: Any = None, **options: Any) -> App:
    app = counter_app(**({"store": store} if store is not None else {}), **options)

    @app.post("/login")
    async def login(session: Session) -> dict[str, Any]:
        session.rotate()
        session["user"] = "ada"
        return dict(session)

    @app.post("/logout")
    async def logout(session: Session) -> None:
        session.clear()

    return app


def test_rotate_issues_a_new_id_keeps_the_data_and_kills_the_old_id() -> None:
    store = RecordingStore()
    client = https_client(login_app(store))
    client.post("/count")
    before = client.cookies["session"]
    assert client.post("/login").json() == {"n": 1, "user": "ada"}
    after = client.cookies["session"]
    assert after != before
    old_id = before.rpartition(".")[0]
    assert store.deletes == [f"session:{old_id}"]
    # The fixated id is worthless now.
    attacker = https_client(login_app(store))
    planted = {"cookie": f"session={before}"}
    assert attacker.get("/read", headers=planted).json() == {"data": {}, "new": True}
    assert client.get("/read").json() == {"data": {"n": 1, "user": "ada"}, "new": False}


def test_clear_deletes_the_session_and_expires_the_cookie() -> None:
    store = RecordingStore()
    client = https_client(login_app(store))
    client.post("/login")
    cookie = client.cookies["session"]
    response = client.post("/logout")
    (header,) = set_cookie_headers(response)
    assert header.startswith('session=""') or "max-age=0" in header.lower()
    assert store.deletes[-1] == f"session:{cookie.rpartition('.')[0]}"
    replay = https_client(login_app(store))
    replayed = {"cookie": f"session={cookie}"}
    assert replay.get("/read", headers=replayed).json() == {"data": {}, "new": True}


def test_sliding_expiry_renews_the_store_and_the_cookie_after_a_tenth_of_max_age(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = RecordingStore()
    client = https_client(counter_app(store=store, max_age=600))
    client.post("/count")
    # Read again at once: nothing changed and little time passed, so nothing is written.
    response = client.get("/read")
    assert response.json() == {"data": {"n": 1}, "new": False}
    assert [ttl for _, ttl in store.sets] == [600]
    assert set_cookie_headers(response) == []
    real = plugin_module.time.time
    monkeypatch.setattr(plugin_module.time, "time", lambda: real() + 61)
    response = client.get("/read")
    assert [ttl for _, ttl in store.sets] == [600, 600]
    (cookie,) = set_cookie_headers(response)
    assert "max-age=600" in cookie.lower()
    # A change is written (and the cookie sent) whatever the time.
    client.post("/count")
    assert len(store.sets) == 3


def test_absolute_expiry_writes_only_changes_and_ends_on_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = RecordingStore()
    client = https_client(counter_app(store=store, max_age=600, expiry="absolute"))
    client.post("/count")
    response = client.get("/read")
    assert len(store.sets) == 1
    assert set_cookie_headers(response) == []
    (_, ttl), *_ = store.sets
    assert ttl is not None
    assert 599 < ttl <= 600
    real = plugin_module.time.time
    monkeypatch.setattr(plugin_module.time, "time", lambda: real() + 601)
    assert client.get("/read").json() == {"data": {}, "new": True}


def test_a_session_the_store_expired_starts_afresh() -> None:
    import time

    client = https_client(counter_app(max_age=0.2))
    client.post("/count")
    time.sleep(0.3)
    assert client.post("/count").json() == {"n": 1, "new": True}


def test_cookies_signed_with_an_old_key_still_work_and_are_re_signed() -> None:
    old = "o" * 40
    store = RecordingStore()
    client = https_client(counter_app(secret_key=old, store=store))
    client.post("/count")
    old_cookie = client.cookies["session"]
    rotated = https_client(counter_app(secret_key=KEY, old_secret_keys=[old], store=store))
    response = rotated.get("/read", headers={"cookie": f"session={old_cookie}"})
    assert response.json() == {"data": {"n": 1}, "new": False}
    # The next renewal (here a change) sends the cookie again, signed with the new key.
    response = rotated.post("/count", headers={"cookie": f"session={old_cookie}"})
    assert response.json() == {"n": 2, "new": False}
    new_cookie = response.cookies["session"]
    assert new_cookie != old_cookie
    signer = Signer(KEY, salt="pegboard.sessions", digest_method=plugin_module.hashlib.sha256)
    assert signer.unsign(new_cookie) == old_cookie.rpartition(".")[0].encode()


# -- bad cookies: a fresh session, never a 500 -------------------------------------------


def forged(session_id: str, key: str = "x" * 40) -> str:
    signer = Signer(key, salt="pegboard.sessions", digest_method=plugin_module.hashlib.sha256)
    return signer.sign(session_id).decode()


@pytest.mark.parametrize(
    "cookie",
    [
        "garbage",
        "",
        "...",
        "a" * 5000,
        "é✓",
        "%00%ff",
        "abc.def",
        "Zm9v.YmFy.YmF6",
    ],
)
def test_malformed_cookies_give_a_fresh_session(cookie: str) -> None:
    client = https_client(counter_app())
    raw = f"session={cookie}".encode()  # as bytes: browsers may send non-ASCII
    response = client.get("/read", headers={"cookie": raw})  # type: ignore[dict-item]
    assert response.status_code == 200
    assert response.json() == {"data": {}, "new": True}


def test_a_tampered_signature_gives_a_fresh_session_and_expires_the_cookie() -> None:
    client = https_client(counter_app())
    client.post("/count")
    value = client.cookies["session"]
    session_id, _, signature = value.rpartition(".")
    tampered = f"{session_id}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    response = https_client(counter_app()).get("/read", headers={"cookie": f"session={tampered}"})
    assert response.json() == {"data": {}, "new": True}
    (header,) = set_cookie_headers(response)
    assert "max-age=0" in header.lower()


def test_an_id_signed_with_another_key_is_ignored() -> None:
    store = RecordingStore()
    client = https_client(counter_app(store=store))
    client.post("/count")
    session_id = client.cookies["session"].rpartition(".")[0]
    attacker = https_client(counter_app(store=store))
    response = attacker.get("/read", headers={"cookie": f"session={forged(session_id)}"})
    assert response.json() == {"data": {}, "new": True}


def test_a_well_signed_but_unknown_id_gives_a_fresh_session() -> None:
    client = https_client(counter_app())
    cookie = forged("u" * 43, key=KEY)
    response = client.post("/count", headers={"cookie": f"session={cookie}"})
    assert response.json() == {"n": 1, "new": True}
    assert response.cookies["session"] != cookie  # a new id, not the one the client chose


def test_a_stored_value_that_is_not_a_session_gives_a_fresh_session() -> None:
    store = RecordingStore()
    import anyio

    anyio.run(store.set, "session:" + "s" * 43, b"[not, json")
    client = https_client(counter_app(store=store))
    cookie = forged("s" * 43, key=KEY)
    assert client.get("/read", headers={"cookie": f"session={cookie}"}).json()["new"] is True


# -- the store is down -------------------------------------------------------------------


@pytest.mark.parametrize("failing", [{"get"}, {"set"}])
def test_store_outage_fails_closed_with_503_by_default(failing: set[str]) -> None:
    store = BrokenStore(set())
    client = https_client(counter_app(store=store))
    client.post("/count")
    store.failing = failing
    response = client.post("/count")
    assert response.status_code == 503
    assert response.json() == {"detail": "The session store is unavailable; try again shortly."}


def test_store_outage_can_fail_open_with_an_unsaved_empty_session(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = BrokenStore(set())
    client = https_client(counter_app(store=store, on_store_error="open"))
    client.post("/count")
    store.failing = {"get", "set"}
    response = client.post("/count")
    assert response.status_code == 200
    assert response.json() == {"n": 1, "new": True}
    assert set_cookie_headers(response) == []
    assert "session store failed" in caplog.text
    store.failing = set()
    assert client.post("/count").json() == {"n": 2, "new": False}  # recovered


# -- WebSockets --------------------------------------------------------------------------


def test_websocket_handlers_read_the_session_but_cannot_change_it() -> None:
    app = counter_app()

    @app.websocket("/ws")
    async def ws(websocket: WebSocket, session: Session) -> None:
        await websocket.accept()
        await websocket.send_json(dict(session))
        try:
            session["n"] = 0
        except RuntimeError as exc:
            await websocket.send_text(str(exc))
        await websocket.close()

    client = https_client(app)
    client.post("/count")
    # The test client connects to ws://, where a browser would not send a Secure cookie.
    cookie = {"cookie": f"session={client.cookies['session']}"}
    with client.websocket_connect("/ws", headers=cookie) as websocket:
        assert websocket.receive_json() == {"n": 1}
        assert "read-only" in websocket.receive_text()


def test_the_store_is_closed_when_the_app_shuts_down() -> None:
    closed: list[bool] = []

    class ClosingStore(RecordingStore):
        async def close(self) -> None:
            closed.append(True)
            await super().close()

    with https_client(counter_app(store=ClosingStore())) as client:
        client.post("/count")
        assert closed == []
    assert closed == [True]
