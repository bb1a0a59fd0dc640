"""``OAuth2PasswordRequestForm``: the form a client posts to the token endpoint.

The plugin reads it itself, with Starlette's form parser and tight limits, so the
token endpoint works with or without the validation plugin and behaves the same
either way: a missing field is a 422 in the core's error shape, a body that is not a
form a 415, a form with files or too many fields a 400. Errors never echo what was
sent (``"input": null``): a client may have typed its password into any field.
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
from collections.abc import Callable
from typing import Annotated, Any

import attrs
from starlette.datastructures import FormData

from pegboard import (
    EMPTY,
    HTTPException,
    Marker,
    ParamInfo,
    RequestContext,
    RequestValidationError,
    Resolver,
    RouteDefinitionError,
    RouteInfo,
    StashKey,
)
from pegboard.descriptions import BodyDescription, ResponseDescription, Schema
from pegboard.params import describe_callable

__all__ = [
    "MAX_FORM_FIELDS",
    "MAX_FORM_FIELD_SIZE",
    "FormField",
    "OAuth2PasswordRequestForm",
    "OAuth2PasswordRequestFormStrict",
    "form_field_resolver",
]

#: The most fields a token request may have; more is a 400.
MAX_FORM_FIELDS = 50
#: The largest field of a token request, in bytes; larger is a 400.
MAX_FORM_FIELD_SIZE = 16 * 1024

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_FORM: StashKey[FormData] = StashKey("pegboard_security.form")
_MEDIA_TYPE = "application/x-www-form-urlencoded"

_VALIDATION_ERROR = Schema.of(
    {
        "type": "object",
        "properties": {
            "detail": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
                        "msg": {"type": "string"},
                        "type": {"type": "string"},
                        "input": {},
                        "ctx": {"type": "object"},
                    },
                    "required": ["loc", "msg", "type"],
                },
            }
        },
    }
)
_ERROR_RESPONSE = ResponseDescription(
    422, "Validation Error", {"application/json": _VALIDATION_ERROR}
)


@attrs.frozen
class FormField(Marker):
    """Marks a constructor parameter of a password form as a form field of that name.

    ``pattern`` is a regular expression the value must match (searched, so anchor it);
    ``secret`` fields are documented as ``format: password``.
    """

    pattern: str | None = None
    secret: bool = False


def _hidden(value: Any) -> str:
    return "'***'" if value is not None else "None"


class OAuth2PasswordRequestForm:
    """The OAuth2 password grant's form (RFC 6749, 4.3.2), as a dependency class.

    ``form: Annotated[OAuth2PasswordRequestForm, Depends()]`` reads ``username``,
    ``password`` (required), ``scope`` (space-separated; split into ``scopes``),
    ``grant_type`` (optional, but ``"password"`` if given), ``client_id`` and
    ``client_secret`` from an ``application/x-www-form-urlencoded`` or multipart body.
    Empty fields count as missing. ``repr()`` leaves the secrets out.
    """

    def __init__(
        self,
        *,
        grant_type: Annotated[str | None, FormField(pattern="^password$")] = None,
        username: Annotated[str, FormField()],
        password: Annotated[str, FormField(secret=True)],
        scope: Annotated[str, FormField()] = "",
        client_id: Annotated[str | None, FormField()] = None,
        client_secret: Annotated[str | None, FormField(secret=True)] = None,
    ) -> None:
        self.grant_type = grant_type
        self.username = username
        self.password = password
        self.scopes = scope.split()
        self.client_id = client_id
        self.client_secret = client_secret

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(grant_type={self.grant_type!r}, username={self.username!r}, "
            f"password='***', scopes={self.scopes!r}, client_id={self.client_id!r}, "
            f"client_secret={_hidden(self.client_secret)})"
        )


class OAuth2PasswordRequestFormStrict(OAuth2PasswordRequestForm):
    """:class:`OAuth2PasswordRequestForm` requiring ``grant_type=password``, as RFC 6749 does."""

    def __init__(
        self,
        *,
        grant_type: Annotated[str, FormField(pattern="^password$")],
        username: Annotated[str, FormField()],
        password: Annotated[str, FormField(secret=True)],
        scope: Annotated[str, FormField()] = "",
        client_id: Annotated[str | None, FormField()] = None,
        client_secret: Annotated[str | None, FormField(secret=True)] = None,
    ) -> None:
        super().__init__(
            grant_type=grant_type,
            username=username,
            password=password,
            scope=scope,
            client_id=client_id,
            client_secret=client_secret,
        )


# -- compile time ----------------------------------------------------------------------


def _multipart_installed() -> bool:
    return importlib.util.find_spec("python_multipart") is not None


def _property(param: ParamInfo, field: FormField) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if field.pattern is not None:
        schema["pattern"] = field.pattern
    if field.secret:
        schema["format"] = "password"
    if param.has_default and param.default is None:
        schema = {"anyOf": [schema, {"type": "null"}]}
    elif param.has_default:
        schema["default"] = param.default
    return {**schema, "title": param.name.replace("_", " ").title()}


def _body(owner: Callable[..., Any] | None, bodies: dict[Any, BodyDescription]) -> BodyDescription:
    try:
        return bodies[owner]
    except (KeyError, TypeError):  # TypeError: an unhashable callable object
        pass
    schema = _body_schema(owner) if owner is not None else Schema.of({"type": "object"})
    body = BodyDescription({_MEDIA_TYPE: schema}, required=True)
    with contextlib.suppress(TypeError):
        bodies[owner] = body
    return body


def _body_schema(owner: Callable[..., Any]) -> Schema:
    def build() -> tuple[dict[str, Any], dict[str, Any]]:
        properties: dict[str, Any] = {}
        required: list[str] = []
        for param in ParamInfo.from_callable(owner):
            field = param.marker
            if isinstance(field, FormField):
                properties[param.name] = _property(param, field)
                if not param.has_default:
                    required.append(param.name)
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        return schema, {}

    return Schema.lazy(build)


def form_field_resolver(
    route: RouteInfo,
    param: ParamInfo,
    field: FormField,
    bodies: dict[Any, BodyDescription],
    refuse: bool = True,
) -> Resolver:
    """The resolver of one :class:`FormField` parameter (called when the app is built).

    ``bodies`` caches the body description per form class, so that the fields of one
    form share it. A body that is not a form is a 415 when ``refuse``, else an empty
    form (its required fields are missing, 422), as FastAPI reads it.
    """
    owner = describe_callable(param.owner) if param.owner is not None else "?"
    if not _multipart_installed():
        raise RouteDefinitionError(
            f"{owner} ({route.label}) reads a form, which needs python-multipart. "
            "Install it: pip install 'pegboard[security]'."
        )
    if param.type not in (str, str | None):
        raise RouteDefinitionError(
            f"Parameter {param.name!r} of {owner} is a FormField, which gives strings: "
            f"annotate it str or str | None, not {param.type!r}."
        )
    body = _body(param.owner, bodies)
    return Resolver(
        _reader(param, field, refuse),
        is_async=True,
        describes=(body, _ERROR_RESPONSE),
        label="form",
    )


# -- per request -------------------------------------------------------------------------


async def read_form(ctx: RequestContext, refuse: bool = True) -> FormData:
    """The request's form, parsed once per request with this module's limits."""
    form = ctx.stash.get(_FORM, None)
    if form is None:
        request = ctx.request
        content_type = request.headers.get("content-type")
        if content_type is not None:
            media_type = content_type.partition(";")[0].strip().lower()
            if media_type not in _FORM_TYPES:
                if not refuse:
                    ctx.stash[_FORM] = form = FormData()
                    return form
                raise HTTPException(
                    415,
                    "Unsupported Media Type: expected multipart/form-data or "
                    f"application/x-www-form-urlencoded, got {content_type!r}.",
                )
        form = await request.form(
            max_files=0, max_fields=MAX_FORM_FIELDS, max_part_size=MAX_FORM_FIELD_SIZE
        )
        ctx.exit_stack.push_async_callback(form.close)
        ctx.stash[_FORM] = form
    return form


def _reader(param: ParamInfo, field: FormField, refuse: bool) -> Callable[[RequestContext], Any]:
    name = param.name
    loc = ("body", name)
    required = not param.has_default
    default = None if param.default is EMPTY else param.default
    search = re.compile(field.pattern).search if field.pattern is not None else None

    async def read(ctx: RequestContext) -> Any:
        value = (await read_form(ctx, refuse)).get(name)
        if value is None or value == "":
            if required:
                missing = {"type": "missing", "loc": loc, "msg": "Field required", "input": None}
                raise RequestValidationError([missing])
            return default
        if not isinstance(value, str):  # a file, if another plugin parsed the form first
            raise RequestValidationError(
                [
                    {
                        "type": "string_type",
                        "loc": loc,
                        "msg": "Input should be a valid string",
                        "input": None,
                    }
                ]
            )
        if search is not None and search(value) is None:
            error: dict[str, Any] = {
                "type": "string_pattern_mismatch",
                "loc": loc,
                "msg": f"String should match pattern '{field.pattern}'",
                "input": None,  # a client may type its password into any field
                "ctx": {"pattern": field.pattern},
            }
            raise RequestValidationError([error])
        return value

    return read
