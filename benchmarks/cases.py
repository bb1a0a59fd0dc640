"""The requests every benchmark sends, and what every app must answer to them.

Shared by the in-process and the over-the-wire modes, so both check and time the
same requests.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Case:
    """One request and what every framework must answer to it."""

    name: str
    method: str
    path: str
    status: int
    query: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    # Expected JSON body; None means "status (and expect_headers) only".
    expect: Any = None
    expect_headers: tuple[tuple[str, str], ...] = ()
    many_routes: bool = False  # served by build_many_routes(n) instead of app

    @property
    def target(self) -> str:
        """The request target: path and query string."""
        return f"{self.path}?{self.query}" if self.query else self.path


ITEM = {
    "name": "widget",
    "price": 9.5,
    "tags": ["a", "b"],
    "owner": {"name": "bob", "email": "bob@example.com"},
    "internal_note": "from-client",  # accepted on input, must not be echoed
}
ITEM_OUT = {k: v for k, v in ITEM.items() if k != "internal_note"}
JSON_CT = (("content-type", "application/json"),)
BEARER = (("www-authenticate", "Bearer"),)


def get(name: str, path: str, status: int = 200, **kwargs: Any) -> Case:
    return Case(name, "GET", path, status, **kwargs)


def post_json(name: str, data: object, status: int, **kwargs: Any) -> Case:
    body = data if isinstance(data, bytes) else json.dumps(data).encode()
    return Case(name, "POST", "/items", status, body=body, headers=JSON_CT, **kwargs)


def auth(token: str) -> tuple[tuple[str, str], ...]:
    return (("authorization", token),)


def many_routes_name(n_routes: int) -> str:
    return f"routes{n_routes}_last"


def bench_cases(n_routes: int) -> list[Case]:
    last = n_routes - 1  # worst case for routers that scan linearly
    return [
        get("plain", "/plain", expect={"message": "hello"}),
        get(
            "items_get",
            "/items/42",
            query="q=foo&limit=5",
            expect={"id": 42, "q": "foo", "limit": 5},
        ),
        post_json("items_post", ITEM, 201, expect=ITEM_OUT),
        get(
            "deps",
            "/deps",
            headers=(("x-a", "a"), ("x-b", "b")),
            expect={"a": "a", "b": "b", "combined": "a-b"},
        ),
        get("secure", "/secure", headers=auth("Bearer secret-token"), expect={"user": "alice"}),
        get(
            many_routes_name(n_routes),
            f"/r{last}/42",
            many_routes=True,
            expect={"route": last, "id": 42},
        ),
    ]


def invalid_cases() -> list[Case]:
    no_owner = {k: v for k, v in ITEM.items() if k != "owner"}
    return [
        get("items_get id=0", "/items/0", 422),
        get("items_get id=abc", "/items/abc", 422),
        get("items_get limit=0", "/items/1", 422, query="limit=0"),
        get("items_get limit=101", "/items/1", 422, query="limit=101"),
        get("items_get limit=x", "/items/1", 422, query="limit=x"),
        get("items_get defaults", "/items/7", expect={"id": 7, "q": None, "limit": 10}),
        post_json("items_post long name", {**ITEM, "name": "x" * 51}, 422),
        post_json("items_post price=0", {**ITEM, "price": 0}, 422),
        post_json("items_post no owner", no_owner, 422),
        post_json("items_post email=3", {**ITEM, "owner": {"name": "b", "email": 3}}, 422),
        post_json("items_post malformed JSON", b"{not json", 422),
        get("deps missing x-b", "/deps", 422, headers=(("x-a", "a"),)),
        get("secure no header", "/secure", 401, expect_headers=BEARER),
        get("secure wrong token", "/secure", 401, headers=auth("Bearer no"), expect_headers=BEARER),
        get(
            "secure basic",
            "/secure",
            401,
            headers=auth("Basic secret-token"),
            expect_headers=BEARER,
        ),
    ]


def check_response(
    case: Case, status: int, header: Callable[[str], str | None], body: bytes
) -> str | None:
    """Return a description of the mismatch, or None if the response is right.

    ``header(name)`` gives a response header's value (case-insensitive) or None.
    """
    if status != case.status:
        return f"status {status} != {case.status}"
    for name, value in case.expect_headers:
        if header(name) != value:
            return f"header {name}: {header(name)!r} != {value!r}"
    if case.expect is None:
        return None
    if header("content-type") != "application/json":
        return f"content-type {header('content-type')!r}"
    try:
        data = json.loads(body)
    except ValueError:
        return f"body is not JSON: {body[:80]!r}"
    if data != case.expect:
        return f"body {data!r} != {case.expect!r}"
    return None
