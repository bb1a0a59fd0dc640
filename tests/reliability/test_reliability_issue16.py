"""Regression tests of issue 16: findings of an outside review that held before none of these.

One test (or group) per finding: the OpenAPI document cache under many root paths,
scope claims that are not a list of strings, a duplicated API-key cookie, unparsable
JSON read by a handler, background tasks that raise and streams cut short, cancelled
handlers, and ``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import BaseModel
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Route as StarletteRoute
from starlette.testclient import TestClient

from benchmarks.server import free_port
from pegboard import (
    App,
    BackgroundTasks,
    FileResponse,
    HTMLResponse,
    HTTPException,
    PlainTextResponse,
    Request,
)
from pegboard.encoders import json_dumps
from pegboard_di import Depends, di
from pegboard_openapi import get_openapi, openapi
from pegboard_openapi.document import _CACHE, RECENT_ROOT_PATHS
from pegboard_security import APIKeyCookie, SecurityScopes, security
from pegboard_validation import validation

from ..conftest import load_module
from .catalogue import JWT_SECRET, token
from .driver import LiveApp, RawResponse, send_raw
from .report import record_count
from .test_reliability_faults import listening, serve, stop, stream_until_gone, wait_for
from .wire import exchange

APPS = Path(__file__).resolve().parent / "apps"

# -- 1. the OpenAPI document under many root paths -----------------------------------------

TENANTS = 10_000
#: Resident memory the document may add for TENANTS distinct root paths (it was 15 KiB
#: per root path for the showcase: about 160 MiB).
TENANTS_GROWTH_KIB = 5 * 1024


@pytest.mark.parametrize("servers", [True, False], ids=["root path in servers", "not in servers"])
def test_the_openapi_document_under_10000_root_paths_keeps_memory_flat(servers: bool):
    args = [sys.executable, str(APPS / "tenants_rss.py"), str(TENANTS)]
    if not servers:
        args.append("--no-servers")
    done = subprocess.run(args, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    figures = json.loads(done.stdout.splitlines()[-1])
    record_count(
        f"RSS growth for {TENANTS} OpenAPI root paths"
        f"{'' if servers else ' (root_path_in_servers=False)'}, KiB",
        figures["growth_kib"],
    )
    assert figures["growth_kib"] < TENANTS_GROWTH_KIB, figures


def tenant_api(**settings: Any) -> App:
    api = App(plugins=[openapi(title="T", yaml_url="/openapi.yaml", **settings)])

    @api.get("/items")
    async def items() -> list[str]:
        return []

    return api


@pytest.mark.parametrize("listed", [(), ("https://example.com/v1",)])
def test_each_root_path_gets_its_own_servers_entry(listed: tuple[str, ...]):
    api = tenant_api(servers=listed)
    parent = App()
    parent.mount("/{tenant}", api)
    with TestClient(parent) as client:
        for tenant in ("a", "b", 'q"\\', "a"):
            response = client.get(f"/{tenant}/openapi.json")
            assert response.status_code == 200
            document = response.json()
            urls = [server["url"] for server in document["servers"]]
            assert urls == [f"/{tenant}", *listed]
            assert list(document) == ["openapi", "info", "servers", "paths"]
            # The same bytes as serializing the whole document for this root path.
            assert response.content == json_dumps(get_openapi(api, root_path=f"/{tenant}"))
            yaml_response = client.get(f"/{tenant}/openapi.yaml")
            assert f"- url: /{tenant}" in yaml_response.text or tenant == 'q"\\'
        assert "/items" in client.get("/a/openapi.json").json()["paths"]


def test_yaml_is_kept_for_a_few_root_paths_only():
    api = tenant_api()
    parent = App()
    parent.mount("/{tenant}", api)
    with TestClient(parent) as client:
        for n in range(RECENT_ROOT_PATHS * 3):
            assert client.get(f"/t{n}/openapi.yaml").text.count(f"url: /t{n}\n") == 1
    assert len(api.stash[_CACHE].recent) == RECENT_ROOT_PATHS


def test_without_root_path_in_servers_one_document_serves_every_root_path():
    api = tenant_api(root_path_in_servers=False)
    parent = App()
    parent.mount("/{tenant}", api)
    with TestClient(parent) as client:
        bodies = {client.get(f"/t{n}/openapi.json").content for n in range(50)}
        bodies |= {client.get(f"/t{n}/openapi.yaml").content for n in range(5)}
    assert len(bodies) == 2
    assert b"servers" not in b"".join(bodies)
    assert not api.stash[_CACHE].recent


# -- 2. scope claims are input ----------------------------------------------------------------

#: ``scope`` claims that are neither a space-separated string nor a list of strings.
MALFORMED_SCOPES: dict[str, Any] = {
    "an int": 5,
    "a float": 1.5,
    "true": True,
    "a dict whose keys name the scopes": {"me": 0, "items:read": 0, "items:write": 0},
    "a list with an int": ["me", 5],
    "a list with null": ["me", None],
    "a nested list": [["me"], "items:read"],
    "a list with a dict": ["me", {"items:read": 1}],
    "a dict of lists": {"me": ["items:read"]},
}


@pytest.fixture(scope="module")
def jwt_client() -> Any:
    module = load_module("examples/oauth2_jwt/app.py")
    with TestClient(module.create_app(secret_key=JWT_SECRET), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize("claim", MALFORMED_SCOPES.values(), ids=list(MALFORMED_SCOPES))
@pytest.mark.parametrize("path", ["/users/me", "/users/me/items", "/health"])
def test_a_scope_claim_that_is_not_strings_is_refused(jwt_client: Any, claim: Any, path: str):
    response = jwt_client.get(
        path, headers={"authorization": f"Bearer {token({'scope': claim}).decode()}"}
    )
    if path == "/health":  # no token needed
        assert response.status_code == 200
        return
    assert response.status_code == 401, response.text
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    assert response.json() == {"detail": "Could not validate credentials"}


def test_check_refuses_malformed_granted_scopes_even_when_none_are_required():
    required, none_required = SecurityScopes(["me"]), SecurityScopes()
    for claim in MALFORMED_SCOPES.values():
        for scopes in (required, none_required):
            with pytest.raises(HTTPException) as info:
                scopes.check(claim)
            assert info.value.status_code == 401, claim
    # Well-formed claims still work: a string, a list or a tuple of strings, or none.
    required.check("me other")
    required.check(["other", "me"])
    required.check(("me",))
    none_required.check(None)
    none_required.check("")


def test_a_well_formed_scope_list_claim_is_accepted(jwt_client: Any):
    claims = {"scope": ["me", "items:read"]}
    response = jwt_client.get(
        "/users/me", headers={"authorization": f"Bearer {token(claims).decode()}"}
    )
    assert response.status_code == 200
    response = jwt_client.get(
        "/users/me",
        headers={"authorization": f"Bearer {token({'scope': ['items:read']}).decode()}"},
    )
    assert response.status_code == 403


# -- 3. a duplicated API-key cookie -----------------------------------------------------------


COOKIE_KEY = APIKeyCookie(name="key")


@pytest.fixture(scope="module")
def cookie_client() -> Any:
    app = App(plugins=[di(), security()])

    @app.get("/")
    async def read(key: Annotated[str, Depends(COOKIE_KEY)]) -> str:
        return key

    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize(
    "cookies",
    [
        [b"key=first; key=second"],
        [b"key=same; key=same"],
        [b"key=first;key=second"],
        [b"other=1; key=first; x=2; key=second"],
        [b" key = first ; key=second"],
        [b'key="first"; key=second'],
        [b"key=first", b"key=second"],  # two Cookie headers
    ],
    ids=lambda cookies: " | ".join(c.decode() for c in cookies),
)
def test_an_api_key_cookie_sent_twice_is_malformed(cookie_client: Any, cookies: list[bytes]):
    headers = [(b"cookie", value) for value in cookies]
    response = cookie_client.get("/", headers=headers)
    assert response.status_code == 401, response.text
    assert response.json() == {"detail": "Multiple key cookies"}
    assert response.headers["www-authenticate"] == "APIKey"


@pytest.mark.parametrize(
    ("cookie", "key"),
    [
        (b"key=first", "first"),
        (b"other=1; key=first", "first"),
        (b"key=first; keyx=2; xkey=3", "first"),
        (b'key="first"', "first"),
    ],
)
def test_one_api_key_cookie_is_read(cookie_client: Any, cookie: bytes, key: str):
    response = cookie_client.get("/", headers=[(b"cookie", cookie)])
    assert response.status_code == 200
    assert response.json() == key


# -- 4. a handler reading unparsable JSON ---------------------------------------------------

UNPARSABLE_JSON = {
    "syntax": (b'{"a": ', "Invalid JSON body: Expecting value at line 1, column 7"),
    "trailing data": (b'{"a": 1} x', "Invalid JSON body: Extra data at line 1, column 10"),
    "empty": (b"", "Invalid JSON body: Expecting value at line 1, column 1"),
    "nested 100 000 deep": (
        b"[" * 100_000 + b"]" * 100_000,
        "Invalid JSON body: nested too deeply",
    ),
    "objects nested 50 000 deep": (
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        "Invalid JSON body: nested too deeply",
    ),
    "invalid UTF-8": (b'{"a": "\xff\xfe"}', "Invalid JSON body: not valid UTF-8 at byte 7"),
    "a lone surrogate escape is valid JSON": (b'"\\ud800"', None),
}


@pytest.fixture
def faults() -> Any:
    return load_module("tests/reliability/apps/faults.py")


@pytest.mark.parametrize("path", ["/raw-json", "/raw-json-starlette"])
@pytest.mark.parametrize(("body", "detail"), UNPARSABLE_JSON.values(), ids=list(UNPARSABLE_JSON))
def test_request_json_answers_400_for_a_body_it_cannot_parse(
    faults: Any, path: str, body: bytes, detail: str | None
):
    with LiveApp(faults.app) as live:
        response = live.send("POST", path, [("content-type", "application/json")], [body])
    assert response.error is None, repr(response.error)
    if detail is None:
        assert response.status == 200
        return
    assert response.status == 400, response.body[:200]
    assert response.header("content-type") == "application/json"
    assert json.loads(response.body) == {"detail": detail}
    if path == "/raw-json":  # the request's dependencies saw it fail
        assert "request teardown after InvalidJSONBody" in faults.EVENTS


def test_request_json_still_raises_a_json_decode_error_for_starlette_code(faults: Any):
    with TestClient(faults.app) as client:
        assert client.post("/raw-json-caught", content=b"{").json() == {"caught": "JSONDecodeError"}
        assert client.post("/raw-json-caught", content=b"[" * 10**5).json() == {
            "caught": "JSONDecodeError"
        }
        assert client.post("/raw-json-caught", content=b"{}").json() == {"caught": "nothing"}
        assert client.post("/raw-json", content=b'{"a": [1]}').json() == {"type": "dict"}


# -- 6. a cancelled handler -----------------------------------------------------------------


async def call_catching_everything(app: Any, path: str) -> RawResponse | BaseException:
    try:
        return await send_raw(app, "GET", path.encode())
    except BaseException as exc:
        return exc


@pytest.mark.parametrize("path", ["/cancelled", "/cancelled-plain"])
def test_a_handler_that_raises_cancelled_error_is_pegboards_json_500(faults: Any, path: str):
    with LiveApp(faults.app) as live:
        assert live.client.portal is not None
        response = live.client.portal.call(call_catching_everything, faults.app, path)
        assert isinstance(response, RawResponse), repr(response)
        assert response.status == 500
        assert response.header("content-type") == "application/json"
        assert response.body == b'{"detail":"Internal Server Error"}'
        # Re-raised for the server to log, as any handler error.
        assert isinstance(response.error, RuntimeError)
        assert isinstance(response.error.__cause__, asyncio.CancelledError)
        if path == "/cancelled":
            assert "request teardown after CancelledError" in faults.EVENTS
        assert live.send("GET", "/ok").status == 200


def test_a_handler_cancelled_from_outside_stays_cancelled(faults: Any):
    # A real cancellation (a timeout around the app, a server shutting down) is not
    # turned into a response: the task must end cancelled.
    async def cancel_midway() -> bool:
        task = asyncio.ensure_future(send_raw(faults.app, "GET", b"/slow?seconds=5"))
        await asyncio.sleep(0.2)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            return True
        return False

    with LiveApp(faults.app) as live:
        assert live.client.portal is not None
        assert live.client.portal.call(cancel_midway)


@pytest.mark.slow
def test_under_uvicorn_a_cancelled_handler_is_json(faults: Any):
    port = free_port()
    process = serve("faults.py", port)
    try:
        assert wait_for(lambda: listening(port), timeout=30), "the server did not start"
        response = exchange(port, b"GET /cancelled HTTP/1.1\r\nHost: x\r\n\r\n", timeout=10)
        # The server logs the error once the app returns; a second request lets it.
        after = exchange(port, b"GET /ok HTTP/1.1\r\nHost: x\r\n\r\n", timeout=10)
        assert after.status == 200
        time.sleep(0.2)
    finally:
        output = stop(process)
    assert response.status == 500, output
    assert response.header("content-type") == "application/json", response.raw
    assert response.body == b'{"detail":"Internal Server Error"}'
    assert "CancelledError" in output  # logged by the server, with the traceback


# -- 5. background tasks that raise, and streams cut short ----------------------------------


@pytest.mark.parametrize("path", ["/background-fails", "/background-fails-response"])
def test_a_failing_background_task_does_not_reach_the_dependencies(
    faults: Any, path: str, caplog: pytest.LogCaptureFixture
):
    with LiveApp(faults.app) as live:
        response = live.send("POST", path)
    assert response.status == 200
    assert json.loads(response.body) == {"done": True}
    assert response.error is None  # nothing for the server: pegboard logged it
    what = "tasks" if path == "/background-fails" else "response"
    assert f"background {what} ran" in faults.EVENTS
    teardowns = [e for e in faults.EVENTS if e.startswith("request teardown")]
    assert teardowns == ["request teardown"]  # the work reported as done stays done
    failures = [r for r in caplog.records if r.exc_info and r.name == "pegboard"]
    assert len(failures) == 1, caplog.records
    assert path in failures[0].getMessage()
    assert str(failures[0].exc_info[1]) == f"background {what} failed"


@pytest.mark.parametrize("spec_version", ["2.3", "2.4"])
@pytest.mark.parametrize("path", ["/events", "/lines", "/lines-then-task"])
def test_a_stream_cut_short_is_not_reported_as_success(faults: Any, path: str, spec_version: str):
    with LiveApp(faults.app) as live:
        assert live.client.portal is not None
        received, _ = live.client.portal.call(
            lambda: stream_until_gone(faults.app, path, chunks=3, spec_version=spec_version)
        )
        assert len(received) == 3
        teardowns = [e for e in faults.EVENTS if e.startswith("request teardown")]
        assert teardowns == ["request teardown after ClientDisconnect"], faults.EVENTS
        # Nothing the response would have been followed by runs for an unfinished one.
        assert "background after the stream ran" not in faults.EVENTS


def test_a_stream_read_to_the_end_is_a_success(faults: Any):
    with TestClient(faults.app) as client:
        response = client.get("/lines-then-task")
    assert response.status_code == 200
    assert len(response.text.splitlines()) == 1000
    assert [e for e in faults.EVENTS if e.startswith("request teardown")] == ["request teardown"]
    assert "background after the stream ran" in faults.EVENTS


# -- 8. X-Content-Type-Options: nosniff on every response -----------------------------------


class Echo(BaseModel):
    n: int


def every_kind_of_response(tmp_path: Path, **app_options: Any) -> App:
    """An app answering every way pegboard can: JSON, errors, HTML, streams, files, ..."""
    asset = tmp_path / "asset.txt"
    asset.write_text("plain file")
    app = App(plugins=[validation(), openapi()], max_body_size=16, **app_options)

    @app.get("/json")
    async def json_route() -> dict[str, int]:
        return {"n": 1}

    @app.get("/plain")
    def plain_route() -> str:  # no parameters at all
        return "x"

    @app.post("/echo")
    async def echo(item: Echo, tasks: BackgroundTasks) -> Echo:
        return item

    @app.get("/html")
    async def html() -> HTMLResponse:
        return HTMLResponse("<p>hi</p>")

    @app.get("/set-by-handler")
    async def set_by_handler() -> PlainTextResponse:
        return PlainTextResponse("x", headers={"X-Content-Type-Options": "nosniff"})

    @app.get("/stream")
    async def stream() -> AsyncIterator[dict[str, int]]:
        for n in range(3):
            yield {"n": n}

    @app.get("/file")
    async def file() -> FileResponse:
        return FileResponse(asset)

    @app.get("/error/{code:int}")
    async def error(code: int) -> None:
        raise HTTPException(code, "no")

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("boom")

    @app.post("/raw")
    async def raw(request: Request) -> Any:
        return await request.json()

    @app.get("/slash/")
    async def slash() -> str:
        return "slash"

    app.mount(
        "/starlette", Starlette(routes=[StarletteRoute("/", lambda r: PlainTextResponse("s"))])
    )
    return app


JSON_HEADERS = {"content-type": "application/json"}
NOSNIFF_REQUESTS = [
    ("GET", "/json", None, 200),
    ("GET", "/plain", None, 200),
    ("POST", "/echo", b'{"n": 1}', 200),
    ("POST", "/echo", b'{"n": "x"}', 422),
    ("POST", "/echo", b"x" * 100, 413),
    ("GET", "/html", None, 200),
    ("GET", "/stream", None, 200),
    ("GET", "/file", None, 200),
    ("GET", "/error/400", None, 400),
    ("GET", "/error/404", None, 404),
    ("GET", "/boom", None, 500),
    ("POST", "/raw", b"[" * 10, 400),
    ("GET", "/nowhere", None, 404),
    ("DELETE", "/json", None, 405),
    ("GET", "/slash", None, 307),
    ("GET", "/openapi.json", None, 200),
    ("GET", "/starlette/", None, 200),
    ("GET", "/set-by-handler", None, 200),
]


@pytest.mark.parametrize("middleware", [False, True], ids=["no middleware", "with middleware"])
@pytest.mark.parametrize(("method", "path", "body", "status"), NOSNIFF_REQUESTS)
def test_every_response_says_nosniff(
    tmp_path: Path, middleware: bool, method: str, path: str, body: bytes | None, status: int
):
    options: dict[str, Any] = {"middleware": [Middleware(GZipMiddleware)]} if middleware else {}
    app = every_kind_of_response(tmp_path, **options)
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        response = client.request(method, path, content=body, headers=JSON_HEADERS)
    assert response.status_code == status, response.text
    assert response.headers.get_list("x-content-type-options") == ["nosniff"]


@pytest.mark.parametrize(("method", "path", "body", "status"), NOSNIFF_REQUESTS)
def test_nosniff_false_turns_it_off(
    tmp_path: Path, method: str, path: str, body: bytes | None, status: int
):
    app = every_kind_of_response(tmp_path, nosniff=False)
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        response = client.request(method, path, content=body, headers=JSON_HEADERS)
    assert response.status_code == status
    expected = ["nosniff"] if path == "/set-by-handler" else []  # a handler's own stays
    assert response.headers.get_list("x-content-type-options") == expected


def test_nosniff_in_the_showcase(showcase: Any):
    with TestClient(showcase.app) as client:
        for path in ("/books", "/openapi.json", "/docs", "/books/999999", "/nowhere"):
            assert client.get(path).headers["x-content-type-options"] == "nosniff", path
