"""The hostile-input catalogue, over the wire: bytes only a real server sees.

Request lines, header lines and message framing that an ASGI app never receives
as such (the server parses them first). Each case is written to a socket as it
is; ``expect`` lists the statuses it may get from either of uvicorn's parsers
(h11, httptools), ``None`` meaning the connection was closed without an answer
(the client gave up first). Where the parsers differ, ``note`` says how.
"""

from __future__ import annotations

import attrs

from .catalogue import BOOK, CATEGORIES, FRAMING, HDR, MIB, PATH

__all__ = ["WIRE_CASES", "WireCase"]


@attrs.frozen
class WireCase:
    """Raw bytes for a real server; ``None`` in ``expect``: closed without an answer."""

    category: str
    name: str
    data: bytes | tuple[bytes, ...]
    expect: tuple[int | None, ...]
    note: str = ""
    #: Close the sending side after the data (the client gives up).
    half_close: bool = False
    #: Seconds between the pieces of ``data``.
    pause: float = 0.0

    def __attrs_post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown category {self.category!r}")
        if any(s is not None and 200 <= s < 300 for s in self.expect) and not self.note:
            raise ValueError(f"{self.name}: a 2xx answer needs a note saying why")

    @property
    def id(self) -> str:
        return f"{self.category}: {self.name}"


def http(line: bytes, headers: bytes = b"", body: bytes = b"", *, host: bool = True) -> bytes:
    return line + b"\r\n" + (b"Host: x\r\n" if host else b"") + headers + b"\r\n" + body


def pieces(data: bytes, size: int = 8192) -> tuple[bytes, ...]:
    return tuple(data[i : i + size] for i in range(0, len(data), size))


WKEY = b"X-API-Key: dev-key\r\nContent-Type: application/json\r\n"
SERVER_400 = (400,)


def wire_post(name: str, headers: bytes, body: bytes, expect: tuple[int | None, ...],
              **kw: object) -> WireCase:  # fmt: skip
    data = http(b"POST /books HTTP/1.1", WKEY + headers, body)
    return WireCase(FRAMING, name, data, expect, **kw)  # type: ignore[arg-type]


