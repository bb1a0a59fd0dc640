"""Reading the request body on the compiled path: ctx.body(), Request.body(), max_body_size.

A compiled route does not wrap ``receive`` per request: ``ctx.body()`` reads from the
server's ``receive`` and applies the route's limit itself, and a ``Request`` made for
the handler gets a limited ``receive`` only when it is made. Request.body() takes a
body sent in one message directly and must give what Starlette's gives.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

import pytest
from starlette.requests import ClientDisconnect
from starlette.requests import Request as StarletteRequest
from starlette.types import Message

from pegboard import App, HTTPException, ParamInfo, Request, RequestContext, Resolver, hookimpl
from pegboard.body_limit import LimitedReceive
from pegboard.testing import TestClient


class Receiver:
    """A server's receive: the given messages, then a disconnect."""

    def __init__(self, messages: Iterable[Message]) -> None:
        self.messages = list(messages)
        self.calls = 0

    async def __call__(self) -> Message:
        self.calls += 1
        if self.messages:
            return self.messages.pop(0)
        return {"type": "http.disconnect"}


def chunks(*parts: bytes) -> list[Message]:
    last = len(parts) - 1
    return [
        {"type": "http.request", "body": part, "more_body": i < last}
        for i, part in enumerate(parts)
    ]


def scope(headers: Iterable[tuple[bytes, bytes]] = ()) -> dict[str, Any]:
    return {
        "type": "http",
        "method": "POST",
        "path": "/",
        "root_path": "",
        "query_string": b"",
        "headers": list(headers),
    }


async def _nothing(message: Message) -> None:
    raise AssertionError("nothing is sent here")


def context(receiver: Receiver, limit: int | None, length: int | None = None) -> RequestContext:
    headers = [] if length is None else [(b"content-length", str(length).encode())]
    return RequestContext.for_scope(scope(headers), receiver, _nothing, limit)


def read(ctx: RequestContext) -> bytes:
    return asyncio.run(ctx.body())


# -- ctx.body() --------------------------------------------------------------------------


def test_a_body_in_one_message_is_read_with_one_receive():
    receiver = Receiver(chunks(b"hello"))
    ctx = context(receiver, limit=10, length=5)
    assert read(ctx) == b"hello"
    assert receiver.calls == 1
    assert asyncio.run(ctx.body()) == b"hello"  # read once
    assert receiver.calls == 1


def granian_style(body: bytes) -> list[Message]:
    """How granian sends every body: the bytes, then an empty message ending it."""
    return [
        {"type": "http.request", "body": body, "more_body": True},
        {"type": "http.request", "body": b"", "more_body": False},
    ]


def test_a_body_with_all_its_declared_bytes_is_not_waited_on():
    receiver = Receiver(granian_style(b"hello"))
    assert read(context(receiver, limit=10, length=5)) == b"hello"
    assert receiver.calls == 1
    receiver = Receiver(chunks(b"he", b"llo", b""))
    assert read(context(receiver, limit=None, length=5)) == b"hello"
    assert receiver.calls == 2
    receiver = Receiver(granian_style(b"hello"))  # no Content-Length: read to the end
    assert read(context(receiver, limit=10)) == b"hello"
    assert receiver.calls == 2


def test_request_body_with_all_its_declared_bytes_is_not_waited_on():
    async def run() -> bytes:
        receiver = Receiver(granian_style(b"hello"))
        request = Request(scope([(b"content-length", b"5")]), receiver)
        body = await request.body()
        assert receiver.calls == 1
        assert [c async for c in request.stream()] == [b"hello", b""]
        return body

    assert asyncio.run(run()) == b"hello"


def test_request_stream_ends_at_the_declared_length():
    async def streamed(messages: list[Message], length: int | None) -> tuple[list[bytes], int]:
        receiver = Receiver(messages)
        headers = [] if length is None else [(b"content-length", str(length).encode())]
        request = Request(scope(headers), receiver)
        return [c async for c in request.stream()], receiver.calls

    assert asyncio.run(streamed(granian_style(b"hello"), 5)) == ([b"hello", b""], 1)
    several = [*chunks(b"he", b"llo")[:1], *granian_style(b"llo")]
    assert asyncio.run(streamed(several, 5)) == ([b"he", b"llo", b""], 2)
    # Without a Content-Length, to the message that ends the body.
    assert asyncio.run(streamed(granian_style(b"hello"), None)) == ([b"hello", b""], 2)


def test_request_body_in_several_chunks_ends_at_the_declared_length():
    async def run() -> tuple[bytes, int]:
        receiver = Receiver([*chunks(b"he", b"llo")[:1], *granian_style(b"llo")])
        request = Request(scope([(b"content-length", b"5")]), receiver)
        return await request.body(), receiver.calls

    assert asyncio.run(run()) == (b"hello", 2)


def test_request_form_is_read_without_waiting_for_the_end_of_the_body():
    pytest.importorskip("multipart")  # python-multipart: not in the core-only environment

    async def run() -> tuple[dict[str, Any], int]:
        body = b"a=1&b=two"
        receiver = Receiver(granian_style(body))
        headers = [
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
        ]
        request = Request(scope(headers), receiver)
        form = await request.form()
        return dict(form), receiver.calls

    assert asyncio.run(run()) == ({"a": "1", "b": "two"}, 1)


