"""The compression plugin: negotiation, what is and is not compressed, startup errors.

Only the core and this plugin are enabled. Bodies are read raw (``iter_raw``), so the
client never decodes them behind the test's back.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import brotli
import pytest
from backports import zstd
from starlette.testclient import TestClient

from pegboard import (
    App,
    ConfigurationError,
    EventSourceResponse,
    HTTPException,
    PlainTextResponse,
    Response,
    RouteDefinitionError,
    Router,
    WebSocket,
)
from pegboard.testing import check_plugin
from pegboard_compression import (
    Compress,
    CompressionMiddleware,
    available,
    compression,
    parse_accept_encoding,
)
from pegboard_compression import codecs as codecs_module

BIG = {"items": [{"id": n, "name": f"item number {n}"} for n in range(100)]}
BIG_BYTES = json.dumps(BIG, separators=(",", ":")).encode()

DECODE = {
    "gzip": gzip.decompress,
    "br": brotli.decompress,
    "zstd": zstd.decompress,
}


def make_app(**plugin_options: Any) -> App:
    app = App(plugins=[compression(**plugin_options)])

    @app.get("/big")
    async def big() -> dict[str, Any]:
        return BIG

    @app.get("/small")
    async def small() -> dict[str, str]:
        return {"hello": "world"}

    @app.get("/off", compress=False)
    async def off() -> dict[str, Any]:
        return BIG

    return app


def fetch(client: TestClient, path: str, accept: str | None, method: str = "GET") -> Any:
    """The response and its body exactly as sent."""
    if accept is None:
        client.headers.pop("accept-encoding", None)  # the client's default
        headers = {}
    else:
        headers = {"accept-encoding": accept.encode("latin-1")}
    with client.stream(method, path, headers=headers) as response:
        raw = b"".join(response.iter_raw())
    return response, raw


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(make_app()) as client:
        yield client


# -- what gets compressed ------------------------------------------------------------


@pytest.mark.parametrize("coding", ["gzip", "br", "zstd"])
def test_each_coding_is_negotiated_and_decodes_to_the_body(client: TestClient, coding: str):
    response, raw = fetch(client, "/big", coding)
    assert response.status_code == 200
    assert response.headers["content-encoding"] == coding
    assert response.headers["vary"] == "Accept-Encoding"
    assert int(response.headers["content-length"]) == len(raw) < len(BIG_BYTES)
    assert DECODE[coding](raw) == BIG_BYTES


def test_all_three_are_available_here():
    assert available() == ("zstd", "br", "gzip")


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        ("gzip", "gzip"),
        ("gzip, deflate, br, zstd", "zstd"),  # a browser: the server's preference wins ties
        ("gzip, deflate, br", "br"),
        ("gzip;q=1.0, br;q=0.5", "gzip"),
        ("br;q=0.8, gzip;q=0.9, zstd;q=0.1", "gzip"),
        ("GZIP", "gzip"),
        ("*", "zstd"),
        ("zstd;q=0, *", "br"),
        ("*;q=0.5, gzip;q=1", "gzip"),
        ("x-unknown, gzip;q=0.001", "gzip"),
        ("gzip;q=0.5, identity", None),  # identity is preferred
        ("gzip;q=0", None),
        ("*;q=0", None),
        ("identity;q=0, gzip;q=0", None),  # nothing acceptable: sent as it is, not 406
        ("identity", None),
        ("deflate", None),
        ("", None),
    ],
)
def test_q_values_choose_the_coding(client: TestClient, accept: str, chosen: str | None):
    response, raw = fetch(client, "/big", accept)
    assert response.headers.get("content-encoding") == chosen
    assert response.headers["vary"] == "Accept-Encoding"
    body = raw if chosen is None else DECODE[chosen](raw)
    assert body == BIG_BYTES


def test_no_accept_encoding_gets_identity_with_vary(client: TestClient):
    response, raw = fetch(client, "/big", None)
    assert "content-encoding" not in response.headers
    assert response.headers["vary"] == "Accept-Encoding"
    assert raw == BIG_BYTES
    assert int(response.headers["content-length"]) == len(BIG_BYTES)


@pytest.mark.parametrize(
    "accept",
    [
        ";;;,,,",
        "gzip;q=abc",
        "gzip;q=2",
        "gzip;q=nan",
        "gzip;q=-1",
        "gzip;q=0.12345",
        "gzip;;q",
        "g\u00e9zip, br;q=0.5",
        "gzip" + ", x" * 5000,
        "=, ;q=1",
        "\t gzip \t; q = 0.5 ",
    ],
)
def test_a_malformed_accept_encoding_is_never_a_500(client: TestClient, accept: str):
    response, raw = fetch(client, "/big", accept)
    assert response.status_code == 200
    coding = response.headers.get("content-encoding")
    assert (raw if coding is None else DECODE[coding](raw)) == BIG_BYTES


def test_the_parser_skips_malformed_entries():
    assert parse_accept_encoding("gzip;q=2, br;q=0.5, zstd;q=x, *") == {"br": 0.5, "*": 1.0}
    assert parse_accept_encoding("GZip ; Q=0.25, gzip;q=1") == {"gzip": 0.25}
    assert parse_accept_encoding("") == {}


def test_distinct_headers_are_remembered_only_up_to_a_bound():
    plugin = compression()
    app = App(plugins=[plugin])
    app.get("/small")(lambda: "small")
    with TestClient(app) as client:
        for n in range(600):
            assert fetch(client, "/small", f"gzip, x-{n}")[0].status_code == 200
    (negotiator,) = plugin._negotiators.values()
    assert 0 < len(negotiator._known) <= 512


def test_small_bodies_go_out_as_they_are_with_vary(client: TestClient):
    response, raw = fetch(client, "/small", "gzip")
    assert "content-encoding" not in response.headers
    assert response.headers["vary"] == "Accept-Encoding"
    assert raw == b'{"hello":"world"}'


def test_minimum_size_is_the_plugins_and_a_routes_own():
    app = App(plugins=[compression(minimum_size=0)])

    @app.get("/tiny")
    async def tiny() -> str:
        return "x"

    @app.get("/big-only", compress=Compress(minimum_size=100_000))
    async def big_only() -> dict[str, Any]:
        return BIG

    with TestClient(app) as client:
        assert fetch(client, "/tiny", "gzip")[0].headers["content-encoding"] == "gzip"
        assert "content-encoding" not in fetch(client, "/big-only", "gzip")[0].headers


def test_head_is_not_compressed_but_varies(client: TestClient):
    response, raw = fetch(client, "/big", "gzip", method="HEAD")
    assert raw == b""
    assert "content-encoding" not in response.headers
    assert response.headers["vary"] == "Accept-Encoding"


# -- what is left alone ---------------------------------------------------------------


def test_a_route_that_opts_out_gets_no_middleware_at_all(client: TestClient):
    response, raw = fetch(client, "/off", "gzip")
    assert "content-encoding" not in response.headers
    assert "vary" not in response.headers
    assert raw == BIG_BYTES
    # Compiled exactly as without the plugin: the core's own endpoint, nothing around it.
    routes = {r.path: r for r in client.app.routes if hasattr(r, "compiled")}
    assert routes["/off"].compiled.app.__name__ == "plain_endpoint"
    assert routes["/big"].compiled.app.__name__ != "plain_endpoint"


def test_the_app_can_default_to_off_and_routes_opt_in():
    app = App(plugins=[compression()], compress=False)
    api = Router(prefix="/api", compress=True)

    @app.get("/page")
    async def page() -> dict[str, Any]:
        return BIG

    @api.get("/data")
    async def data() -> dict[str, Any]:
        return BIG

    app.include_router(api)
    with TestClient(app) as client:
        assert "content-encoding" not in fetch(client, "/page", "gzip")[0].headers
        assert fetch(client, "/api/data", "gzip")[0].headers["content-encoding"] == "gzip"


def test_an_encoded_response_is_left_as_it_is():
    app = App(plugins=[compression()])
    packed = gzip.compress(BIG_BYTES)

    @app.get("/packed")
    async def packed_route() -> Response:
        return Response(packed, media_type="application/json", headers={"Content-Encoding": "gzip"})

    with TestClient(app) as client:
        response, raw = fetch(client, "/packed", "br")
    assert response.headers["content-encoding"] == "gzip"
    assert raw == packed


@pytest.mark.parametrize(
    ("media_type", "compressed"),
    [
        ("image/png", False),
        ("application/zip", False),
        ("application/octet-stream", False),
        ("text/html; charset=utf-8", True),
        ("application/problem+json", True),
        ("image/svg+xml", True),
        ("text/css", True),
    ],
)
def test_only_compressible_media_types(media_type: str, compressed: bool):
    app = App(plugins=[compression()])

    @app.get("/file")
    async def file() -> Response:
        return Response(BIG_BYTES, media_type=media_type)

    with TestClient(app) as client:
        response, _ = fetch(client, "/file", "gzip")
    assert ("content-encoding" in response.headers) is compressed
    assert response.headers["vary"] == "Accept-Encoding"


def test_extra_content_types_can_be_added():
    app = App(plugins=[compression(content_types=["application/vnd.pegboard"])])

    @app.get("/vnd")
    async def vnd() -> Response:
        return Response(BIG_BYTES, media_type="application/vnd.pegboard")

    with TestClient(app) as client:
        assert fetch(client, "/vnd", "gzip")[0].headers["content-encoding"] == "gzip"


def test_no_transform_ranges_and_bodiless_statuses_are_left_alone():
    app = App(plugins=[compression(minimum_size=0)])

    @app.get("/no-transform")
    async def no_transform() -> Response:
        return Response(
            BIG_BYTES, media_type="text/plain", headers={"Cache-Control": "no-transform"}
        )

    @app.get("/partial")
    async def partial() -> Response:
        return Response(
            BIG_BYTES[:10],
            status_code=206,
            media_type="text/plain",
            headers={"Content-Range": f"bytes 0-9/{len(BIG_BYTES)}"},
        )

    @app.get("/empty", status_code=204)
    async def empty() -> None:
        return None

    with TestClient(app) as client:
        for path in ("/no-transform", "/partial", "/empty"):
            response, _ = fetch(client, path, "gzip")
            assert "content-encoding" not in response.headers, path
            assert response.headers["vary"] == "Accept-Encoding", path


def test_existing_vary_is_extended_and_a_strong_etag_weakened():
    app = App(plugins=[compression()])

    @app.get("/tagged")
    async def tagged() -> Response:
        return Response(
            BIG_BYTES, media_type="application/json", headers={"Vary": "Origin", "ETag": '"v1"'}
        )

    @app.get("/star")
    async def star() -> Response:
        return Response(BIG_BYTES, media_type="application/json", headers={"Vary": "*"})

    with TestClient(app) as client:
        response, _ = fetch(client, "/tagged", "gzip")
        assert response.headers["vary"] == "Origin, Accept-Encoding"
        assert response.headers["etag"] == 'W/"v1"'
        plain, _ = fetch(client, "/tagged", "identity")
        assert plain.headers["etag"] == '"v1"'
        assert fetch(client, "/star", "gzip")[0].headers["vary"] == "*"


def test_errors_vary_too(client: TestClient):
    app = App(plugins=[compression()])

    @app.get("/fail")
    async def fail() -> None:
        raise HTTPException(404, "x" * 1000)

    with TestClient(app) as client:
        response, raw = fetch(client, "/fail", "gzip")
    assert response.status_code == 404
    assert response.headers["vary"] == "Accept-Encoding"
    assert json.loads(gzip.decompress(raw)) == {"detail": "x" * 1000}


# -- streams and server-sent events ---------------------------------------------------


def stream_app(**route_options: Any) -> App:
    app = App(plugins=[compression(minimum_size=0)])

    @app.get("/lines", **route_options)
    async def lines() -> AsyncIterator[dict[str, Any]]:
        for n in range(50):
            yield {"n": n, "text": "the same words again"}

    @app.get("/events", response_class=EventSourceResponse, **route_options)
    async def events() -> AsyncIterator[dict[str, Any]]:
        for n in range(3):
            yield {"tick": n}

    @app.get("/text-stream", **route_options)
    async def text_stream() -> Response:
        async def chunks() -> AsyncIterator[bytes]:
            yield b"a" * 1000
            yield b"b" * 1000

        from pegboard import StreamingResponse

        return StreamingResponse(chunks(), media_type="text/plain")

    return app


def test_streams_and_events_are_not_compressed_unless_asked():
    with TestClient(stream_app()) as client:
        for path in ("/lines", "/events", "/text-stream"):
            response, raw = fetch(client, path, "gzip")
            assert "content-encoding" not in response.headers, path
            assert response.headers["vary"] == "Accept-Encoding", path
            assert raw


def test_a_route_can_ask_for_its_streams_compressed():
    with TestClient(stream_app(compress=Compress(streams=True))) as client:
        response, raw = fetch(client, "/lines", "gzip")
        assert response.headers["content-encoding"] == "gzip"
        assert "content-length" not in response.headers
        lines = gzip.decompress(raw).decode().splitlines()
        assert [json.loads(line)["n"] for line in lines] == list(range(50))
        for coding in ("br", "zstd"):
            response, raw = fetch(client, "/events", coding)
            assert response.headers["content-encoding"] == coding
            assert DECODE[coding](raw).count(b"data: ") == 3
        assert DECODE["gzip"](fetch(client, "/text-stream", "gzip")[1]) == b"a" * 1000 + b"b" * 1000


@pytest.mark.parametrize("coding", ["gzip", "br", "zstd"])
def test_each_streamed_chunk_is_flushed_so_events_arrive_at_once(coding: str):
    # The middleware alone, as a route would use it: every chunk it sends must decode
    # on its own to what the app sent, before the stream ends.
    from pegboard_compression.negotiation import Negotiator

    chunks = [b"data: one\n\n", b"data: two\n\n", b"data: three\n\n"]

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"text/event-stream")],
            }
        )
        for chunk in chunks:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    middleware = CompressionMiddleware(
        app,
        codecs={coding: codecs_module.codec(coding)},
        negotiator=Negotiator([coding]),
        minimum_size=0,
        streams=True,
    )
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "headers": [(b"accept-encoding", coding.encode())]}
    asyncio.run(middleware(scope, None, send))
    if coding == "gzip":
        decoder: Any = zlib.decompressobj(31)
        decode = decoder.decompress
    elif coding == "br":
        decoder = brotli.Decompressor()
        decode = decoder.process
    else:
        decoder = zstd.ZstdDecompressor()
        decode = decoder.decompress
    bodies = [m["body"] for m in sent[1:]]
    assert [decode(body) for body in bodies[:3]] == chunks


# -- mistakes found at startup --------------------------------------------------------


@pytest.mark.parametrize("value", ["yes", 1, None, {"streams": True}])
def test_a_bad_option_value_is_a_startup_error_naming_the_route(value: Any):
    app = App(plugins=[compression()])
    with pytest.raises(RouteDefinitionError) as info:
        app.get("/x", compress=value)(lambda: 1)
    assert "GET /x" in str(info.value)
    assert "compress=" in str(info.value)
    assert "Compress(" in str(info.value)


def test_a_route_coding_the_plugin_does_not_offer_is_a_startup_error():
    app = App(plugins=[compression(encodings=["gzip"])])
    with pytest.raises(RouteDefinitionError, match=r"GET /x asks for the coding 'br'"):
        app.get("/x", compress=Compress(encodings=["br"]))(lambda: 1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"minimum_size": -1}, "a number of bytes"),
        ({"minimum_size": True}, "a number of bytes"),
        ({"streams": "yes"}, "streams"),
        ({"encodings": "gzip"}, "non-empty list"),
        ({"encodings": []}, "non-empty list"),
    ],
)
def test_bad_policy_values_fail_when_made(kwargs: dict[str, Any], message: str):
    with pytest.raises((ConfigurationError, TypeError), match=message):
        Compress(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"encodings": ["lzma"]}, "does not know the coding 'lzma'"),
        ({"encodings": "gzip"}, "non-empty list"),
        ({"encodings": []}, "non-empty list"),
        ({"levels": {"gzip": 10}}, "from 0 to 9"),
        ({"levels": {"zstd": 0}}, "from 1 to 19"),
        ({"encodings": ["gzip"], "levels": {"br": 4}}, "not among the encodings"),
        ({"minimum_size": -5}, "a number of bytes"),
    ],
)
def test_bad_plugin_options_fail_when_made(kwargs: dict[str, Any], message: str):
    with pytest.raises(ConfigurationError, match=message):
        compression(**kwargs)


def test_a_missing_library_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch):
    known = dict(codecs_module._IMPLEMENTATIONS)
    known["br"] = (None, *known["br"][1:])
    monkeypatch.setattr(codecs_module, "_IMPLEMENTATIONS", known)
    assert codecs_module.available() == ("zstd", "gzip")
    assert list(compression().codecs) == ["zstd", "gzip"]
    with pytest.raises(ConfigurationError) as info:
        compression(encodings=["br", "gzip"])
    assert 'pip install "pegboard[brotli]"' in str(info.value)


def test_websocket_routes_are_left_alone():
    app = App(plugins=[compression()])

    @app.websocket("/ws")
    async def ws(websocket: WebSocket) -> None:
        await websocket.accept()
        await websocket.send_text("hi")
        await websocket.close()

    with TestClient(app) as client, client.websocket_connect("/ws") as websocket:
        assert websocket.receive_text() == "hi"


# -- as a plugin ----------------------------------------------------------------------


def test_the_plugin_passes_pegboards_own_plugin_checks():
    check_plugin(compression, alongside=())


def test_it_is_enabled_by_its_installed_name():
    app = App(plugins=["compression"])

    @app.get("/text")
    async def text() -> PlainTextResponse:
        return PlainTextResponse("words " * 200)

    with TestClient(app) as client:
        response, raw = fetch(client, "/text", "gzip")
    assert response.headers["content-encoding"] == "gzip"
    assert gzip.decompress(raw) == ("words " * 200).encode()
