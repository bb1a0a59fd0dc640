"""The per-route ASGI middleware: serve from the store, or store what the route sends.

Build time (the plugin): one :class:`CacheMiddleware` per caching route, with its key
prefix, policy and header names fixed; one :class:`ETagMiddleware` per route that
asks only for ``etag=True``. Per request, a GET or HEAD makes one key from the path,
the query string and the chosen headers, and one store lookup (two when the response
varies on request headers). A hit is sent from the stored bytes without running the
route; a miss runs it, and the response is stored if it may be.
"""

from __future__ import annotations

import functools
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pegboard.error_handling import AnswerError
from pegboard_caching.cache import Cache, normalise_query
from pegboard_caching.entries import (
    Entry,
    decode,
    encode_entry,
    encode_variants,
    etag_for,
    matches,
)
from pegboard_caching.policy import CachePolicy
from pegboard_stores import MemoryStore, StoreUnavailable

__all__ = ["CacheMiddleware", "ETagMiddleware"]

logger = logging.getLogger("pegboard.caching")

_SERVICE_UNAVAILABLE = b'{"detail":"The cache is unavailable; try again shortly."}'
# The headers a 304 repeats from the full response (RFC 9110, 15.4.5).
_NOT_MODIFIED_HEADERS = frozenset({b"cache-control", b"etag", b"vary", b"expires", b"date"})
_NO_STORE = (b"no-store", b"private", b"no-cache")
# Decoded entries kept per route: at most this many, of at most this size each.
_MEMO_ENTRIES = 64
_MEMO_LARGEST = 64 * 1024


async def _send_not_modified(send: Send, headers: Any) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 304,
            "headers": [(k, v) for k, v in headers if k in _NOT_MODIFIED_HEADERS],
        }
    )
    await send({"type": "http.response.body", "body": b""})


