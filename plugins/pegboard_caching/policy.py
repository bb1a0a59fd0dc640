"""``CachePolicy``: what one route caches, for how long, under which key."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import attrs

from pegboard import ConfigurationError

__all__ = ["CACHEABLE_STATUSES", "CachePolicy"]

#: The statuses stored by default: those RFC 9110 (15.1) lets a cache store without
#: explicit freshness, less 206 (ranges are not cached) and the method-related ones.
CACHEABLE_STATUSES: frozenset[int] = frozenset({200, 203, 204, 300, 301, 308, 404, 410})


def _fail(field: str, value: Any, needs: str) -> ConfigurationError:
    return ConfigurationError(f"CachePolicy({field}={value!r}): {needs}")


def _ttl(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise _fail("ttl", value, "give the seconds a response stays cached, more than 0.")


def _names(field: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Collection):
        raise _fail(field, value, "give a list of names, such as ['accept-language'].")
    names = []
    for name in value:
        if not isinstance(name, str) or not name:
            raise _fail(field, value, f"{name!r} is not a name.")
        names.append(name.lower() if field == "headers" else name)
    return tuple(dict.fromkeys(names))


def _header_names(value: Any) -> tuple[str, ...]:
    return _names("headers", value)


def _tags(value: Any) -> tuple[str, ...]:
    return _names("tags", value)


def _query(value: Any) -> bool | tuple[str, ...]:
    if isinstance(value, bool):
        return value
    return _names("query", value)


def _statuses(value: Any) -> frozenset[int]:
    if isinstance(value, (str, bytes)) or not isinstance(value, Collection):
        raise _fail("statuses", value, "give a set of status codes, such as {200, 404}.")
    for status in value:
        if isinstance(status, bool) or not isinstance(status, int) or not 200 <= status < 600:
            raise _fail("statuses", value, f"{status!r} is not a final status code.")
        if status in (206, 304):
            raise _fail("statuses", value, f"{status} responses are never stored.")
    return frozenset(value)


def _cache_control(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool):
        return
    if not isinstance(value, str) or not value.strip() or any(c in value for c in "\r\n"):
        raise _fail(
            "cache_control", value, "give True (max-age from ttl), False, or a header value."
        )


def _max_size(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail("max_size", value, "give the largest body to store, in bytes.")


@attrs.frozen
class CachePolicy:
    """The ``cache=`` route option in full; ``cache=60`` is ``CachePolicy(ttl=60)``.

    Only GET requests are stored, and HEAD requests are answered from what GET stored.
    The key is the route, the path, the query string (its parameters sorted) and the
    values of the request headers named in ``headers``; a response's own ``Vary``
    header adds the headers it names.

    :ivar ttl: Seconds a stored response is served before the handler runs again.
    :ivar query: True keys on the whole query string, False ignores it, a list keys
        on the named parameters only (so made-up parameters cannot fill the cache).
    :ivar headers: Request headers whose values are part of the key
        (``["accept-language"]``).
    :ivar statuses: The statuses stored; :data:`CACHEABLE_STATUSES` by default.
    :ivar tags: Names to invalidate this route's entries by: ``cache.invalidate(tag=...)``.
    :ivar cache_control: The ``Cache-Control`` header of stored responses: True gives
        ``max-age=<ttl>``, a string is sent as it is, False sends none. A handler's own
        ``Cache-Control`` always wins.
    :ivar etag: Give stored responses an ``ETag`` (a hash of the body) when the
        handler set none, and answer ``If-None-Match`` with ``304 Not Modified``.
    :ivar authorized: Also cache requests that carry ``Authorization``. Off by
        default: such responses usually differ per user. When on, add
        ``"authorization"`` to ``headers`` unless every user gets the same response.
    :ivar cookies: Also store responses that set cookies (``Set-Cookie`` would be
        replayed to every client that gets the stored response). Off by default.
    :ivar max_size: The largest body stored, in bytes; larger ones are sent, not kept.
    """

    ttl: float = attrs.field(validator=_ttl)
    query: bool | tuple[str, ...] = attrs.field(default=True, converter=_query)
    headers: tuple[str, ...] = attrs.field(default=(), converter=_header_names)
    statuses: frozenset[int] = attrs.field(default=CACHEABLE_STATUSES, converter=_statuses)
    tags: tuple[str, ...] = attrs.field(default=(), converter=_tags)
    cache_control: str | bool = attrs.field(default=True, validator=_cache_control)
    etag: bool = attrs.field(default=True, validator=attrs.validators.instance_of(bool))
    authorized: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    cookies: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    max_size: int = attrs.field(default=1024 * 1024, validator=_max_size)

    @property
    def cache_control_value(self) -> bytes | None:
        """The ``Cache-Control`` value the plugin adds, or None."""
        if self.cache_control is True:
            return f"max-age={round(self.ttl)}".encode()
        if self.cache_control is False:
            return None
        return self.cache_control.encode("latin-1")
