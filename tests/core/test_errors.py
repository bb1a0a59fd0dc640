from __future__ import annotations

import anyio
import pytest
from starlette.middleware.gzip import GZipMiddleware
from starlette.testclient import TestClient

from pegboard import (
    App,
    HTTPException,
    JSONResponse,
    Request,
    RequestContext,
    RequestValidationError,
    Resolver,
    Response,
    hookimpl,
)
from pegboard.exception_handlers import http_exception_handler


def test_http_exception_becomes_json_with_headers():
    app = App()

    @app.get("/teapot")
    async def teapot() -> None:
        raise HTTPException(418, "I'm a teapot", headers={"x-reason": "tea"})

    response = TestClient(app).get("/teapot")
    assert response.status_code == 418
    assert response.json() == {"detail": "I'm a teapot"}
    assert response.headers["x-reason"] == "tea"


def test_http_exception_detail_may_be_any_json_and_defaults_to_the_phrase():
    app = App()

    @app.get("/dict")
    async def as_dict() -> None:
        raise HTTPException(400, {"field": "name", "problem": "taken"})

    @app.get("/default")
    async def default() -> None:
        raise HTTPException(403)

    client = TestClient(app)
    assert client.get("/dict").json() == {"detail": {"field": "name", "problem": "taken"}}
    assert client.get("/default").json() == {"detail": "Forbidden"}


def test_http_exception_without_body_status():
    app = App()

    @app.get("/nm")
    async def not_modified() -> None:
        raise HTTPException(304)

    response = TestClient(app).get("/nm")
    assert response.status_code == 304
    assert response.content == b""


def test_unhandled_exception_is_a_500_that_leaks_nothing():
    app = App()

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("database password is hunter2")

    response = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal Server Error"}
    assert "hunter2" not in response.text


@pytest.mark.parametrize("middleware", [False, True])
def test_json_server_errors_false_answers_a_500_in_plain_text_as_fastapi(middleware: bool):
    app = App(json_server_errors=False)
    if middleware:  # the 500 is then answered by Starlette's ServerErrorMiddleware
        app.add_middleware(GZipMiddleware)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("database password is hunter2")

    response = TestClient(app, raise_server_exceptions=False).get("/boom")
    assert (response.status_code, response.text) == (500, "Internal Server Error")
    assert response.headers["content-type"].startswith("text/plain")


def test_unhandled_exception_is_reraised_for_the_server_to_log():
    app = App()

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        TestClient(app).get("/boom")


def test_debug_mode_shows_the_traceback():
    app = App(debug=True)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("visible in debug")

    response = TestClient(app, raise_server_exceptions=False).get(
        "/boom", headers={"accept": "text/plain"}
    )
    assert response.status_code == 500
    assert "visible in debug" in response.text


def test_exception_handler_decorator_and_delegating_to_the_default():
    app = App()
    seen: list[int] = []

    class OutOfStock(Exception):
        pass

    @app.exception_handler(OutOfStock)
    async def out_of_stock(request: Request, exc: Exception) -> Response:
        return JSONResponse({"detail": "sold out"}, status_code=409)

    @app.exception_handler(HTTPException)
    async def logged(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        seen.append(exc.status_code)
        return await http_exception_handler(request, exc)

    @app.get("/buy")
    async def buy() -> None:
        raise OutOfStock

    @app.get("/missing")
    async def missing() -> None:
        raise HTTPException(404, "no such item")

    client = TestClient(app)
    assert client.get("/buy").json() == {"detail": "sold out"}
    assert client.get("/missing").json() == {"detail": "no such item"}
    assert seen == [404]


def test_exception_handlers_argument_and_status_code_handlers():
    async def not_found(request: Request, exc: Exception) -> Response:
        return JSONResponse({"detail": "nothing here", "path": request.url.path}, 404)

    async def crash(request: Request, exc: Exception) -> Response:
        return JSONResponse({"detail": "we are on it"}, 500)

    app = App(exception_handlers={404: not_found, Exception: crash})

    @app.get("/boom")
    async def boom() -> None:
        raise ValueError

    client = TestClient(app, raise_server_exceptions=False)
    assert client.get("/nope").json() == {"detail": "nothing here", "path": "/nope"}
    assert client.get("/boom").json() == {"detail": "we are on it"}


def test_exception_handlers_cannot_be_added_after_start():
    app = App()
    TestClient(app).get("/")
    with pytest.raises(RuntimeError, match="after the app has started"):
        app.add_exception_handler(ValueError, http_exception_handler)


class _Checker:
    """A plugin resolving parameters named like 'check_*' that fail validation."""

    @hookimpl
    def pegboard_resolve_parameter(self, app, route, param):  # type: ignore[no-untyped-def]
        if not param.name.startswith("check_"):
            return None

        def fail(ctx: RequestContext) -> None:
            loc = ["query", param.name]
            raise RequestValidationError([{"type": "bad", "loc": loc, "msg": "bad value"}])

        return Resolver(fail)


def test_validation_errors_of_all_parameters_are_gathered_into_one_422():
    app = App(plugins=[_Checker()])

    @app.get("/both")
    async def both(check_a: int, check_b: int) -> None:
        return None

    response = TestClient(app).get("/both")
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {"type": "bad", "loc": ["query", "check_a"], "msg": "bad value"},
            {"type": "bad", "loc": ["query", "check_b"], "msg": "bad value"},
        ]
    }


def test_request_validation_error_str_lists_each_error():
    exc = RequestValidationError([{"loc": ("query", "x"), "msg": "bad"}])
    assert "query -> x: bad" in str(exc)
    assert exc.errors() == [{"loc": ("query", "x"), "msg": "bad"}]


def test_a_client_gone_mid_body_gets_no_answer_and_logs_nothing():
    # ClientDisconnect is not a server error: no 500 (to nobody) and no traceback.
    app = App()
    torn_down: list[str] = []

    @app.post("/upload")
    async def upload(request: Request) -> int:
        try:
            return len(await request.body())
        finally:
            torn_down.append("handler")

    sent: list[dict[str, object]] = []
    messages = iter(
        [
            {"type": "http.request", "body": b"part", "more_body": True},
            {"type": "http.disconnect"},
        ]
    )

    async def receive() -> dict[str, object]:
        return next(messages)

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/upload",
        "raw_path": b"/upload",
        "root_path": "",
        "query_string": b"",
        "headers": [],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    anyio.run(app, scope, receive, send)  # raises nothing
    assert sent == []
    assert torn_down == ["handler"]
