"""The logging plugin alone: request ids, one access line per request, errors once."""

from __future__ import annotations

import logging
import os
import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from pegboard import ACCESS_LOG, App, HTTPException, PlainTextResponse, Request, Router
from pegboard_logging import RequestIds, current_request_id, request_logging

from .conftest import Lines, in_child

HEX_ID = re.compile(r"[0-9a-f]{32}")
shop = logging.getLogger("shop")


def make_app(lines: Lines, **options: Any) -> App:
    app = App(plugins=[request_logging(stream=lines, **options)])

    @app.get("/items/{item_id:int}")
    async def item(item_id: int) -> dict[str, Any]:
        shop.info("looking up %s", item_id)
        return {"id": item_id, "request_id": current_request_id()}

    @app.post("/orders", status_code=201)
    def order() -> str:  # sync: runs in the thread pool
        shop.warning("charging")
        return "ok"

    @app.get("/missing")
    async def missing() -> None:
        raise HTTPException(404, "no such item")

    @app.get("/teapot")
    async def teapot() -> None:
        raise LookupError("tea")

    @app.get("/crash")
    async def crash() -> None:
        raise ValueError("secret detail")

    @app.get("/health", access_log=False)
    async def health() -> str:
        return "ok"

    @app.exception_handler(LookupError)
    async def handle(request: Request, exc: Exception) -> PlainTextResponse:
        shop.info("answering a teapot")
        return PlainTextResponse("tea", status_code=418)

    return app


def test_one_access_line_per_request(lines: Lines):
    client = TestClient(make_app(lines), client=("203.0.113.9", 4711))
    response = client.get("/items/7?verbose=1")
    assert response.status_code == 200
    (line,) = lines.records("pegboard.access")
    assert line["message"] == "GET /items/{item_id} 200"
    assert line["level"] == "INFO"
    assert (line["method"], line["route"], line["path"]) == ("GET", "/items/{item_id}", "/items/7")
    assert line["status"] == 200
    assert line["client"] == "203.0.113.9:4711"
    assert isinstance(line["duration_ms"], float)
    assert 0 <= line["duration_ms"] < 10_000
    assert HEX_ID.fullmatch(line["request_id"])
    assert response.headers["x-request-id"] == line["request_id"]
    assert response.json()["request_id"] == line["request_id"]


def test_every_line_during_the_request_carries_its_id(lines: Lines):
    client = TestClient(make_app(lines))
    first = client.get("/items/1").headers["x-request-id"]
    second = client.post("/orders").headers["x-request-id"]
    third = client.get("/teapot").headers["x-request-id"]
    assert len({first, second, third}) == 3
    ours = ("shop", "pegboard.access")
    logged = {(r["logger"], r["message"], r["request_id"]) for r in lines.records()}
    assert {line for line in logged if line[0] in ours} == {
        ("shop", "looking up 1", first),
        ("pegboard.access", "GET /items/{item_id} 200", first),
        ("shop", "charging", second),  # from the thread pool
        ("pegboard.access", "POST /orders 201", second),
        ("shop", "answering a teapot", third),  # from the exception handler
        ("pegboard.access", "GET /teapot 418", third),
    }
    assert current_request_id() is None
    shop.info("between requests")
    assert lines.records("shop")[-1]["request_id"] is None


def test_the_statuses_clients_got(lines: Lines):
    client = TestClient(make_app(lines), raise_server_exceptions=False)
    client.get("/missing")
    client.get("/crash")
    statuses = [r["status"] for r in lines.records("pegboard.access")]
    assert statuses == [404, 500]


def test_an_unhandled_error_is_logged_once_and_not_shown_to_the_client(lines: Lines):
    client = TestClient(make_app(lines), raise_server_exceptions=False)
    response = client.get("/crash")
    assert response.status_code == 500
    assert "secret detail" not in response.text
    assert "Traceback" not in response.text
    rid = response.headers["x-request-id"]  # echoed on the 500 too
    (error,) = lines.records("pegboard.access.errors")
    assert error["level"] == "ERROR"
    assert error["message"] == "Unhandled error in GET /crash"
    assert error["request_id"] == rid
    assert "Traceback" in error["exc_info"]
    assert "ValueError: secret detail" in error["exc_info"]
    assert lines.records("pegboard.access")[-1]["status"] == 500


def test_the_servers_copy_of_a_logged_error_is_dropped(
    lines: Lines, monkeypatch: pytest.MonkeyPatch
):
    # An earlier test may have run uvicorn's logging config, whose "uvicorn" logger
    # does not propagate: let its records reach the root handler this test reads.
    monkeypatch.setattr(logging.getLogger("uvicorn"), "propagate", True)
    monkeypatch.setattr(logging.getLogger("uvicorn.error"), "propagate", True)
    app = make_app(lines)
    client = TestClient(app)
    # What a server gets from the app:
    with pytest.raises(ValueError, match="secret detail") as raised:
        client.get("/crash")
    # uvicorn reports it like this; the plugin already logged it with the request id.
    server = logging.getLogger("uvicorn.error")
    server.error("Exception in ASGI application\n", exc_info=raised.value)
    server.error("Another failure", exc_info=RuntimeError("not ours"))
    messages = [r["message"] for r in lines.records("uvicorn.error")]
    assert messages == ["Another failure"]
    assert len(lines.records("pegboard.access.errors")) == 1


