"""The hostile-input catalogue: malformed and hostile requests, and what each must get.

Every case names its category (the issue's list), the raw request (method, target
bytes, header bytes, body chunks), the statuses it may get and, for a 2xx, why that
is the documented answer. The in-process cases (``CASES``) run against the showcase
app through raw ASGI, so nothing is normalized by a client library; ``AUTH_CASES``
target the OAuth2 + JWT example. The request-line and framing cases only a real
server sees are in ``wire_catalogue.py``.

Advisories whose payloads are reproduced (ids in the case names):

* CVE-2024-24762 (GHSA-2jv5-9r88-3w3p): python-multipart ReDoS in Content-Type options.
* CVE-2024-47874 (GHSA-f96h-pmfr-66vw): Starlette buffered file-less parts unbounded.
* CVE-2023-30798 (GHSA-74m5-2c7w-9w3x): Starlette accepted unlimited parts.
* CVE-2024-53981 (GHSA-59g5-xgcq-4qw3): CR/LF before the first boundary, logged per byte.
* CVE-2026-40347: large multipart preamble or epilogue, quadratic-ish skipping.
* CVE-2026-42561 (GHSA-pp6c-gr5w-3c5g): unbounded part headers (count and size).
* CVE-2026-53539: ``;``-separated URL-encoded fields, quadratic scanning.
* CVE-2025-54121: a file larger than the spool size blocked the event loop on rollover.
* CVE-2025-62727 (GHSA-7f5h-v6xp-fcq8): quadratic Range merging in FileResponse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import attrs
import jwt

__all__ = [
    "CASES",
    "CATEGORIES",
    "FAULTS_CASES",
    "JWT_CASES",
    "JWT_SECRET",
    "MAX_BODY",
    "Hostile",
]

MAX_BODY = 1024 * 1024  # the core's default max_body_size
MIB = 1024 * 1024

CATEGORIES = (
    "request line and path",
    "headers",
    "query string",
    "body framing",
    "JSON body",
    "multipart and forms",
    "auth",
)

Headers = tuple[tuple[bytes, bytes], ...]


@attrs.frozen
class Hostile:
    """One hostile request and the statuses it may get."""

    category: str
    name: str
    method: str
    target: bytes
    headers: Headers = ()
    #: The body, as chunks; a callable makes them lazily (for bodies of many MiB).
    body: tuple[bytes, ...] | Callable[[], Iterable[bytes]] = ()
    expect: tuple[int, ...] = (400,)
    #: Why a 2xx is the right answer (required when ``expect`` has one).
    note: str = ""
    #: The client goes away after the last chunk instead of ending the body.
    disconnect: bool = False
    #: Measure memory (tracemalloc) and the body bytes the app pulled.
    big: bool = False

    def __attrs_post_init__(self) -> None:
        if self.category not in CATEGORIES:
            raise ValueError(f"unknown category {self.category!r}")
        if any(200 <= s < 300 for s in self.expect) and not self.note:
            raise ValueError(f"{self.name}: a 2xx answer needs a note saying why")

    @property
    def id(self) -> str:
        return f"{self.category}: {self.name}"

    def chunks(self) -> Iterable[bytes]:
        return self.body() if callable(self.body) else self.body


# -- building blocks ---------------------------------------------------------------------

KEY = (b"x-api-key", b"dev-key")
JSON = (b"content-type", b"application/json")
WRITE = (KEY, JSON)
URLENCODED = (b"content-type", b"application/x-www-form-urlencoded")
BOUNDARY = b"hostile"
MULTIPART = (b"content-type", b"multipart/form-data; boundary=" + BOUNDARY)
BOOK = b'{"title": "T", "author": "A", "year": 1969}'
REVIEWS = b"/books/1/reviews"
COVER = b"/books/1/cover"


def book(**fields: bytes) -> bytes:
    """A book JSON body with some fields' raw JSON replaced."""
    values = {"title": b'"T"', "author": b'"A"', "year": b"1969", **fields}
    return b"{" + b", ".join(b'"%s": %s' % (k.encode(), v) for k, v in values.items()) + b"}"


def part(name: bytes, value: bytes, *, filename: bytes | None = None, extra: bytes = b"") -> bytes:
    disposition = b'Content-Disposition: form-data; name="' + name + b'"'
    if filename is not None:
        disposition += b'; filename="' + filename + b'"'
    return b"--" + BOUNDARY + b"\r\n" + disposition + b"\r\n" + extra + b"\r\n" + value + b"\r\n"


END = b"--" + BOUNDARY + b"--\r\n"
PNG = b"Content-Type: image/png\r\n"


