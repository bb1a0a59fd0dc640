"""Raw ASGI: the floor. No framework, just enough code to serve the endpoints.

Routing is a dict lookup on (method, first path segment, segment count), so
this is the "cheapest possible" reference, not a realistic router.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from pydantic import ValidationError

from .common import PLAIN, TOKEN, USER, Item, parse_item_params, to_out

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Response = tuple[int, bytes, list[tuple[bytes, bytes]]]
RouteKey = tuple[str, str, int]
Handler = Callable[[Scope, Receive, list[str]], Awaitable[Response]]

JSON_HEADERS = [(b"content-type", b"application/json")]


def json_response(
    data: object, status: int = 200, extra: list[tuple[bytes, bytes]] | None = None
) -> Response:
    # Same compact encoding as Starlette's JSONResponse.
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    return status, body, JSON_HEADERS + (extra or [])


def header(scope: Scope, name: bytes) -> str | None:
    headers: list[tuple[bytes, bytes]] = scope["headers"]
    for key, value in headers:
        if key == name:
            return value.decode("latin-1")
    return None


async def read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def plain(scope: Scope, receive: Receive, parts: list[str]) -> Response:
    return json_response(PLAIN)


async def get_item(scope: Scope, receive: Receive, parts: list[str]) -> Response:
    query = dict(parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True))
    body = parse_item_params(parts[1], query.get("q"), query.get("limit"))
    if body is None:
        return json_response({"detail": "validation error"}, 422)
    return json_response(body)


async def create_item(scope: Scope, receive: Receive, parts: list[str]) -> Response:
    try:
        item = Item.model_validate_json(await read_body(receive))
    except ValidationError as exc:
        return 422, exc.json(include_url=False).encode(), JSON_HEADERS
    return 201, to_out(item).model_dump_json().encode(), JSON_HEADERS


class MissingHeader(Exception):
    pass


async def dep_a(scope: Scope) -> str:
    value = header(scope, b"x-a")
    if value is None:
        raise MissingHeader("x-a")
    return value


async def dep_b(scope: Scope) -> str:
    value = header(scope, b"x-b")
    if value is None:
        raise MissingHeader("x-b")
    return value


async def dep_combined(scope: Scope) -> dict[str, str]:
    a = await dep_a(scope)
    b = await dep_b(scope)
    return {"a": a, "b": b, "combined": f"{a}-{b}"}


async def deps(scope: Scope, receive: Receive, parts: list[str]) -> Response:
    try:
        return json_response(await dep_combined(scope))
    except MissingHeader:
        return json_response({"detail": "validation error"}, 422)


async def secure(scope: Scope, receive: Receive, parts: list[str]) -> Response:
    scheme, _, token = (header(scope, b"authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or token != TOKEN:
        return json_response(
            {"detail": "Not authenticated"}, 401, [(b"www-authenticate", b"Bearer")]
        )
    return json_response(USER)


def make_app(routes: dict[RouteKey, Handler]) -> Callable[..., Awaitable[None]]:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        parts = scope["path"].strip("/").split("/")
        handler = routes.get((scope["method"], parts[0], len(parts)))
        if handler is None:
            status, body, headers = json_response({"detail": "Not Found"}, 404)
        else:
            status, body, headers = await handler(scope, receive, parts)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


app = make_app(
    {
        ("GET", "plain", 1): plain,
        ("GET", "items", 2): get_item,
        ("POST", "items", 1): create_item,
        ("GET", "deps", 1): deps,
        ("GET", "secure", 1): secure,
    }
)


def _route_handler(i: int) -> Handler:
    async def endpoint(scope: Scope, receive: Receive, parts: list[str]) -> Response:
        item_id = parts[1]
        if not (item_id.isascii() and item_id.isdigit()):
            return json_response({"detail": "Not Found"}, 404)
        return json_response({"route": i, "id": int(item_id)})

    return endpoint


def build_many_routes(n: int) -> Callable[..., Awaitable[None]]:
    return make_app({("GET", f"r{i}", 2): _route_handler(i) for i in range(n)})