def test_debug_shows_the_traceback_in_the_response(lines: Lines):
    app = App(plugins=[request_logging(stream=lines)], debug=True)

    @app.get("/crash")
    async def crash() -> None:
        raise ValueError("secret detail")

    response = TestClient(app, raise_server_exceptions=False).get("/crash")
    assert response.status_code == 500
    assert "secret detail" in response.text
    assert len(lines.records("pegboard.access.errors")) == 1


def test_a_trusted_incoming_id_is_used_and_echoed(lines: Lines):
    client = TestClient(make_app(lines))
    response = client.get("/items/1", headers={"X-Request-ID": "req-1f3c:2/edge=a"})
    assert response.headers["x-request-id"] == "req-1f3c:2/edge=a"
    assert lines.records("pegboard.access")[0]["request_id"] == "req-1f3c:2/edge=a"


@pytest.mark.parametrize(
    "incoming",
    ["", "a b", "x" * 129, '"><script>', "id\tnext", "é-accented", "a,b"],
)
def test_a_malformed_incoming_id_is_replaced_never_an_error(lines: Lines, incoming: str):
    client = TestClient(make_app(lines))
    response = client.get("/items/1", headers={"X-Request-ID": incoming.encode("latin-1")})
    assert response.status_code == 200
    assert HEX_ID.fullmatch(response.headers["x-request-id"])


def test_only_listed_proxies_may_set_the_id(lines: Lines):
    app = make_app(lines, trust_incoming=["10.0.0.0/8", "::1"])
    given = {"X-Request-ID": "from-proxy"}
    proxy = TestClient(app, client=("10.2.3.4", 1000)).get("/items/1", headers=given)
    assert proxy.headers["x-request-id"] == "from-proxy"
    local6 = TestClient(app, client=("::1", 1000)).get("/items/1", headers=given)
    assert local6.headers["x-request-id"] == "from-proxy"
    outsider = TestClient(app, client=("198.51.100.1", 1000)).get("/items/1", headers=given)
    assert HEX_ID.fullmatch(outsider.headers["x-request-id"])
    unix = TestClient(app, client=("testclient", 50000)).get("/items/1", headers=given)
    assert HEX_ID.fullmatch(unix.headers["x-request-id"])


def test_never_trusting_and_another_header_name(lines: Lines):
    app = make_app(lines, header="Request-Id", trust_incoming=False)
    response = TestClient(app).get("/items/1", headers={"Request-Id": "mine"})
    assert HEX_ID.fullmatch(response.headers["request-id"])
    assert "x-request-id" not in response.headers


def test_opted_out_routes_pay_nothing(lines: Lines):
    app = make_app(lines)
    response = TestClient(app).get("/health")
    assert "x-request-id" not in response.headers
    assert lines.records("pegboard.access") == []
    routes = {r.path: r for r in app.routes}
    assert routes["/health"].compiled.observers == ()  # type: ignore[attr-defined]


def test_routers_can_opt_out(lines: Lines):
    app = App(plugins=[request_logging(stream=lines)])
    quiet = Router(access_log=False)
    quiet.add_api_route("/ping", lambda: "pong")
    app.include_router(quiet, prefix="/internal")
    app.add_api_route("/seen", lambda: "yes")
    client = TestClient(app)
    client.get("/internal/ping")
    client.get("/seen")
    assert [r["route"] for r in lines.records("pegboard.access")] == ["/seen"]


def test_the_app_tells_pegboard_run_to_drop_the_servers_access_log(lines: Lines):
    assert make_app(lines).stash[ACCESS_LOG] == "logging"
    assert ACCESS_LOG not in App().stash


def test_configure_false_leaves_logging_alone(lines: Lines, caplog: pytest.LogCaptureFixture):
    root_handlers = list(logging.getLogger().handlers)
    app = App(plugins=[request_logging(configure=False)])
    app.add_api_route("/x", lambda: shop.warning("inside") or "done")
    assert logging.getLogger().handlers == root_handlers
    with caplog.at_level(logging.INFO):
        rid = TestClient(app).get("/x").headers["x-request-id"]
    ids = {(r.name, getattr(r, "request_id", None)) for r in caplog.records}
    assert ("shop", rid) in ids
    assert ("pegboard.access", rid) in ids
    assert lines.getvalue() == ""


def test_configuring_again_replaces_the_handler(lines: Lines):
    make_app(lines)
    make_app(lines)
    named = [h for h in logging.getLogger().handlers if h.get_name() == "pegboard_logging"]
    assert len(named) == 1


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork here")
def test_forked_workers_make_ids_of_their_own():
    ids = RequestIds.create("X-Request-ID", trust_incoming=False)
    scope: dict[str, Any] = {"type": "http", "headers": [], "client": None}
    ids.for_scope(scope)  # the generator is in use before the fork
    _, theirs = in_child(lambda: ids.for_scope(scope)).split()
    ours = ids.for_scope(scope)
    assert HEX_ID.fullmatch(theirs)
    assert theirs != ours
