"""``Compress``: what one route (or router, or app) asks of the compression plugin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from pegboard import ConfigurationError

__all__ = ["Compress"]


def _size(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(
            f"Compress({attribute.name}={value!r}): give a number of bytes (0 or more), "
            "or None for the plugin's default."
        )


def _encodings(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Sequence) or not value:
        raise ConfigurationError(
            f"Compress(encodings={value!r}): give a non-empty list such as ['br', 'gzip'], "
            "or None for the plugin's."
        )
    return tuple(str(v) for v in value)


@attrs.frozen
class Compress:
    """The ``compress=`` route option in full; ``compress=True`` is ``Compress()``.

    :ivar minimum_size: Bodies smaller than this many bytes go out uncompressed;
        None takes the plugin's ``minimum_size``.
    :ivar streams: Also compress streamed responses and server-sent events, flushing
        after every chunk so each event still arrives at once. Off by default: a
        stream's chunks are often too small to gain, and some proxies buffer
        compressed streams.
    :ivar encodings: The codings this route may use, best first; None takes the
        plugin's. Each must be one the plugin offers.
    """

    minimum_size: int | None = attrs.field(default=None, validator=_size)
    streams: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    encodings: tuple[str, ...] | None = attrs.field(default=None, converter=_encodings)