class CacheMiddleware:
    """Caches one route's responses in the app's :class:`~pegboard_caching.Cache`.

    :param app: The route's callable.
    :param cache: The app's cache (its store and error policy).
    :param prefix: The prefix of this route's keys.
    :param policy: The route's policy.
    """

    __slots__ = (
        "_answer",
        "_authorized",
        "_cache_control",
        "_decoded",
        "_etag",
        "_get_now",
        "_headers",
        "app",
        "cache",
        "policy",
        "prefix",
    )

    def __init__(self, app: ASGIApp, *, cache: Cache, prefix: str, policy: CachePolicy) -> None:
        self.app = app
        self.cache = cache
        self.prefix = prefix
        self.policy = policy
        self._headers = tuple(name.encode("latin-1") for name in policy.headers)
        self._authorized = policy.authorized
        self._etag = policy.etag
        self._cache_control = policy.cache_control_value
        # A memory store is read without an await (decided here, once; a subclass may
        # differ). It never raises StoreUnavailable.
        store = cache.store
        self._get_now = store.get_now if type(store) is MemoryStore else None
        # The last entries read, decoded: a hit on the same bytes skips decoding.
        self._decoded: dict[str, tuple[bytes, Entry | tuple[str, ...] | None]] = {}
        self._answer: AnswerError | None = None

    def answering_errors(self, answer: AnswerError) -> ASGIApp:
        """Build time: answer errors here, sparing the core's wrapper that would.

        The core asks when this is the route's outermost middleware and the app has no
        middleware of its own (:class:`pegboard.error_handling.AnswersErrors`).
        """
        self._answer = answer
        return self

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Per request: a hit is a key, one dictionary read and two messages."""
        started = False  # a hit or a 304 began
        passed: _Passed | _Storer | None = None  # the send the route got, if it ran
        try:
            method = scope["method"]
            if method != "GET" and method != "HEAD":
                passed = _Passed(send)
                await self.app(scope, receive, passed)
                return
            if_none_match = None
            wanted = self._headers
            values: list[bytes] | None = None
            if wanted:
                values = [b""] * len(wanted)
            for key, value in scope["headers"]:
                if key == b"if-none-match":
                    if_none_match = value
                elif key == b"authorization" and not self._authorized:
                    passed = _Passed(send)
                    await self.app(scope, receive, passed)
                    return
                elif values is not None and key in wanted:
                    values[wanted.index(key)] = value
            path: str = scope["path"]
            root = scope.get("root_path")
            if root and path.startswith(root):
                path = path[len(root) :]
            query = scope.get("query_string")
            if query:
                query_key = normalise_query(query.decode("latin-1"), self.policy)
                cache_key = f"{self.prefix}{path}?{query_key}#"
            else:
                cache_key = f"{self.prefix}{path}?#"
            if values is not None:
                cache_key += "\n".join(v.decode("latin-1") for v in values)
            get_now = self._get_now
            found: Entry | tuple[str, ...] | None
            if get_now is not None:
                # The memory store hands back the very bytes it holds: a hit on the
                # bytes read last time is decoded already.
                found = None
                raw = get_now(cache_key)
                if raw is not None:
                    found = self._known(cache_key, raw)
                    if type(found) is tuple:  # the entry is under its variant's key
                        variant = _variant_key(cache_key, found, scope)
                        found = None
                        raw = get_now(variant)
                        if raw is not None:
                            found = self._known(variant, raw)
                            if type(found) is tuple:  # not an entry: a miss
                                found = None
            else:
                cache = self.cache
                if cache._down_until and not cache.available():
                    passed = _Passed(send)
                    await self._unavailable(scope, receive, passed)
                    return
                try:
                    raw = await cache.store.get(cache_key)
                    found = None if raw is None else await self._lookup(cache_key, raw, scope)
                except StoreUnavailable as error:
                    cache.failed(error)
                    passed = _Passed(send)
                    await self._unavailable(scope, receive, passed)
                    return
            if found is None:
                if method == "HEAD":
                    passed = _Passed(send)
                    await self.app(scope, receive, passed)
                    return
                passed = _Storer(self, cache_key, scope, if_none_match, send)
                await self.app(scope, receive, passed.send)
                return
            # A hit, sent from the stored bytes.
            entry: Entry = found  # type: ignore[assignment]  # a variant marker was followed
            started = True
            if (
                if_none_match is not None
                and self._etag
                and entry.etag is not None
                and matches(if_none_match, entry.etag)
            ):
                await _send_not_modified(send, entry.headers)
                return
            age = int(_now() - entry.stored_at)
            await send(
                {
                    "type": "http.response.start",
                    "status": entry.status,
                    "headers": [*entry.headers, _AGES[age] if 0 <= age < 4096 else _age(age)],
                }
            )
            await send(
                {"type": "http.response.body", "body": entry.body if method == "GET" else b""}
            )
        except Exception as exc:
            answer = self._answer
            if answer is None:  # the app's middleware answers it
                raise
            await answer(
                exc, scope, receive, send, started or (passed is not None and passed.started)
            )

    async def _lookup(self, key: str, raw: bytes, scope: Scope) -> Entry | tuple[str, ...] | None:
        """The entry ``raw`` (stored under ``key``) gives, following a variant marker."""
        known = self._decoded.get(key)
        if known is not None and (known[0] is raw or known[0] == raw):
            found = known[1]
        else:
            found = self._remember(key, raw)
        if type(found) is tuple:
            found = await self._read(_variant_key(key, found, scope))
        return found

    async def _read(self, key: str) -> Entry | tuple[str, ...] | None:
        """What the store holds under ``key``, decoded (per request)."""
        raw = await self.cache.store.get(key)
        if raw is None:
            return None
        known = self._decoded.get(key)
        if known is not None and (known[0] is raw or known[0] == raw):
            return known[1]
        return self._remember(key, raw)

    def _known(self, key: str, raw: bytes) -> Entry | tuple[str, ...] | None:
        """What ``raw``, read under ``key``, decodes to: the last decoding if the same bytes."""
        known = self._decoded.get(key)
        if known is not None and known[0] is raw:
            return known[1]
        return self._remember(key, raw)

    def _remember(self, key: str, raw: bytes) -> Entry | tuple[str, ...] | None:
        """Decode ``raw``, keeping the result for the next hit on the same bytes."""
        found = decode(raw)
        if len(raw) <= _MEMO_LARGEST:
            decoded = self._decoded
            if len(decoded) >= _MEMO_ENTRIES:
                decoded.clear()
            decoded[key] = (raw, found)
        return found

    async def _unavailable(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.cache.on_store_error == "open":
            await self.app(scope, receive, send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 503,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(_SERVICE_UNAVAILABLE)).encode()),
                    (b"retry-after", str(max(1, round(self.cache.retry_after))).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": _SERVICE_UNAVAILABLE})


def _age(age: int) -> tuple[bytes, bytes]:
    return (b"age", str(age).encode() if age > 0 else b"0")


# Age fields, made once: a hit sends one of them.
_AGES = [_age(n) for n in range(4096)]
_now = time.time


@functools.lru_cache(maxsize=256)
def _names(names: tuple[str, ...]) -> tuple[bytes, ...]:
    return tuple(name.encode("latin-1") for name in names)


def _variant_key(cache_key: str, names: tuple[str, ...], scope: Scope) -> str:
    """The key of the entry for this request's values of the headers a response varies on."""
    wanted = _names(names)
    if len(wanted) == 1:  # the usual Vary: one header (Accept-Encoding)
        name = wanted[0]
        value = b",".join([v for k, v in scope["headers"] if k == name])
        return cache_key + "\x00" + value.decode("latin-1")
    found: dict[bytes, list[bytes]] = {name: [] for name in wanted}
    for key, value in scope["headers"]:
        values = found.get(key)
        if values is not None:
            values.append(value)
    return cache_key + "\x00" + "\n".join(b",".join(v).decode("latin-1") for v in found.values())


