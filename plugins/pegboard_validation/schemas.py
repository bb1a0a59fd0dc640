"""JSON Schemas for one app, generated together in a single pydantic pass.

Every adapter the plugin builds for an app (parameters, bodies, response models) is
registered here while the app is compiled, and each gets a lazy
:class:`~pegboard.descriptions.Schema`. The first time any of them is read, all of
them are generated at once with one ``GenerateJsonSchema``, so definitions get one
consistent set of names: two models called ``Item`` in different modules get
distinct names, and a model whose input and output schemas differ appears as
``Item-Input`` and ``Item-Output`` (unless ``separate_input_output_schemas=False``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

import attrs
from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, JsonSchemaValue
from pydantic_core import CoreSchema, core_schema, to_jsonable_python

from pegboard.descriptions import JsonSchema, Schema

__all__ = [
    "REF_PREFIX",
    "VALIDATION_ERROR_DEFINITIONS",
    "SchemaRegistry",
    "json_default",
    "referenced_definitions",
]

REF_PREFIX = "#/components/schemas/"

#: The 422 body, as FastAPI documents it (``HTTPValidationError``).
VALIDATION_ERROR_DEFINITIONS: dict[str, JsonSchema] = {
    "ValidationError": {
        "title": "ValidationError",
        "type": "object",
        "properties": {
            "loc": {
                "title": "Location",
                "type": "array",
                "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
            },
            "msg": {"title": "Message", "type": "string"},
            "type": {"title": "Error Type", "type": "string"},
            "input": {"title": "Input"},
            "ctx": {"title": "Context", "type": "object"},
        },
        "required": ["loc", "msg", "type"],
    },
    "HTTPValidationError": {
        "title": "HTTPValidationError",
        "type": "object",
        "properties": {
            "detail": {
                "title": "Detail",
                "type": "array",
                "items": {"$ref": REF_PREFIX + "ValidationError"},
            }
        },
    },
}

#: The 422 body when ``validation(problem_details=True)``: RFC 9457.
PROBLEM_DEFINITIONS: dict[str, JsonSchema] = {
    "ValidationProblem": {
        "title": "ValidationProblem",
        "type": "object",
        "properties": {
            "type": {"title": "Type", "type": "string"},
            "title": {"title": "Title", "type": "string"},
            "status": {"title": "Status", "type": "integer"},
            "detail": {"title": "Detail", "type": "string"},
            "instance": {"title": "Instance", "type": "string"},
            "errors": {
                "title": "Errors",
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string"},
                        "detail": {"type": "string"},
                        "pointer": {"type": "string"},
                        "in": {"type": "string"},
                        "parameter": {"type": "string"},
                        "position": {"type": "integer"},
                    },
                    "required": ["code", "detail"],
                },
            },
        },
        "required": ["type", "title", "status"],
    }
}


class _Generator(GenerateJsonSchema):
    # A document must still build when one type cannot be described (say, a callable
    # default); that part becomes "any value" instead of failing the whole document.
    ignored_warning_kinds = {"skipped-choice", "non-serializable-default"}

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        # "default": null says nothing a client needs (the field is optional either
        # way), and FastAPI's documents leave it out.
        json_schema = super().default_schema(schema)
        if "default" in json_schema and json_schema["default"] is None:
            del json_schema["default"]
        return json_schema

    def handle_invalid_for_json_schema(
        self, schema: core_schema.CoreSchema, error_info: str
    ) -> JsonSchemaValue:
        return {}


def referenced_definitions(
    schema: Any, definitions: Mapping[str, JsonSchema]
) -> dict[str, JsonSchema]:
    """The definitions ``schema`` refers to, directly or through other definitions."""
    found: dict[str, JsonSchema] = {}
    pending = [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith(REF_PREFIX):
                name = ref[len(REF_PREFIX) :]
                if name not in found and name in definitions:
                    found[name] = definitions[name]
                    pending.append(definitions[name])
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return found


def json_default(value: Any) -> Any:
    """A default value as JSON, for documents; None if it has no JSON form."""
    try:
        return to_jsonable_python(value)
    except Exception:
        return None


_Built = tuple[JsonSchema, Mapping[str, JsonSchema]]


@attrs.define
class SchemaRegistry:
    """The schemas of one app, built together on first use."""

    separate_input_output: bool = True
    _entries: list[tuple[int, JsonSchemaMode, CoreSchema]] = attrs.field(factory=list)
    _schemas: dict[tuple[int, JsonSchemaMode], JsonSchema] = attrs.field(factory=dict)
    _definitions: dict[str, JsonSchema] = attrs.field(factory=dict)
    _generated: int = 0  # how many entries the last pass covered
    _lock: threading.RLock = attrs.field(factory=threading.RLock)

    def register(self, adapter: TypeAdapter[Any], mode: JsonSchemaMode) -> Schema:
        """A lazy Schema of ``adapter``'s type for input (validation) or output."""
        if not self.separate_input_output:
            mode = "validation"
        key = len(self._entries)
        self._entries.append((key, mode, adapter.core_schema))
        return Schema.lazy(lambda: self.build(key, mode))

    def derive(
        self, base: Schema, change: Callable[[JsonSchema, Mapping[str, JsonSchema]], JsonSchema]
    ) -> Schema:
        """A lazy Schema computed from ``base``'s schema and all definitions."""

        def build() -> _Built:
            schema, _ = base.build()
            with self._lock:
                definitions = dict(self._definitions)
            changed = change(schema, definitions)
            return changed, referenced_definitions(changed, definitions)

        return Schema.lazy(build)

    def build(self, key: int, mode: JsonSchemaMode) -> _Built:
        with self._lock:
            if self._generated < len(self._entries):
                self._generate()
            schema = self._schemas[key, mode]
            return schema, referenced_definitions(schema, self._definitions)

    def _generate(self) -> None:
        generator = _Generator(ref_template=REF_PREFIX + "{model}")
        schemas, definitions = generator.generate_definitions(list(self._entries))
        self._schemas = dict(schemas)
        self._definitions = {str(name): schema for name, schema in definitions.items()}
        self._generated = len(self._entries)
