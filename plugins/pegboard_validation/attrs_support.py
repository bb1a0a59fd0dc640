"""Validating attrs classes with pydantic, which does not know them.

An attrs class used as a body (or inside one) is validated like a TypedDict of its
``__init__`` arguments, then constructed, so its own validators and converters run;
an instance (a handler's return value) passes as it is.
It serializes back through the same fields. The schema carries a reference, so
attrs classes that refer to themselves work, and shows in JSON Schema under the
class name.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import attrs
from pydantic import GetCoreSchemaHandler
from pydantic_core import PydanticCustomError, core_schema

__all__ = ["AttrsSchema"]

_building = threading.local()


class AttrsSchema:
    """``Annotated`` metadata that teaches pydantic one attrs class."""

    __slots__ = ("adapt", "cls")

    def __init__(self, cls: type[Any], adapt: Callable[[Any], Any]) -> None:
        self.cls = cls
        self.adapt = adapt  # rewrites field types that pydantic does not know either

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        cls = self.cls
        ref = f"{cls.__module__}.{cls.__qualname__}:{id(cls)}"
        active: set[str] = _building.__dict__.setdefault("refs", set())
        if ref in active:
            return core_schema.definition_reference_schema(ref)
        active.add(ref)
        try:
            return self._schema(cls, ref, handler)
        finally:
            active.discard(ref)

    def _schema(
        self, cls: type[Any], ref: str, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        attrs.resolve_types(cls)
        fields: dict[str, core_schema.TypedDictField] = {}
        names: list[tuple[str, str]] = []
        for field in attrs.fields(cls):
            if not field.init:
                continue
            annotation = Any if field.type is None else self.adapt(field.type)
            schema = handler.generate_schema(annotation)
            default = field.default
            if default is attrs.NOTHING:
                fields[field.alias] = core_schema.typed_dict_field(schema, required=True)
            else:
                if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                    if default.takes_self:
                        # Such a default needs the instance; let __init__ compute it.
                        schema = core_schema.with_default_schema(schema, default=_OMIT)
                    else:
                        schema = core_schema.with_default_schema(
                            schema, default_factory=default.factory
                        )
                else:
                    schema = core_schema.with_default_schema(schema, default=default)
                fields[field.alias] = core_schema.typed_dict_field(schema, required=False)
            names.append((field.alias, field.name))
        data_schema = core_schema.typed_dict_schema(fields)

        def construct(value: Any, validate: core_schema.ValidatorFunctionWrapHandler) -> Any:
            if isinstance(value, cls):
                return value  # an instance is trusted, as pydantic trusts model instances
            kwargs = {k: v for k, v in validate(value).items() if v is not _OMIT}
            try:
                return cls(**kwargs)
            except (TypeError, ValueError) as exc:
                # attrs validators raise these; make them validation errors, not 500s.
                raise PydanticCustomError(
                    "value_error", "Value error, {error}", {"error": str(exc)}
                ) from exc

        def as_data(value: Any, serialize: core_schema.SerializerFunctionWrapHandler) -> Any:
            return serialize({alias: getattr(value, name) for alias, name in names})

        return core_schema.no_info_wrap_validator_function(
            construct,
            data_schema,
            ref=ref,
            metadata={"pydantic_js_updates": {"title": cls.__name__}},
            serialization=core_schema.wrap_serializer_function_ser_schema(
                as_data, schema=data_schema
            ),
        )


class _Omitted:
    def __repr__(self) -> str:
        return "<default computed by __init__>"


_OMIT: Any = _Omitted()