def test_a_body_in_several_messages_is_joined():
    receiver = Receiver(chunks(b"ab", b"", b"cd"))
    assert read(context(receiver, limit=10)) == b"abcd"
    assert read(context(Receiver(chunks(b"ab", b"cd")), limit=None)) == b"abcd"


def test_a_declared_length_over_the_limit_is_refused_before_reading():
    receiver = Receiver(chunks(b"x" * 11))
    with pytest.raises(HTTPException) as caught:
        read(context(receiver, limit=10, length=11))
    assert caught.value.status_code == 413
    assert "limit of 10 bytes" in caught.value.detail
    assert receiver.calls == 0


@pytest.mark.parametrize(
    "messages",
    [
        chunks(b"x" * 11),  # one message, no Content-Length
        chunks(b"x" * 6, b"x" * 5),  # counted as the chunks arrive
        chunks(b"x" * 11, b"x"),  # the first chunk alone is over
    ],
)
def test_a_body_without_a_declared_length_is_counted(messages: list[Message]):
    with pytest.raises(HTTPException) as caught:
        read(context(Receiver(messages), limit=10))
    assert caught.value.status_code == 413


def test_a_body_at_the_limit_is_read():
    assert read(context(Receiver(chunks(b"x" * 5, b"x" * 5)), limit=10)) == b"x" * 10
    assert read(context(Receiver(chunks(b"x" * 10)), limit=10, length=10)) == b"x" * 10


def test_a_client_leaving_is_a_client_disconnect():
    with pytest.raises(ClientDisconnect):
        read(context(Receiver([]), limit=10))
    with pytest.raises(ClientDisconnect):
        read(context(Receiver(chunks(b"ab", b"cd")[:1]), limit=10))


def test_receive_is_limited_only_when_asked_for():
    receiver = Receiver(chunks(b"x" * 11))
    unlimited = context(receiver, limit=None)
    assert unlimited.receive is receiver
    limited = context(receiver, limit=10)
    wrapper = limited.receive
    assert isinstance(wrapper, LimitedReceive)
    assert limited.receive is wrapper  # one per request, shared by every reader
    assert limited.request.receive is wrapper
    with pytest.raises(HTTPException):
        asyncio.run(limited.request.body())


# -- Request.body() ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "messages",
    [
        chunks(b"hello"),
        chunks(b""),
        chunks(b"he", b"", b"llo"),
        [{"type": "http.request"}],
    ],
)
def test_request_body_is_starlettes(messages: list[Message]):
    async def both() -> tuple[bytes, bytes, bool, bool]:
        ours = Request(scope(), Receiver(messages))
        theirs = StarletteRequest(scope(), Receiver(messages))
        mine, reference = await ours.body(), await theirs.body()
        assert await ours.body() is mine  # cached
        assert [c async for c in ours.stream()] == [c async for c in theirs.stream()]
        return mine, reference, ours._stream_consumed, theirs._stream_consumed

    mine, reference, consumed, reference_consumed = asyncio.run(both())
    assert mine == reference
    assert consumed == reference_consumed


def test_request_body_on_a_disconnect_is_starlettes():
    async def run(request: StarletteRequest) -> bool:
        with pytest.raises(ClientDisconnect):
            await request.body()
        return request._is_disconnected

    assert asyncio.run(run(Request(scope(), Receiver([]))))
    assert asyncio.run(run(StarletteRequest(scope(), Receiver([]))))


def test_request_body_after_the_stream_was_read_is_starlettes():
    async def run(request: StarletteRequest) -> None:
        assert [c async for c in request.stream()] == [b"ab", b""]
        with pytest.raises(RuntimeError, match="Stream consumed"):
            await request.body()

    asyncio.run(run(Request(scope(), Receiver(chunks(b"ab")))))
    asyncio.run(run(StarletteRequest(scope(), Receiver(chunks(b"ab")))))


# -- through an app ----------------------------------------------------------------------


class RawBody:
    """A plugin giving parameters named ``raw`` the body, through ctx.body()."""

    @hookimpl
    def pegboard_resolve_parameter(self, param: ParamInfo) -> Resolver | None:
        if param.name != "raw":
            return None

        async def body(ctx: RequestContext) -> bytes:
            return await ctx.body()

        return Resolver(body)


def test_resolvers_and_the_handler_share_one_read_of_the_body():
    app = App(plugins=[RawBody()], max_body_size=10)

    @app.post("/")
    async def echo(raw: bytes, request: Request) -> dict[str, Any]:
        return {"raw": raw.decode(), "again": (await request.body()).decode()}

    client = TestClient(app)
    assert client.post("/", content=b"12345").json() == {"raw": "12345", "again": "12345"}
    response = client.post("/", content=b"x" * 11)
    assert response.status_code == 413
    assert "limit of 10 bytes" in response.json()["detail"]
    assert client.post("/", content=iter([b"x" * 6, b"x" * 6])).status_code == 413


def test_a_handler_reading_the_stream_is_limited():
    app = App(max_body_size=10)

    @app.post("/")
    async def count(request: Request) -> int:
        return sum([len(chunk) async for chunk in request.stream()])

    client = TestClient(app)
    assert client.post("/", content=iter([b"x" * 5, b"x" * 5])).json() == 10
    assert client.post("/", content=iter([b"x" * 6, b"x" * 6])).status_code == 413
