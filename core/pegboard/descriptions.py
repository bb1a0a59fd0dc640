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
    """A JSON Schema and the named definitions it refers to, built on first use.

    Create it with :meth:`of` (known now) or :meth:`lazy` (built when a document
    first asks). Building runs once, under a lock; :attr:`schema` and
    :attr:`definitions` read the result.
    """

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
        """The JSON Schema; ``$ref`` values point to ``#/components/schemas/<Name>``."""
        return self.build()[0]

    @property
    def definitions(self) -> Mapping[str, JsonSchema]:
        """The named schemas :attr:`schema` refers to, by name."""
        return self.build()[1]


@attrs.frozen
class ParameterDescription:
    """A value read from the path, query string, headers or cookies.

    :ivar name: The name as the client sends it (a header's name, an alias).
    :ivar location: Where it is read: ``"path"``, ``"query"``, ``"header"`` or
        ``"cookie"``.
    :ivar schema: Its JSON Schema, or None for any value.
    :ivar required: Whether a request without it is refused.
    :ivar description: Its description in documents.
    :ivar deprecated: Whether documents mark it deprecated.
    :ivar examples: OpenAPI Example objects by name.
    :ivar include_in_schema: False keeps it out of documents.
    :ivar extra: More fields for the OpenAPI Parameter object (``x-...``).
    """

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
    """The request body: a schema per media type it accepts.

    :ivar content: A schema (or None for any) per media type, such as
        ``{"application/json": schema}``.
    :ivar required: Whether a request without a body is refused.
    :ivar description: Its description in documents.
    :ivar include_in_schema: False keeps it out of documents.
    :ivar extra: More fields for the OpenAPI Request Body object.
    """

    content: Mapping[str, Schema | None]
    required: bool = True
    description: str | None = None
    include_in_schema: bool = True
    extra: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class ResponseDescription:
    """One possible response: its status, a schema per media type, and headers.

    :ivar status_code: The status, or a range such as ``"4XX"``, or ``"default"``.
    :ivar description: What the response means.
    :ivar content: A schema (or None for any) per media type.
    :ivar headers: OpenAPI Header objects by header name.
    """

    status_code: int | str
    description: str = ""
    content: Mapping[str, Schema | None] = attrs.field(factory=dict)
    headers: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class SecurityDescription:
    """A security scheme a route requires, as an OpenAPI Security Scheme object.

    :ivar scheme_name: The name the scheme is registered under in documents.
    :ivar scheme: The OpenAPI Security Scheme object (``{"type": "http", ...}``).
    :ivar scopes: The scopes the route requires from it.
    """

    scheme_name: str
    scheme: Mapping[str, Any]
    scopes: tuple[str, ...] = ()


Description = ParameterDescription | BodyDescription | ResponseDescription | SecurityDescription