def stream(total: int, *, head: bytes = b"", fill: bytes = b"x", size: int = 64 * 1024):
    """Chunks of ``total`` bytes after ``head``, made lazily (never all in memory)."""

    def chunks() -> Iterator[bytes]:
        if head:
            yield head
        sent = 0
        block = fill * (size // len(fill))
        while sent < total:
            piece = block[: total - sent]
            sent += len(piece)
            yield piece

    return chunks


def get(category: str, name: str, target: bytes, expect: tuple[int, ...], **kw: object) -> Hostile:
    return Hostile(category, name, "GET", target, expect=expect, **kw)  # type: ignore[arg-type]


def post_book(name: str, body: bytes, expect: tuple[int, ...], **kw: object) -> Hostile:
    return Hostile("JSON body", name, "POST", b"/books", WRITE, (body,), expect, **kw)  # type: ignore[arg-type]


def form(name: str, body: bytes | Callable[[], Iterable[bytes]], expect: tuple[int, ...], *,
         headers: Headers = (MULTIPART,), target: bytes = REVIEWS, method: str = "POST",
         **kw: object) -> Hostile:  # fmt: skip
    chunks = body if callable(body) else (body,)
    return Hostile(
        "multipart and forms",
        name,
        method,
        target,
        headers,
        chunks,
        expect,
        **kw,  # type: ignore[arg-type]
    )


# -- request line and path ----------------------------------------------------------------

PATH = "request line and path"
NOT_FOUND = (404,)
BAD_ID = (422,)

_path_cases = [
    get(PATH, "percent-encoded NUL as a book id", b"/books/%00", BAD_ID),
    get(PATH, "raw NUL byte in a path segment", b"/books/\x00", BAD_ID),
    get(PATH, "invalid UTF-8 percent-encoding", b"/books/%FF%FE", BAD_ID),
    get(PATH, "overlong UTF-8 encoding of '/'", b"/books/%C0%AF", BAD_ID),
    get(PATH, "truncated percent-escape", b"/books/%", BAD_ID),
    get(PATH, "percent-escape with non-hex digits", b"/books/%zz", BAD_ID),
    get(PATH, "dot-dot segments", b"/../../etc/passwd", NOT_FOUND),
    get(PATH, "encoded dot-dot segments", b"/%2e%2e/%2e%2e/etc/passwd", NOT_FOUND),
    get(PATH, "encoded slash in a book id", b"/books/1%2F..%2F2", NOT_FOUND),
    get(
        PATH, "dot-dot out of the docs assets", b"/docs/assets/..%2F..%2Fpyproject.toml", NOT_FOUND
    ),
    get(PATH, "docs asset that is not in the set", b"/docs/assets/..", NOT_FOUND),
    get(PATH, "backslash traversal", b"/docs/assets/..\\..\\pyproject.toml", NOT_FOUND),
    get(PATH, "overlong path (64 KiB)", b"/" + b"a" * 65536, NOT_FOUND),
    get(PATH, "overlong book id (5000 digits)", b"/books/" + b"9" * 5000, BAD_ID),
    get(PATH, "book id beyond 64 bits", b"/books/18446744073709551617", (404,)),
    get(PATH, "negative book id", b"/books/-1", BAD_ID),
    get(
        PATH,
        "book id with a leading plus and spaces",
        b"/books/%20+1%20",
        (200, 422),
        note="pydantic's lax int parsing strips whitespace and accepts '+1'",
    ),
    get(PATH, "10 000 slashes", b"/" * 10000, NOT_FOUND),
    get(PATH, "deep path of 5000 segments", b"/a" * 5000, NOT_FOUND),
    get(
        PATH,
        "trailing slash on a route",
        b"/books/1/",
        (200, 307),
        note="redirect_slashes: a 307 to /books/1, as in Starlette",
    ),
    Hostile(PATH, "unknown method", "FOO", b"/books", expect=(405,)),
    Hostile(PATH, "TRACE", "TRACE", b"/books", expect=(405,)),
    Hostile(PATH, "method with lower-case letters", "get", b"/books", expect=(405,)),
    Hostile(
        PATH,
        "HEAD of a JSON route",
        "HEAD",
        b"/health",
        expect=(200,),
        note="every GET route answers HEAD, as in Starlette; the server drops the body",
    ),
]

# -- headers ------------------------------------------------------------------------------

HDR = "headers"
LISTING = (200,)

_header_cases = [
    get(
        HDR,
        "Host with invalid bytes",
        b"/health",
        LISTING,
        headers=((b"host", b"\xff\x00"),),
        note="no TrustedHostMiddleware by default; Host is not used to build URLs",
    ),
    get(
        HDR,
        "two Host headers",
        b"/health",
        LISTING,
        headers=((b"host", b"a.example"), (b"host", b"b.example")),
        note="the servers refuse this (h11); in-process the app ignores Host",
    ),
    get(
        HDR,
        "header value of 1 MiB",
        b"/books",
        LISTING,
        headers=((b"x-junk", b"a" * MIB),),
        note="unknown headers are never read; bounding the head is for the server (SECURITY.md)",
    ),
    get(
        HDR,
        "10 000 headers",
        b"/books",
        LISTING,
        headers=tuple((b"x-h%d" % i, b"v") for i in range(10000)),
        note="unknown headers are never read; bounding the head is for the server (SECURITY.md)",
    ),
    get(
        HDR,
        "NUL, CR and LF in a header value",
        b"/books",
        LISTING,
        headers=((b"x-junk", b"a\x00b\rc\nd"),),
        note="unknown header, never read",
    ),
    get(
        HDR,
        "non-UTF-8 Accept-Encoding on a docs asset",
        b"/docs/assets/swagger-ui.css",
        (200,),
        headers=((b"accept-encoding", b"\xff\xfe gzip"),),
        note="decoded as latin-1 by Starlette; not gzip, so the plain file",
    ),
    get(
        HDR,
        "Accept-Encoding q-value of 10 000 digits",
        b"/docs/assets/swagger-ui.css",
        (200,),
        headers=((b"accept-encoding", b"gzip;q=" + b"9" * 10000),),
        note="a valid file",
    ),
    get(
        HDR,
        "Accept-Encoding q-value that is not a number",
        b"/docs/assets/swagger-ui.css",
        (200,),
        headers=((b"accept-encoding", b"gzip;q=abc"),),
        note="a valid file",
    ),
    get(
        HDR,
        "If-None-Match of 100 000 commas",
        b"/docs/assets/swagger-ui.css",
        (200,),
        headers=((b"if-none-match", b"," * 100000),),
        note="no tag matches: the file",
    ),
    get(
        HDR,
        "Range with 10 000 ranges (CVE-2025-62727)",
        b"/docs/assets/swagger-ui.css",
        (200,),
        headers=((b"range", b"bytes=" + b"0-1," * 10000),),
        note="the docs assets ignore Range; no FileResponse in pegboard",
    ),
    get(
        HDR,
        "Cookie header of junk",
        b"/books",
        LISTING,
        headers=((b"cookie", b"\xff=\xfe;;;===;" * 1000),),
        note="no route reads cookies",
    ),
    get(
        HDR,
        "Last-Event-ID with invalid bytes",
        b"/events",
        (200,),
        headers=((b"last-event-id", b"\xff\x00" * 100),),
        note="the stream replays its log",
    ),
    get(
        HDR,
        "Accept of 64 KiB",
        b"/books",
        LISTING,
        headers=((b"accept", b"application/json;q=0.1," * 3000),),
        note="Accept is not read",
    ),
    Hostile(
        HDR,
        "Content-Type with invalid bytes",
        "POST",
        b"/books",
        (KEY, (b"content-type", b"application/\xff\xfejson")),
        (BOOK,),
        (415,),
    ),
    Hostile(
        HDR,
        "two Content-Type headers",
        "POST",
        b"/books",
        (KEY, JSON, (b"content-type", b"text/plain")),
        (BOOK,),
        (201,),
        note="the first Content-Type is used, as in Starlette's Headers.get",
    ),
    Hostile(
        HDR,
        "Content-Type of 64 KiB",
        "POST",
        b"/books",
        (KEY, (b"content-type", b"application/json; x=" + b"a" * 65536)),
        (BOOK,),
        (201,),
        note="parameters after the media type are ignored",
    ),
    Hostile(
        HDR,
        "Content-Encoding gzip (not inflated)",
        "POST",
        b"/books",
        (*WRITE, (b"content-encoding", b"gzip")),
        (b"\x1f\x8b\x08\x00" + b"\x00" * 64,),
        (422,),
    ),
]

# -- query strings ------------------------------------------------------------------------

QS = "query string"

_query_cases = [
    get(QS, "query string of 1 MiB", b"/books?q=" + b"a" * MIB, (422,)),
    get(QS, "100 000 repeated keys", b"/books?" + b"tag=a&" * 100000, (422,)),
    get(
        QS,
        "100 000 empty pairs",
        b"/books?" + b"&" * 100000,
        LISTING,
        note="empty pairs are skipped: the defaults apply",
    ),
    get(
        QS,
        "100 000 distinct unknown keys",
        b"/books?" + b"&".join(b"k%d=v" % i for i in range(100000)),
        LISTING,
        note="unknown parameters are ignored",
    ),
    get(
        QS,
        "repeated scalar parameter",
        b"/books?limit=1&limit=2",
        LISTING,
        note="the last value wins, as in FastAPI",
    ),
    get(
        QS,
        "invalid UTF-8, percent-encoded",
        b"/books?q=%FF%FE",
        LISTING,
        note="decoded with U+FFFD replacement, a valid search",
    ),
    get(
        QS,
        "invalid UTF-8, raw bytes",
        b"/books?q=\xff\xfe",
        LISTING,
        note="decoded with U+FFFD replacement, a valid search",
    ),
    get(QS, "percent-encoded NUL in a literal", b"/books?sort=%00", (422,)),
    get(
        QS,
        "percent-encoded NUL in a search",
        b"/books?q=%00",
        LISTING,
        note="NUL is a valid character of a str query parameter",
    ),
    get(QS, "integer of 5000 digits", b"/books?limit=" + b"9" * 5000, (422,)),
    get(
        QS,
        "integer of 4300 digits (CPython's str-to-int limit)",
        b"/books?offset=" + b"1" * 4300,
        LISTING,
        note="a valid (huge) offset: an empty page",
    ),
    get(
        QS,
        "integer of 4301 digits (over CPython's str-to-int limit)",
        b"/books?offset=" + b"1" * 4301,
        (422,),
    ),
    get(QS, "float where an int is expected", b"/books?limit=1e3", (422,)),
    get(QS, "NaN and Infinity as integers", b"/books?limit=NaN&offset=Infinity", (422,)),
    get(QS, "negative zero", b"/books?offset=-0", LISTING, note="-0 is the integer 0"),
    get(QS, "list parameter over its length limit", b"/books?" + b"tag=a&" * 11, (422,)),
    get(
        QS,
        "list item over its length",
        b"/books?tag=" + b"a" * 1000,
        LISTING,
        note="tag items have no length limit; the list does (10)",
    ),
    get(QS, "truncated percent-escape", b"/books?q=%", LISTING, note="kept literally"),
    get(QS, "semicolon separators", b"/books?limit=1;offset=1", (422,)),
    get(QS, "key without value", b"/books?limit", (422,)),
    get(
        QS,
        "array-style keys",
        b"/books?tag[]=a&tag[0]=b",
        LISTING,
        note="'tag[]' is not 'tag': unknown keys are ignored",
    ),
    get(QS, "search over its length limit", b"/books?q=" + b"x" * 51, (422,)),
]

# -- body framing (what the app sees; the wire cases cover Content-Length itself) ---------

FRAMING = "body framing"

_framing_cases = [
    Hostile(
        FRAMING,
        "JSON body truncated, client gone",
        "POST",
        b"/books",
        WRITE,
        (b'{"title": "T", "au',),
        expect=(),
        disconnect=True,
    ),
    Hostile(
        FRAMING,
        "form truncated, client gone",
        "POST",
        REVIEWS,
        (MULTIPART,),
        (part(b"rating", b"5")[:30],),
        expect=(),
        disconnect=True,
    ),
    Hostile(
        FRAMING,
        "upload truncated, client gone",
        "PUT",
        COVER,
        (KEY, MULTIPART),
        stream(300_000, head=part(b"cover", b"", filename=b"c.png", extra=PNG)[:-2]),
        expect=(),
        disconnect=True,
    ),
    Hostile(
        FRAMING,
        "Content-Length larger than the limit",
        "POST",
        b"/books",
        (*WRITE, (b"content-length", b"99999999999999999999999")),
        (BOOK,),
        (413,),
    ),
    Hostile(
        FRAMING,
        "Content-Length smaller than the body",
        "POST",
        b"/books",
        (*WRITE, (b"content-length", b"3")),
        (BOOK,),
        (201,),
        note="framing is the server's: it reads 3 bytes (422); in-process the app "
        "reads what it is given",
    ),
    Hostile(
        FRAMING,
        "Content-Length that is not a number",
        "POST",
        b"/books",
        (*WRITE, (b"content-length", b"abc")),
        (BOOK,),
        (201,),
        note="the servers refuse it with 400; the app only compares digits to its limit",
    ),
    Hostile(
        FRAMING,
        "negative Content-Length",
        "POST",
        b"/books",
        (*WRITE, (b"content-length", b"-1")),
        (BOOK,),
        (201,),
        note="the servers refuse it with 400; the app only compares digits to its limit",
    ),
    Hostile(
        FRAMING,
        "body of 64 MiB in 64 KiB chunks",
        "POST",
        b"/books",
        WRITE,
        stream(64 * MIB),
        (413,),
        big=True,
    ),
    Hostile(
        FRAMING,
        "body of 64 MiB in one chunk after a small one",
        "POST",
        b"/books",
        WRITE,
        lambda: iter((b"{", b" " * (4 * MIB))),
        (413,),
        big=True,
    ),
    Hostile(
        FRAMING,
        "body on a GET",
        "GET",
        b"/books",
        (JSON,),
        (b"x" * 1000,),
        LISTING,
        note="a GET route reads no body; it is never pulled",
    ),
    Hostile(
        FRAMING, "body on a DELETE without a key", "DELETE", b"/books/1", (JSON,), (BOOK,), (401,)
    ),
    Hostile(FRAMING, "empty JSON body", "POST", b"/books", WRITE, (), (422,)),
    Hostile(FRAMING, "JSON to a form route", "POST", REVIEWS, (JSON,), (b'{"rating": 5}',), (415,)),
    Hostile(
        FRAMING,
        "text/plain to a JSON route",
        "POST",
        b"/books",
        (KEY, (b"content-type", b"text/plain")),
        (BOOK,),
        (415,),
    ),
    Hostile(FRAMING, "no Content-Type on a JSON route", "POST", b"/books", (KEY,), (BOOK,), (415,)),
    Hostile(
        FRAMING,
        "multipart to a JSON route",
        "POST",
        b"/books",
        (KEY, MULTIPART),
        (part(b"title", b"T") + END,),
        (415,),
    ),
    Hostile(
        FRAMING,
        "JSON with a UTF-16 charset",
        "POST",
        b"/books",
        (KEY, (b"content-type", b"application/json; charset=utf-16")),
        (BOOK.decode().encode("utf-16"),),
        (422,),
    ),
]

# -- JSON bodies --------------------------------------------------------------------------

_json_cases = [
    post_book("invalid JSON", b"{not json", (422,)),
    post_book("JSON cut short", b'{"title": "T", "author":', (422,)),
    post_book("trailing garbage after the object", BOOK + b" garbage", (422,)),
    post_book("two JSON documents", BOOK + BOOK, (422,)),
    post_book("invalid UTF-8 bytes", b'{"title": "\xff\xfe", "author": "A", "year": 1}', (422,)),
    post_book("UTF-8 byte-order mark", b"\xef\xbb\xbf" + BOOK, (422,)),
    post_book("nesting 100 000 arrays deep", b"[" * 100000 + b"]" * 100000, (422,)),
    post_book("nesting 50 000 objects deep", b'{"a":' * 50000 + b"1" + b"}" * 50000, (422,)),
    post_book("nesting 150 deep inside a field", book(tags=b"[" * 150 + b"]" * 150), (422,)),
    post_book("integer of 5000 digits", book(year=b"9" * 5000), (422,)),
    post_book("integer beyond 64 bits", book(year=b"18446744073709551617"), (422,)),
    post_book("float that overflows (1e400)", book(year=b"1e400"), (422,)),
    post_book("float with a huge exponent", book(year=b"1e999999999"), (422,)),
    post_book("NaN literal", book(year=b"NaN"), (422,)),
    post_book("Infinity literal", book(year=b"Infinity"), (422,)),
    post_book("-Infinity literal", book(year=b"-Infinity"), (422,)),
    post_book("NaN where a string is expected (echoed in the 422)", book(title=b"NaN"), (422,)),
    post_book(
        "NaN and Infinity inside an echoed list", book(title=b"[NaN, Infinity, -Infinity]"), (422,)
    ),
    post_book("lone high surrogate, escaped", book(title=b'"\\ud800"'), (422,)),
    post_book("lone low surrogate, escaped", book(title=b'"\\udfff x"'), (422,)),
    post_book("lone surrogate, raw bytes", book(title=b'"\xed\xa0\x80"'), (422,)),
    post_book("reversed surrogate pair", book(title=b'"\\udc00\\ud800"'), (422,)),
    post_book(
        "valid surrogate pair",
        book(title=b'"\\ud83d\\ude00"'),
        (201,),
        note="a correct pair is one character (an emoji)",
    ),
    post_book(
        "duplicate keys",
        book(year=b'1969, "year": 1970'),
        (201,),
        note="the last duplicate wins, as in json.loads and FastAPI",
    ),
    post_book(
        "string of 900 000 characters", book(title=b'"' + b"a" * 900_000 + b'"'), (422,), big=True
    ),
    post_book(
        "string just over the body limit",
        book(title=b'"' + b"a" * MAX_BODY + b'"'),
        (413,),
        big=True,
    ),
    post_book(
        "list of 100 000 tags", book(tags=b"[" + b'"a",' * 99999 + b'"a"]'), (422,), big=True
    ),
    post_book(
        "list of 261 000 tags (the body limit's worth, echoed in the 422)",
        book(tags=b"[" + b'"a",' * 260_999 + b'"a"]'),
        (422,),
        big=True,
    ),
    post_book(
        "object with 50 000 extra keys",
        b"{" + b"".join(b'"k%d": 0, ' % i for i in range(50000)) + BOOK[1:],
        (201,),
        note="unknown keys are ignored (pydantic's default extra='ignore')",
        big=True,
    ),
    post_book("wrong top-level type", b"[1, 2, 3]", (422,)),
    post_book("null body", b"null", (422,)),
    post_book(
        "NUL characters in a string",
        book(title=b'"a\\u0000b"'),
        (201,),
        note="NUL is a valid JSON string character; the title is 3 characters",
    ),
    post_book("control characters unescaped in a string", book(title=b'"a\x01b"'), (422,)),
    post_book("field of the wrong type", book(tags=b'"not a list"'), (422,)),
    post_book("single-quoted JSON", b"{'title': 'T'}", (422,)),
    post_book("JSON with comments", b"/* c */" + BOOK, (422,)),
]

# -- multipart and URL-encoded forms ------------------------------------------------------

RATING = part(b"rating", b"5")
MP = "multipart and forms"

_form_cases = [
    form(
        "missing boundary",
        RATING + END,
        (400,),
        headers=((b"content-type", b"multipart/form-data"),),
    ),
    form(
        "empty boundary",
        RATING + END,
        (400,),
        headers=((b"content-type", b"multipart/form-data; boundary="),),
    ),
    form(
        "boundary of 5000 characters",
        RATING + END,
        (400,),
        headers=((b"content-type", b"multipart/form-data; boundary=" + b"b" * 5000),),
    ),
    form(
        "CVE-2024-24762: unclosed quoted boundary with 5000 backslashes",
        RATING + END,
        (400,),
        headers=((b"content-type", b'multipart/form-data; boundary="' + b"\\" * 5000 + b"a"),),
    ),
    form(
        "CVE-2024-24762: options ReDoS on a URL-encoded type",
        b"rating=5",
        (201, 400),
        headers=((b"content-type", b'application/x-www-form-urlencoded; !="' + b"\\" * 5000),),
        note="the options are ignored for URL-encoded forms; what matters is no hang",
    ),
    form("unterminated part (no closing boundary)", RATING, (400, 422)),
    form("part without headers", b"--hostile\r\n\r\n5\r\n" + END, (400,)),
    form(
        "part without a name",
        b"--hostile\r\nContent-Disposition: form-data\r\n\r\n5\r\n" + END,
        (400,),
    ),
    form("body that never starts a part", b"x" * 1000, (400,)),
    form(
        "boundary that does not match", part(b"rating", b"5").replace(b"hostile", b"other"), (400,)
    ),
    form(
        "CVE-2024-53981: 1 000 000 bytes of CR LF before the first boundary",
        b"\r\n" * 500_000 + RATING + END,
        (201,),
        note="a valid form after the preamble",
        big=True,
    ),
    form(
        "CVE-2024-53981: CR LF after the last boundary",
        RATING + END + b"\r\n" * 500_000,
        (201,),
        note="a valid form; the epilogue is ignored",
        big=True,
    ),
    form(
        "CVE-2026-40347: 1 MB preamble of junk",
        b"j" * 1_000_000 + b"\r\n" + RATING + END,
        (201, 400),
        note="a valid form after the preamble, if the parser skips it",
        big=True,
    ),
    form(
        "CVE-2026-40347: 1 MB epilogue of junk",
        RATING + END + b"j" * 1_000_000,
        (201,),
        note="a valid form; the epilogue is ignored",
        big=True,
    ),
    form(
        "CVE-2026-42561: 100 000 part header lines",
        b"--hostile\r\n" + b"X-A: b\r\n" * 100_000 + b"\r\n",
        (400, 413),
        big=True,
    ),
    form(
        "CVE-2026-42561: part header of 900 000 bytes",
        part(b"rating", b"5", extra=b"X-Big: " + b"a" * 900_000 + b"\r\n") + END,
        (400,),
        big=True,
    ),
    form(
        "CVE-2023-30798: 1500 empty fields",
        b"".join(part(b"f%d" % i, b"") for i in range(1500)) + END,
        (400,),
    ),
    form(
        "CVE-2023-30798: 1500 empty files",
        b"".join(part(b"f%d" % i, b"", filename=b"a") for i in range(1500)) + END,
        (400,),
    ),
    form(
        "CVE-2024-47874: 64 MiB field without a filename",
        stream(64 * MIB, head=b'--hostile\r\nContent-Disposition: form-data; name="text"\r\n\r\n'),
        (413,),
        big=True,
    ),
    form(
        "file of 64 MiB",
        stream(64 * MIB, head=part(b"cover", b"", filename=b"c.png", extra=PNG)[:-2]),
        (413,),
        headers=(KEY, MULTIPART),
        target=COVER,
        method="PUT",
        big=True,
    ),
    form(
        "CVE-2025-54121: file just under the limit (no spool rollover)",
        part(b"cover", b"p" * (MAX_BODY - 300), filename=b"c.png", extra=PNG) + END,
        (200,),
        headers=(KEY, MULTIPART),
        target=COVER,
        method="PUT",
        note="a valid upload: under the body limit a file never leaves memory",
        big=True,
    ),
    form(
        "file over the limit by one byte",
        part(b"cover", b"p" * MAX_BODY, filename=b"c.png", extra=PNG) + END,
        (413,),
        headers=(KEY, MULTIPART),
        target=COVER,
        method="PUT",
    ),
    form(
        "file where a plain field is expected",
        part(b"rating", b"5\n", filename=b"r.txt") + END,
        (422,),
    ),
    form(
        "two files where one is expected",
        part(b"cover", b"a", filename=b"a.png", extra=PNG)
        + part(b"cover", b"b", filename=b"b.png", extra=PNG)
        + END,
        (200,),
        headers=(KEY, MULTIPART),
        target=COVER,
        method="PUT",
        note="the first file is taken, as for any repeated form field",
    ),
    form(
        "plain field where a file is expected",
        part(b"cover", b"not a file") + END,
        (422,),
        headers=(KEY, MULTIPART),
        target=COVER,
        method="PUT",
    ),
    form(
        "filename with path traversal",
        part(b"cover", b"x", filename=b"../../etc/passwd", extra=PNG) + END,
        (200,),
        headers=(KEY, MULTIPART),
        target=COVER,
        method="PUT",
        note="the name is data: pegboard never writes uploads under their filename",
    ),
    form("filename with invalid UTF-8", part(b"rating", b"5", filename=b"\xff\xfe") + END, (422,)),
    form(
        "part with an unknown charset",
        part(b"rating", b"\xff\xfe", extra=b"Content-Type: text/plain; charset=bogus\r\n") + END,
        (422,),
    ),
    form(
        "field over its max_length",
        part(b"rating", b"5") + part(b"text", b"a" * 3000) + END,
        (422,),
    ),
    form("rating of 5000 digits", part(b"rating", b"9" * 5000) + END, (422,)),
    form(
        "URL-encoded with invalid UTF-8",
        b"rating=5&text=%FF",
        (201,),
        headers=(URLENCODED,),
        note="decoded with U+FFFD replacement, a valid review",
    ),
    form(
        "URL-encoded with an unknown charset",
        b"rating=5",
        (201,),
        headers=((b"content-type", b"application/x-www-form-urlencoded; charset=bogus"),),
        note="URL-encoded forms are UTF-8; the parameter is ignored",
    ),
    form(
        "CVE-2026-53539: 200 000 ';'-separated fields",
        b"a;" * 200_000,
        (422,),
        headers=(URLENCODED,),
        big=True,
    ),
    form("URL-encoded with 100 000 '%' signs", b"%" * 100_000, (422,), headers=(URLENCODED,)),
    form("URL-encoded with 2000 fields", b"a=1&" * 2000, (400,), headers=(URLENCODED,)),
    form(
        "URL-encoded field of 64 MiB",
        stream(64 * MIB, head=b"text="),
        (413,),
        headers=(URLENCODED,),
        big=True,
    ),
    form("URL-encoded NUL as the rating", b"rating=%00", (422,), headers=(URLENCODED,)),
]

# -- auth (the showcase's X-API-Key) ------------------------------------------------------

AUTH = "auth"


def write_with(*key_headers: tuple[bytes, bytes], target: bytes = b"/books") -> tuple:
    return ("POST", target, (*key_headers, JSON), (BOOK,))


_auth_cases = [
    Hostile(AUTH, "no API key", *write_with(), expect=(401,)),
    Hostile(AUTH, "empty API key", *write_with((b"x-api-key", b"")), expect=(401,)),
    Hostile(AUTH, "wrong API key", *write_with((b"x-api-key", b"nope")), expect=(403,)),
    Hostile(AUTH, "API key sent twice (same value)", *write_with(KEY, KEY), expect=(401,)),
    Hostile(
        AUTH,
        "API key sent twice (different values)",
        *write_with(KEY, (b"x-api-key", b"other")),
        expect=(401,),
    ),
    Hostile(
        AUTH, "API key with invalid bytes", *write_with((b"x-api-key", b"\xff\xfe")), expect=(401,)
    ),
    Hostile(AUTH, "API key with a NUL", *write_with((b"x-api-key", b"dev-key\x00")), expect=(401,)),
    Hostile(
        AUTH, "API key of 100 000 bytes", *write_with((b"x-api-key", b"a" * 100_000)), expect=(401,)
    ),
    Hostile(
        AUTH, "API key one byte over 8192", *write_with((b"x-api-key", b"a" * 8193)), expect=(401,)
    ),
    Hostile(
        AUTH,
        "API key with surrounding spaces",
        *write_with((b"x-api-key", b" dev-key ")),
        expect=(403,),
    ),
    Hostile(AUTH, "API key prefix only", *write_with((b"x-api-key", b"dev")), expect=(403,)),
    Hostile(
        AUTH,
        "API key in the query string",
        "POST",
        b"/books?x-api-key=dev-key",
        (JSON,),
        (BOOK,),
        (401,),
    ),
    Hostile(
        AUTH,
        "API key in a cookie",
        "POST",
        b"/books",
        ((b"cookie", b"x-api-key=dev-key"), JSON),
        (BOOK,),
        (401,),
    ),
    Hostile(
        AUTH,
        "API key as a Bearer token",
        "POST",
        b"/books",
        ((b"authorization", b"Bearer dev-key"), JSON),
        (BOOK,),
        (401,),
    ),
    Hostile(
        AUTH,
        "upload without a key, body never read",
        "PUT",
        COVER,
        (MULTIPART,),
        stream(64 * MIB),
        (401,),
        big=True,
    ),
]

CASES: tuple[Hostile, ...] = (
    *_path_cases,
    *_header_cases,
    *_query_cases,
    *_framing_cases,
    *_json_cases,
    *_form_cases,
    *_auth_cases,
)


# -- auth (the OAuth2 + JWT example: Bearer tokens and the password form) ---------------

#: The example app's signing key in these tests (``create_app(secret_key=JWT_SECRET)``).
JWT_SECRET = "reliability-secret-key-of-32-bytes!"
ME = b"/users/me"


def token(claims: dict[str, object], *, key: str = JWT_SECRET, algorithm: str = "HS256") -> bytes:
    base = {"sub": "ada", "scope": "me items:read items:write", "exp": 4_102_444_800}
    return jwt.encode({**base, **claims}, key, algorithm=algorithm).encode()


def _unsigned(claims: dict[str, object]) -> bytes:
    # alg "none": a token anyone can forge; PyJWT will not make one for a key, so by hand.
    import base64
    import json

    def part(data: dict[str, object]) -> bytes:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=")

    return part({"alg": "none", "typ": "JWT"}) + b"." + part(claims) + b"."


def me(name: str, authorization: tuple[bytes, ...], expect: tuple[int, ...], **kw: object):
    headers = tuple((b"authorization", value) for value in authorization)
    return Hostile(AUTH, name, "GET", ME, headers, expect=expect, **kw)  # type: ignore[arg-type]


def login(name: str, body: bytes, expect: tuple[int, ...], *, headers: Headers = (URLENCODED,),
          **kw: object) -> Hostile:  # fmt: skip
    return Hostile(AUTH, name, "POST", b"/token", headers, (body,), expect, **kw)  # type: ignore[arg-type]


_jwt_cases = [
    me("no Authorization header", (), (401,)),
    me("the scheme word only", (b"Bearer",), (401,)),
    me("an empty token", (b"Bearer ",), (401,)),
    me("Basic credentials where Bearer is expected", (b"Basic YWRhOmxvdmVsYWNl",), (401,)),
    me("two Authorization headers", (b"Bearer " + token({}), b"Bearer " + token({})), (401,)),
    me("a token of 9000 bytes", (b"Bearer " + b"a" * 9000,), (401,)),
    me("a token with invalid bytes", (b"Bearer \xff\xfe",), (401,)),
    me("a token with a NUL", (b"Bearer abc\x00def",), (401,)),
    me("a token with spaces and quotes", (b'Bearer a b "c"',), (401,)),
    me("a token that is not a JWT", (b"Bearer abc.def.ghi",), (401,)),
    me(
        "an unsigned token (alg none)",
        (b"Bearer " + _unsigned({"sub": "ada", "scope": "me", "exp": 4_102_444_800}),),
        (401,),
    ),
    me(
        "a token signed with another key", (b"Bearer " + token({}, key="another-key-" * 3),), (401,)
    ),
    me("an expired token", (b"Bearer " + token({"exp": 1}),), (401,)),
    me(
        "a token without exp",
        (
            b"Bearer "
            + jwt.encode({"sub": "ada", "scope": "me"}, JWT_SECRET, algorithm="HS256").encode(),
        ),
        (401,),
    ),
    me("a token for an unknown user", (b"Bearer " + token({"sub": "mallory"}),), (401,)),
    me("a token whose sub is not a string", (b"Bearer " + token({"sub": 42}),), (401,)),
    me("a token without the needed scope", (b"Bearer " + token({"scope": "items:read"}),), (403,)),
    me(
        "a lower-case scheme word with a valid token",
        (b"bearer " + token({}),),
        (200,),
        note="the scheme word is case-insensitive (RFC 9110)",
    ),
    login(
        "JSON instead of a form",
        b'{"username": "ada", "password": "lovelace"}',
        (415,),
        headers=(JSON,),
    ),
    login("no fields", b"", (422,)),
    login(
        "grant_type that is not password", b"username=ada&password=lovelace&grant_type=x", (422,)
    ),
    login("a wrong password", b"username=ada&password=nope", (400,)),
    login("an unknown user", b"username=mallory&password=nope", (400,)),
    login("a username with a NUL", b"username=ada%00&password=lovelace", (400,)),
    login("51 fields", b"&".join(b"f%d=x" % i for i in range(51)), (400,)),
    login("a password of 17 KiB", b"username=ada&password=" + b"p" * 17 * 1024, (400,)),
    login(
        "a file in the login form",
        part(b"username", b"ada", filename=b"u.txt") + END,
        (400,),
        headers=(MULTIPART,),
    ),
    login(
        "scopes the account does not have",
        b"username=bob&password=builder&scope=items:write",
        (200,),
        note="granted only what the account has (none of those asked)",
    ),
]

# Issue 16: a scope claim is input like any other (never a 500, never a grant).
_jwt_cases += [
    me(f"a scope claim that is {what}", (b"Bearer " + token({"scope": claim}),), (401,))
    for what, claim in (
        ("an int", 5),
        ("a float", 1.5),
        ("true", True),
        ("null in a list", ["me", None]),
        ("an object naming the scopes", {"me": 0, "items:read": 0, "items:write": 0}),
        ("a list with an int", ["me", 5]),
        ("a nested list", [["me"], "items:read"]),
        ("a list with an object", ["me", {"items:read": 1}]),
    )
]

#: Cases against the OAuth2 + JWT example (``examples/oauth2_jwt/app.py``).
JWT_CASES: tuple[Hostile, ...] = tuple(_jwt_cases)


# -- issue 16: raw JSON read by a handler, and an API-key cookie (apps/faults.py) ----------


def raw_json(name: str, body: bytes) -> Hostile:
    return Hostile("JSON body", f"request.json(): {name}", "POST", b"/raw-json", (JSON,), (body,))


def cookie(name: str, *values: bytes, expect: tuple[int, ...] = (401,)) -> Hostile:
    headers = tuple((b"cookie", value) for value in values)
    return Hostile(AUTH, f"API-key cookie: {name}", "GET", b"/cookie-key", headers, expect=expect)


_faults_cases = [
    raw_json("cut short", b'{"a": '),
    raw_json("trailing data", b'{"a": 1} x'),
    raw_json("empty", b""),
    raw_json("nested 100 000 deep", b"[" * 100_000 + b"]" * 100_000),
    raw_json("objects nested 50 000 deep", b'{"a":' * 50_000 + b"1" + b"}" * 50_000),
    raw_json("invalid UTF-8", b'{"a": "\xff\xfe"}'),
    raw_json("UTF-16 without a BOM, cut", b'{\x00"\x00a'),
    raw_json("NaN-like garbage", b"NaNx"),
    cookie("set twice in one header", b"key=first; key=second"),
    cookie("set twice, same value", b"key=same; key=same"),
    cookie("set twice without spaces", b"key=first;key=second"),
    cookie("set twice among others", b"a=1; key=first; b=2; key=second"),
    cookie("set twice with spaces around", b" key = first ; key=second"),
    cookie("set in two Cookie headers", b"key=first", b"key=second"),
    cookie("missing", b"other=1"),
    cookie("empty", b"key="),
    cookie("of 9000 bytes", b"key=" + b"k" * 9000),
]

#: Cases against ``apps/faults.py`` (routes that read the raw body, a cookie key).
FAULTS_CASES: tuple[Hostile, ...] = tuple(_faults_cases)
