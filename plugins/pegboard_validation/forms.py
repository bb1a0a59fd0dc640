"""Reading forms: URL-encoded and multipart fields, files, and form models.

The form is parsed once per request (by Starlette, with python-multipart, within the
plugin's limits) and shared by every form parameter of the route. Its uploaded files
are closed through the request's exit stack, after the response is sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ValidationError
from starlette.datastructures import FormData
from starlette.datastructures import UploadFile as StarletteUploadFile

from pegboard import RequestContext, RequestValidationError, StashKey
from pegboard_validation.errors import located_errors
from pegboard_validation.kinds import is_sequence_type, strip_annotated, with_metadata
from pegboard_validation.media import is_form
from pegboard_validation.options import ValidationOptions

if TYPE_CHECKING:
    from pegboard_validation.bodies import BodyField, Reader

__all__ = ["form_reader", "form_union", "read_form_field", "read_form_model"]

FormOf = Callable[[RequestContext], Awaitable[FormData]]


def form_reader(key: StashKey[Any], options: ValidationOptions) -> FormOf:
    """A function giving the request's form, parsed on its first call in a request."""
    limits = {
        "max_files": options.max_form_files,
        "max_fields": options.max_form_fields,
        "max_part_size": options.max_form_part_size,
    }

    refuse = options.wrong_content_type == "refuse"

    async def form_of(ctx: RequestContext) -> FormData:
        stash = ctx.stash
        form: FormData | None = stash.get(key, None)
        if form is None:
            request = ctx.request
            if not is_form(request.scope, refuse):
                stash[key] = form = FormData()
                return form
            form = await request.form(**limits)
            # Uploaded files live in temporary files: close them after the response.
            ctx.exit_stack.push_async_callback(form.close)
            stash[key] = form
        return form

    return form_of


def _describe_files(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # A file sent where a plain field was expected (or a list of files that fails a
    # constraint) is the error's input: name it instead of dumping or reading the file.
    return [{**e, "input": _file_summary(e["input"])} if "input" in e else e for e in errors]


def _file_summary(value: Any) -> Any:
    if isinstance(value, StarletteUploadFile):
        return {"filename": value.filename, "content_type": value.content_type, "size": value.size}
    if isinstance(value, list):
        return [_file_summary(item) for item in value]
    if isinstance(value, dict):
        return {key: _file_summary(item) for key, item in value.items()}
    return value


def _is_empty(value: Any) -> bool:
    # Browsers send "" for an empty field and a nameless empty part for no file.
    if isinstance(value, StarletteUploadFile):
        return not value.filename and not value.size
    return bool(value == "")


def _wants_bytes(field: BodyField) -> bool:
    if field.kind != "file":
        return False
    tp = strip_annotated(field.annotation)
    args = [strip_annotated(a) for a in getattr(tp, "__args__", ())]
    return tp is bytes or bytes in args or any(bytes in getattr(a, "__args__", ()) for a in args)


async def _as_bytes(value: Any) -> Any:
    if isinstance(value, StarletteUploadFile):
        data = await value.read()
        await value.seek(0)
        return data
    if isinstance(value, list):
        return [await _as_bytes(item) for item in value]
    return value


def read_form_field(
    field: BodyField,
    validate: Callable[[Any], Any],
    form_of: FormOf,
) -> Reader:
    loc = ("body", field.key)
    key = field.key
    many = is_sequence_type(field.annotation)
    wants_bytes = _wants_bytes(field)

    async def read(ctx: RequestContext) -> Any:
        form = await form_of(ctx)
        value: Any
        if many:
            value = [v for v in form.getlist(key) if not _is_empty(v)] or None
        else:
            value = form.get(key)
            if value is not None and _is_empty(value):
                value = None
        if value is None:
            return field.absent(loc)
        if wants_bytes:
            value = await _as_bytes(value)
        try:
            return validate(value)
        except ValidationError as exc:
            raise RequestValidationError(_describe_files(located_errors(exc, loc))) from None

    return read


def _list_keys(models: tuple[type[BaseModel], ...]) -> dict[str, bool]:
    """Each form key of ``models``: whether some model reads it as a list."""
    shapes: dict[str, bool] = {}
    for model in models:
        for name, info in model.model_fields.items():
            key = info.alias or name
            shapes[key] = shapes.get(key, False) or is_sequence_type(info.annotation)
    return shapes


def form_union(annotation: Any, models: tuple[type[BaseModel], ...]) -> Any:
    """``annotation`` with each member of the union reading its own shape of a key.

    A key one member reads as a list and another as one value is read as a list;
    the members that want one value get the last, as ``form.get`` would give it.
    """
    lists = {key for key, many in _list_keys(models).items() if many}
    if len(models) < 2 or not lists:
        return annotation
    metadata: tuple[Any, ...] = ()
    if get_origin(annotation) is Annotated:
        annotation, *rest = get_args(annotation)
        metadata = tuple(rest)
    members = []
    for member in get_args(annotation):
        own = _list_keys((member,)) if member in models else {}
        scalars = {key for key, many in own.items() if key in lists and not many}
        if scalars:
            member = Annotated[member, BeforeValidator(partial(_last_values, frozenset(scalars)))]
        members.append(member)
    union: Any = Union[tuple(members)]  # noqa: UP007 - built at runtime
    return with_metadata(union, metadata)


def _last_values(keys: frozenset[str], value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    return {k: v[-1] if k in keys and isinstance(v, list) and v else v for k, v in value.items()}


def read_form_model(
    field: BodyField,
    models: tuple[type[BaseModel], ...],
    validate: Callable[[Any], Any],
    form_of: FormOf,
    not_extra: frozenset[str] = frozenset(),
) -> Reader:
    """Read the fields of ``models`` (one model, or a union's) from the form.

    Keys in ``not_extra`` belong to other parameters. A key that some member of a
    union reads as a list is read as a list.
    """
    shapes = _list_keys(models)
    keys = list(shapes.items())
    known = set(shapes) | not_extra
    keep_extra = any(model.model_config.get("extra") in ("allow", "forbid") for model in models)

    def _supplied(form: FormData) -> bool:
        # A key sent empty still says the model was meant (its required fields then
        # fail), as FastAPI decides; an extra="allow"/"forbid" model owns any key.
        if keep_extra:
            return any(key not in not_extra for key in form)
        return any(key in form for key in shapes)

    async def read(ctx: RequestContext) -> Any:
        form = await form_of(ctx)
        data: dict[str, Any] = {}
        for key, many in keys:
            if many:
                values = [v for v in form.getlist(key) if not _is_empty(v)]
                if values:
                    data[key] = values
            else:
                value = form.get(key)
                if value is not None and not _is_empty(value):
                    data[key] = value
        if keep_extra:
            for key, value in form.multi_items():
                if key not in known:
                    data.setdefault(key, value)
        if not data and not field.required and not _supplied(form):
            return field.default_value()
        try:
            return validate(data)
        except ValidationError as exc:
            errors = located_errors(exc, ("body",))
            raise RequestValidationError(_describe_files(errors)) from None

    return read