class _Passed:
    """The send of a request the route serves uncached: notes whether the response began."""

    __slots__ = ("_send", "started")

    def __init__(self, send: Send) -> None:
        self._send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        await self._send(message)


class _Storer:
    """One response on a miss: sent to the client, and stored if it may be."""

    __slots__ = ("_if_none_match", "_key", "_middleware", "_scope", "_send", "_start", "started")

    def __init__(
        self,
        middleware: CacheMiddleware,
        key: str,
        scope: Scope,
        if_none_match: bytes | None,
        send: Send,
    ) -> None:
        self._middleware, self._key, self._scope = middleware, key, scope
        self._if_none_match, self._send = if_none_match, send
        self._start: Message | None = None
        self.started = False  # the start message went out

    async def send(self, message: Message) -> None:
        start = self._start
        if message["type"] == "http.response.start":
            self._start = message
            return
        if start is None or message["type"] != "http.response.body":
            await self._send(message)
            return
        self._start = None
        self.started = True  # every way on sends a start message
        body: bytes = message.get("body", b"")
        if message.get("more_body", False):  # a stream: sent, never stored
            await self._send(start)
            await self._send(message)
            return
        middleware = self._middleware
        policy = middleware.policy
        headers = _storable_headers(start, body, policy)
        if headers is None:
            await self._send(start)
            await self._send(message)
            return
        etag = None
        if policy.etag:
            etag = next((v for k, v in headers if k == b"etag"), None)
            if etag is None:
                etag = etag_for(body)
                headers.append((b"etag", etag))
        if middleware._cache_control is not None and not any(
            k == b"cache-control" for k, _ in headers
        ):
            headers.append((b"cache-control", middleware._cache_control))
        # Stored before it is sent: once a client has the response, every worker
        # serves it from the store.
        await self._store(start["status"], headers, body)
        if (
            self._if_none_match is not None
            and etag is not None
            and matches(self._if_none_match, etag)
        ):
            await _send_not_modified(self._send, headers)
        else:
            await self._send({**start, "headers": headers})
            await self._send(message)

    async def _store(self, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        middleware = self._middleware
        cache = middleware.cache
        entry = encode_entry(status, headers, body, time.time())
        if entry is None:
            return
        vary = sorted(
            {
                name.strip().lower()
                for k, v in headers
                if k == b"vary"
                for name in v.decode("latin-1").split(",")
                if name.strip()
            }
        )
        try:
            ttl = middleware.policy.ttl
            if vary:
                await cache.store.set(self._key, encode_variants(vary), expires_in=ttl)
                key = _variant_key(self._key, tuple(vary), self._scope)
                await cache.store.set(key, entry, expires_in=ttl)
            else:
                await cache.store.set(self._key, entry, expires_in=ttl)
        except StoreUnavailable as error:
            cache.failed(error)


def _storable_headers(
    start: Message, body: bytes, policy: CachePolicy
) -> list[tuple[bytes, bytes]] | None:
    """The response's headers (lowercased names) if it may be stored, else None."""
    if start["status"] not in policy.statuses or len(body) > policy.max_size:
        return None
    headers: list[tuple[bytes, bytes]] = []
    for key, value in start.get("headers", ()):
        key = key.lower()
        if key == b"set-cookie" and not policy.cookies:
            return None
        if key == b"cache-control" and any(word in value.lower() for word in _NO_STORE):
            return None
        if key == b"vary" and b"*" in value:
            return None
        headers.append((key, value))
    return headers


class ETagMiddleware:
    """``etag=True`` on a route that does not cache: an ``ETag`` and ``304`` per response.

    The route still runs every time; what is saved is sending the body again to a
    client that has it.

    :param app: The route's callable.
    """

    __slots__ = ("app",)

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Per request."""
        if scope["method"] != "GET":  # a HEAD response has no body to hash
            await self.app(scope, receive, send)
            return
        if_none_match = None
        for key, value in scope["headers"]:
            if key == b"if-none-match":
                if_none_match = value
                break
        start: Message | None = None

        async def tagging_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            held, start = start, None
            if held is None or message["type"] != "http.response.body":
                await send(message)
                return
            if message.get("more_body", False) or held["status"] != 200:
                await send(held)
                await send(message)
                return
            headers = list(held.get("headers", ()))
            etag = next((v for k, v in headers if k.lower() == b"etag"), None)
            if etag is None:
                etag = etag_for(message.get("body", b""))
                headers.append((b"etag", etag))
            if if_none_match is not None and matches(if_none_match, etag):
                await _send_not_modified(send, [(k.lower(), v) for k, v in headers])
                return
            await send({**held, "headers": headers})
            await send(message)

        await self.app(scope, receive, tagging_send)