_wire_line = [
    WireCase(PATH, "raw NUL in the target", http(b"GET /books/\x00 HTTP/1.1"), SERVER_400),
    WireCase(PATH, "space in the target", http(b"GET /bo oks HTTP/1.1"), SERVER_400),
    WireCase(PATH, "non-ASCII byte in the target", http(b"GET /books/\xff HTTP/1.1"), SERVER_400),
    WireCase(
        PATH, "control character in the target", http(b"GET /books/\x01 HTTP/1.1"), SERVER_400
    ),
    WireCase(PATH, "percent-encoded NUL", http(b"GET /books/%00 HTTP/1.1"), (422,)),
    WireCase(PATH, "dot-dot segments", http(b"GET /../../etc/passwd HTTP/1.1"), (404,)),
    WireCase(
        PATH,
        "dot-dot out of the docs assets",
        http(b"GET /docs/assets/../../../pyproject.toml HTTP/1.1"),
        (404,),
    ),
    WireCase(PATH, "asterisk-form target", http(b"GET * HTTP/1.1"), (404,)),
    WireCase(
        PATH,
        "absolute-form target",
        http(b"GET http://evil.example/books HTTP/1.1"),
        (200, 404),
        note="httptools routes on the URL's path (/books); h11 does not",
    ),
    WireCase(PATH, "CONNECT", http(b"CONNECT evil.example:443 HTTP/1.1"), (400, 404)),
    WireCase(
        PATH,
        "fragment in the target",
        http(b"GET /books#x HTTP/1.1"),
        (200, 404),
        note="httptools drops the fragment (a listing); h11 keeps it (404)",
    ),
    WireCase(
        PATH,
        "request line of 20 KiB in one write",
        http(b"GET /" + b"a" * 20480 + b" HTTP/1.1"),
        (404,),
    ),
    WireCase(
        PATH,
        "request line of 100 KiB in one write",
        http(b"GET /" + b"a" * 102400 + b" HTTP/1.1"),
        (400, 404),
    ),
    WireCase(
        PATH,
        "request line of 100 KiB in 8 KiB pieces",
        pieces(http(b"GET /" + b"a" * 102400 + b" HTTP/1.1")),
        (400, 404),
        pause=0.002,
    ),
    WireCase(
        PATH,
        "query string of 100 KiB",
        http(b"GET /books?q=" + b"a" * 102400 + b" HTTP/1.1"),
        (400, 422),
    ),
    WireCase(
        PATH,
        "HTTP/0.9 request",
        b"GET /\r\n\r\n",
        (200, 400),
        note="httptools serves it as HTTP/1.0 (the index); h11 refuses it",
    ),
    WireCase(
        PATH,
        "HTTP/2.0 on an HTTP/1 connection",
        http(b"GET /health HTTP/2.0"),
        (200,),
        note="both servers answer it as HTTP/1.1",
    ),
    WireCase(
        PATH,
        "HTTP/9.9",
        http(b"GET /health HTTP/9.9"),
        (200, 400),
        note="h11 answers as HTTP/1.1; httptools refuses it",
    ),
    WireCase(PATH, "protocol that is not HTTP", http(b"GET /health FOO/1.1"), SERVER_400),
    WireCase(PATH, "lower-case method", http(b"get /health HTTP/1.1"), (400, 405)),
    WireCase(PATH, "method with a separator", http(b"G(T /health HTTP/1.1"), SERVER_400),
    WireCase(PATH, "method of 10 000 bytes", http(b"A" * 10000 + b" /health HTTP/1.1"), (400, 405)),
    WireCase(
        PATH,
        "bare LF line endings",
        b"GET /health HTTP/1.1\nHost: x\n\n",
        (200, 400),
        note="h11 accepts bare LF (RFC 9112 allows it); httptools refuses it",
    ),
    WireCase(PATH, "HTTP/2 connection preface", b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", (400, 404)),
    WireCase(
        PATH,
        "TLS ClientHello on the plain port",
        b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03" + b"\x00" * 40,
        SERVER_400,
    ),
    WireCase(
        PATH,
        "empty lines before the request line",
        b"\r\n\r\n\r\n" + http(b"GET /health HTTP/1.1"),
        (200, 400),
        note="RFC 9112 lets servers skip them (httptools does); h11 refuses",
    ),
]

_wire_headers = [
    WireCase(
        HDR,
        "no Host header",
        http(b"GET /health HTTP/1.1", host=False),
        (200, 400),
        note="h11 requires Host in HTTP/1.1; httptools does not (use TrustedHost)",
    ),
    WireCase(
        HDR,
        "two Host headers",
        http(b"GET /health HTTP/1.1", b"Host: y\r\n"),
        (200, 400),
        note="h11 refuses; httptools passes both, the app does not read Host",
    ),
    WireCase(
        HDR, "NUL in a header value", http(b"GET /health HTTP/1.1", b"X-A: a\x00b\r\n"), SERVER_400
    ),
    WireCase(
        HDR,
        "bare CR in a header value",
        http(b"GET /health HTTP/1.1", b"X-A: a\rb\r\n"),
        SERVER_400,
    ),
    WireCase(
        HDR,
        "non-ASCII bytes in a header value",
        http(b"GET /health HTTP/1.1", b"X-A: \xff\xfe\r\n"),
        (200,),
        note="obs-text is allowed in values (RFC 9110); the header is not read",
    ),
    WireCase(
        HDR, "space before the colon", http(b"GET /health HTTP/1.1", b"X-A : b\r\n"), SERVER_400
    ),
    WireCase(
        HDR, "separator in a header name", http(b"GET /health HTTP/1.1", b"X(A): b\r\n"), SERVER_400
    ),
    WireCase(
        HDR, "header line without a colon", http(b"GET /health HTTP/1.1", b"X-A\r\n"), SERVER_400
    ),
    WireCase(
        HDR,
        "obsolete line folding",
        http(b"GET /health HTTP/1.1", b"X-A: a\r\n  b\r\n"),
        (200, 400),
        note="h11 unfolds it; httptools refuses it",
    ),
    WireCase(
        HDR,
        "header of 20 KiB in one write",
        http(b"GET /health HTTP/1.1", b"X-A: " + b"a" * 20480 + b"\r\n"),
        (200,),
        note="neither server bounds a head that arrives in one read (see SECURITY.md)",
    ),
    WireCase(
        HDR,
        "header of 300 KiB in 8 KiB pieces",
        pieces(http(b"GET /health HTTP/1.1", b"X-A: " + b"a" * 307200 + b"\r\n")),
        (200, 400),
        pause=0.002,
        note="h11 refuses a head over 16 KiB in pieces; httptools has no limit",
    ),
    WireCase(
        HDR,
        "10 000 headers in one write",
        http(b"GET /health HTTP/1.1", b"".join(b"X-%d: a\r\n" % i for i in range(10000))),
        (200,),
        note="neither server bounds a head that arrives in one read (see SECURITY.md)",
    ),
    WireCase(
        HDR,
        "100 000 headers in 8 KiB pieces",
        pieces(http(b"GET /health HTTP/1.1", b"".join(b"X-%d: a\r\n" % i for i in range(100000)))),
        (200, 400),
        note="h11 refuses a head over 16 KiB; httptools has no header-count limit",
    ),
    WireCase(
        HDR,
        "X-API-Key of 9000 bytes",
        http(
            b"POST /books HTTP/1.1",
            b"X-API-Key: "
            + b"a" * 9000
            + b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n" % len(BOOK),
            BOOK,
        ),
        (401,),
    ),
    WireCase(
        HDR,
        "WebSocket upgrade on an HTTP route",
        http(
            b"GET /health HTTP/1.1",
            b"Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: "
            b"dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n",
        ),
        (403,),
    ),
    WireCase(
        HDR,
        "h2c upgrade",
        http(
            b"GET /health HTTP/1.1",
            b"Connection: Upgrade, "
            b"HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n",
        ),
        (200,),
        note="the upgrade is ignored; the request is served as HTTP/1.1",
    ),
]

_wire_framing = [
    wire_post(
        "Content-Length and Transfer-Encoding both",
        b"Content-Length: 4\r\nTransfer-Encoding: chunked\r\n",
        b"0\r\n\r\n",
        (400, 422),
    ),
    wire_post(
        "two different Content-Lengths",
        b"Content-Length: 4\r\nContent-Length: 5\r\n",
        b"abcde",
        SERVER_400,
    ),
    wire_post("negative Content-Length", b"Content-Length: -1\r\n", b"abc", SERVER_400),
    wire_post(
        "Content-Length that is not a number", b"Content-Length: abc\r\n", b"abc", SERVER_400
    ),
    wire_post("Content-Length with a plus sign", b"Content-Length: +5\r\n", b"abcde", SERVER_400),
    wire_post(
        "Content-Length of 20 digits",
        b"Content-Length: 99999999999999999999\r\n",
        b"abc",
        (400, 413),
    ),
    wire_post("Content-Length shorter than the body", b"Content-Length: 5\r\n", BOOK, (400, 422)),
    wire_post(
        "Content-Length longer than the body, client gives up",
        b"Content-Length: 100\r\n",
        b'{"title":',
        (None,),
        half_close=True,
    ),
    wire_post("Transfer-Encoding gzip", b"Transfer-Encoding: gzip\r\n", BOOK, SERVER_400),
    wire_post(
        "chunk size that is not hex",
        b"Transfer-Encoding: chunked\r\n",
        b"zz\r\nabc\r\n0\r\n\r\n",
        SERVER_400,
    ),
    wire_post(
        "chunk size of 20 hex digits, client gives up",
        b"Transfer-Encoding: chunked\r\n",
        b"ffffffffffffffffffff\r\nabc",
        (None, 400),
        half_close=True,
    ),
    wire_post(
        "chunked body truncated, client gives up",
        b"Transfer-Encoding: chunked\r\n",
        b"10\r\nabc",
        (None,),
        half_close=True,
    ),
    wire_post(
        "chunked body of 2 MiB",
        b"Transfer-Encoding: chunked\r\n",
        b"".join(b"10000\r\n" + b"a" * 65536 + b"\r\n" for _ in range(32)) + b"0\r\n\r\n",
        (413,),
    ),
    wire_post(
        "Expect: 100-continue with 50 MB declared",
        b"Expect: 100-continue\r\nContent-Length: 50000000\r\n",
        b"",
        (413,),
    ),
    wire_post(
        "body of 16 MiB with its Content-Length",
        b"Content-Length: %d\r\n" % (16 * MIB),
        b"a" * (16 * MIB),
        (413, None),
    ),
    WireCase(
        FRAMING,
        "head never finished, client gives up",
        b"GET /health HTTP/1.1\r\nHost: x",
        (None,),
        half_close=True,
    ),
    WireCase(
        FRAMING,
        "two requests pipelined",
        http(b"GET /health HTTP/1.1") + http(b"GET /books/0 HTTP/1.1"),
        (200,),
        note="the first answer is /health's",
    ),
]

#: Cases for a real uvicorn server (h11 and httptools), sent over a socket.
WIRE_CASES: tuple[WireCase, ...] = (*_wire_line, *_wire_headers, *_wire_framing)
