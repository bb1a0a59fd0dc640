"""Build time: a route's ``rate_limit`` option, parsed by ``limits``, checked, named."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs
import limits

from pegboard import RouteDefinitionError

__all__ = ["Limit", "parse_rate_limit"]

_HOW = (
    "Write it as 'N/unit' or 'N per M units' (units: second, minute, hour, day, month, "
    "year), for example rate_limit='100/minute'; give several as a list "
    "(rate_limit=['10/second', '1000/hour']), or None to exempt the route."
)


@attrs.frozen
class Limit:
    """One limit: at most ``amount`` requests per window of ``seconds``.

    :ivar text: How ``limits`` writes it, for messages ("100 per 1 minute").
    :ivar id: A short, stable name for store keys ("100/60").
    """

    amount: int
    seconds: int
    text: str
    id: str

    @classmethod
    def of(cls, item: limits.RateLimitItem) -> Limit:
        seconds = int(item.get_expiry())
        return cls(item.amount, seconds, str(item), f"{item.amount}/{seconds}")

    @property
    def policy(self) -> str:
        """This limit as a ``RateLimit-Policy`` item: ``100;w=60``."""
        return f"{self.amount};w={self.seconds}"

    def describe(self) -> str:
        return f"{self.amount} per {_duration(self.seconds)}"


def _duration(seconds: int) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            count = seconds // size
            return unit if count == 1 else f"{count} {unit}s"
    return "second" if seconds == 1 else f"{seconds} seconds"


def _items(value: Any, where: str) -> list[limits.RateLimitItem]:
    if isinstance(value, limits.RateLimitItem):
        return [value]
    if isinstance(value, str):
        try:
            return list(limits.parse_many(value))
        except ValueError as exc:
            raise RouteDefinitionError(
                f"{where} has rate_limit={value!r}, which is not a rate limit ({exc}). {_HOW}"
            ) from None
    if isinstance(value, Sequence) and value:
        return [item for part in value for item in _items(part, where)]
    raise RouteDefinitionError(f"{where} has rate_limit={value!r}. {_HOW}")


def parse_rate_limit(value: Any, where: str) -> tuple[Limit, ...]:
    """The limits of one option value, shortest window first; raise naming ``where``.

    :param value: The option: a string, a ``limits.RateLimitItem``, or a list of those.
    :param where: How messages name the route ("Route GET /items").
    """
    found: dict[tuple[int, int], Limit] = {}
    for item in _items(value, where):
        if item.amount < 1:
            raise RouteDefinitionError(
                f"{where} has rate_limit={value!r}, which allows no request at all. "
                "Use a limit of at least 1 (to close a route, remove it). " + _HOW
            )
        limit = Limit.of(item)
        found[(limit.seconds, limit.amount)] = limit
    ordered = sorted(found.values(), key=lambda limit: (limit.seconds, limit.amount))
    return tuple(ordered)
