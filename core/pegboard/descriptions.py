"""How resolvers and encoders describe themselves, so documents can be built from them.

The OpenAPI plugin never imports the plugins whose parameters it documents. Instead,
every :class:`~pegboard.resolvers.Resolver` and :class:`~pegboard.resolvers.Encoder`
carries a tuple of the descriptions below, and the compiled route gathers them. Any
plugin, first- or third-party, documents what it reads by attaching these.

JSON Schemas are wrapped in :class:`Schema` so they can be generated lazily, all at
once, only when a document is asked for. A schema refers to shared definitions with
``{"$ref": "#/components/schemas/<Name>"}`` and lists those definitions beside it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs

__all__ = [
    "BodyDescription",
    "Description",
    "JsonSchema",
    "ParameterDescription",
    "ResponseDescription",
    "Schema",
    "SecurityDescription",
]

JsonSchema = Mapping[str, Any]
_Built = tuple[JsonSchema, Mapping[str, JsonSchema]]


@attrs.frozen(eq=False)
class Schema:
    """A JSON Schema and the named definitions it refers to, built on first use."""

    _build: Callable[[], _Built]
    _cache: list[_Built] = attrs.field(factory=list, repr=False)
    _lock: threading.Lock = attrs.field(factory=threading.Lock, repr=False)

    @classmethod
    def of(cls, schema: JsonSchema, definitions: Mapping[str, JsonSchema] | None = None) -> Schema:
        """A schema that is already known."""
        built: _Built = (schema, definitions or {})
        return cls(lambda: built)

    @classmethod
    def lazy(cls, build: Callable[[], _Built]) -> Schema:
        """A schema built by ``build()`` -> ``(schema, definitions)`` when first needed."""
        return cls(build)

    def build(self) -> _Built:
        """Return ``(schema, definitions)``, building them once."""
        with self._lock:
            if not self._cache:
                self._cache.append(self._build())
            return self._cache[0]

    @property
    def schema(self) -> JsonSchema:
        return self.build()[0]

    @property
    def definitions(self) -> Mapping[str, JsonSchema]:
        return self.build()[1]


@attrs.frozen
class ParameterDescription:
    """A value read from the path, query string, headers or cookies."""

    name: str
    location: Literal["path", "query", "header", "cookie"]
    schema: Schema | None = None
    required: bool = False
    description: str | None = None
    deprecated: bool = False
    examples: Mapping[str, Any] | None = None
    include_in_schema: bool = True
    extra: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class BodyDescription:
    """The request body: a schema per media type it accepts."""

    content: Mapping[str, Schema | None]
    required: bool = True
    description: str | None = None
    include_in_schema: bool = True
    extra: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class ResponseDescription:
    """One possible response: its status, a schema per media type, and headers."""

    status_code: int | str
    description: str = ""
    content: Mapping[str, Schema | None] = attrs.field(factory=dict)
    headers: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class SecurityDescription:
    """A security scheme a route requires, as an OpenAPI Security Scheme object."""

    scheme_name: str
    scheme: Mapping[str, Any]
    scopes: tuple[str, ...] = ()


Description = ParameterDescription | BodyDescription | ResponseDescription | SecurityDescription
