"""The markers that say where a parameter comes from: ``Query()``, ``Body()``, ``File()``, ...

Use them as a default value (``limit: int = Query(10, le=100)``) or inside
``Annotated`` (``limit: Annotated[int, Query(le=100)] = 10``), exactly as in FastAPI.
Each carries pydantic constraints (``ge``, ``max_length``, ``pattern``, ...) and what
the OpenAPI document should say about the parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Literal

from pydantic import AliasChoices, Field
from pydantic.fields import FieldInfo

from pegboard import EMPTY, Marker

__all__ = ["Body", "Cookie", "File", "Form", "Header", "Param", "Path", "Query"]

Source = Literal["path", "query", "header", "cookie", "body"]


class Param(Marker):
    """What the validation markers share: a default, an alias, constraints, docs.

    ``default`` may be ``...`` (or left out) for a required parameter. Use it only
    when the marker is the parameter's default value; inside ``Annotated``, give the
    default with ``=``.
    """

    source: ClassVar[Source]

    __slots__ = (
        "alias",
        "constraints",
        "default",
        "default_factory",
        "deprecated",
        "description",
        "examples",
        "include_in_schema",
        "json_schema_extra",
        "openapi_examples",
        "title",
        "validation_alias",
    )

    def __init__(
        self,
        default: Any = EMPTY,
        *,
        default_factory: Callable[[], Any] | None = None,
        alias: str | None = None,
        validation_alias: str | AliasChoices | None = None,
        title: str | None = None,
        description: str | None = None,
        gt: float | None = None,
        ge: float | None = None,
        lt: float | None = None,
        le: float | None = None,
        multiple_of: float | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        pattern: str | None = None,
        strict: bool | None = None,
        allow_inf_nan: bool | None = None,
        max_digits: int | None = None,
        decimal_places: int | None = None,
        discriminator: str | None = None,
        examples: list[Any] | None = None,
        openapi_examples: Mapping[str, Any] | None = None,
        deprecated: bool = False,
        include_in_schema: bool = True,
        json_schema_extra: Mapping[str, Any] | None = None,
    ) -> None:
        if default is not EMPTY and default_factory is not None:
            raise TypeError(f"{type(self).__name__}() takes a default or a default_factory.")
        self.default = EMPTY if default is ... else default
        self.default_factory = default_factory
        self.alias = alias
        self.validation_alias = validation_alias
        if isinstance(validation_alias, AliasChoices):
            for choice in validation_alias.choices:
                if not isinstance(choice, str):
                    raise TypeError(
                        f"{type(self).__name__}(validation_alias=AliasChoices(...)) takes "
                        f"names, not {choice!r}: a parameter is one key, not a path."
                    )
        self.title = title
        self.description = description
        given = {
            "gt": gt,
            "ge": ge,
            "lt": lt,
            "le": le,
            "multiple_of": multiple_of,
            "min_length": min_length,
            "max_length": max_length,
            "pattern": pattern,
            "strict": strict,
            "allow_inf_nan": allow_inf_nan,
            "max_digits": max_digits,
            "decimal_places": decimal_places,
            # The field that picks the member of a union of models, as in pydantic.
            "discriminator": discriminator,
        }
        self.constraints = {k: v for k, v in given.items() if v is not None}
        self.examples = examples
        self.openapi_examples = openapi_examples
        self.deprecated = deprecated
        self.include_in_schema = include_in_schema
        self.json_schema_extra = json_schema_extra

    @property
    def request_keys(self) -> tuple[str, ...]:
        """The keys ``validation_alias`` reads, in order; empty when it is not given."""
        given = self.validation_alias
        if given is None:
            return ()
        if isinstance(given, str):
            return (given,)
        return tuple(str(choice) for choice in given.choices)

    @property
    def has_default(self) -> bool:
        return self.default is not EMPTY or self.default_factory is not None

    def field_info(self) -> FieldInfo | None:
        """The constraints as pydantic metadata, or None when there are none."""
        if not self.constraints:
            return None
        info: FieldInfo = Field(**self.constraints)  # type: ignore[call-overload]
        return info

    def __repr__(self) -> str:
        parts = [] if self.default is EMPTY else [repr(self.default)]
        if self.alias is not None:
            parts.append(f"alias={self.alias!r}")
        parts.extend(f"{k}={v!r}" for k, v in self.constraints.items())
        return f"{type(self).__name__}({', '.join(parts)})"


class Path(Param):
    """A path parameter, converted and validated: ``item_id: Annotated[int, Path(ge=1)]``.

    Path parameters are always required; the name (or ``alias``) must appear in the
    route's path as ``{name}``.
    """

    source = "path"
    __slots__ = ()


class Query(Param):
    """A query-string parameter. Lists read repeated keys: ``?tag=a&tag=b``.

    On a pydantic model (``filters: Annotated[Filters, Query()]``), each field of the
    model is a query parameter.
    """

    source = "query"
    __slots__ = ()


class Header(Param):
    """A request header. ``x_token`` reads ``x-token`` unless ``convert_underscores=False``.

    Lists read repeated headers. On a pydantic model, each field is a header.
    """

    source = "header"
    __slots__ = ("convert_underscores",)

    def __init__(self, default: Any = EMPTY, *, convert_underscores: bool = True, **kwargs: Any):
        super().__init__(default, **kwargs)
        self.convert_underscores = convert_underscores


class Cookie(Param):
    """A cookie. On a pydantic model, each field is a cookie."""

    source = "cookie"
    __slots__ = ()


class Body(Param):
    """A JSON body parameter, or a key of the body when there are several.

    ``embed=True`` expects ``{"name": value}`` even for a single body parameter.
    ``media_type`` is the JSON media type documented (any ``application/*+json`` is
    accepted).
    """

    source = "body"
    __slots__ = ("embed", "media_type")

    def __init__(
        self,
        default: Any = EMPTY,
        *,
        embed: bool | None = None,
        media_type: str = "application/json",
        **kwargs: Any,
    ) -> None:
        super().__init__(default, **kwargs)
        self.embed = embed
        self.media_type = media_type


class Form(Param):
    """A field of an HTML form (URL-encoded or multipart).

    On a model (or a union of models, ``Form(discriminator="kind")`` choosing among
    them), the model's fields are read from the form.
    """

    source = "body"
    __slots__ = ("media_type",)

    def __init__(
        self,
        default: Any = EMPTY,
        *,
        media_type: str = "application/x-www-form-urlencoded",
        **kwargs: Any,
    ) -> None:
        super().__init__(default, **kwargs)
        self.media_type = media_type


class File(Form):
    """An uploaded file of a multipart form: annotate ``UploadFile`` or ``bytes``."""

    __slots__ = ()

    def __init__(
        self, default: Any = EMPTY, *, media_type: str = "multipart/form-data", **kwargs: Any
    ) -> None:
        super().__init__(default, media_type=media_type, **kwargs)
