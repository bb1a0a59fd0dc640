"""The plugin object: its options, its hooks, and how parameters are classified.

``validation(**options)`` returns a :class:`ValidationPlugin`. Everything it learns
about an app (schemas, body plans) lives in ``app.stash``, so one plugin object can
serve several apps.

Classification follows FastAPI. A parameter named in the route path is a path
parameter. A marker (``Query()``, ``Header()``, ``Body()``, ...) says where the others
come from. Without a marker, ``UploadFile`` is a file, models, dataclasses, TypedDicts,
attrs classes, mappings and sequences are the JSON body, and everything else (numbers,
strings, enums, dates, ...) is a query parameter. ``Request``, ``WebSocket``,
``BackgroundTasks`` and ``Response`` are left to the core, and parameters with another
plugin's marker to that plugin.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs
from pydantic import TypeAdapter
from pydantic.errors import PydanticSchemaGenerationError, PydanticUserError
from starlette.exceptions import HTTPException as StarletteHTTPException

from pegboard import (
    EMPTY,
    App,
    Encoder,
    Marker,
    ParamInfo,
    PluginInfo,
    RequestValidationError,
    Resolver,
    RouteDefinitionError,
    RouteInfo,
    RouteOption,
    StashKey,
    __version__,
    hookimpl,
)
from pegboard.compiler import CompiledRoute
from pegboard.descriptions import BodyDescription, Description, ResponseDescription, Schema
from pegboard.exception_handlers import http_exception_handler, request_validation_exception_handler
from pegboard.params import describe_callable
from pegboard_validation.bodies import BodyField, BodyPlan
from pegboard_validation.errors import PROBLEM_JSON, problem_details_handler
from pegboard_validation.kinds import (
    adapt,
    group_model,
    is_body_type,
    is_framework_type,
    is_upload_type,
    with_metadata,
)
from pegboard_validation.markers import Body, File, Form, Header, Param, Path
from pegboard_validation.options import ValidationOptions
from pegboard_validation.parameters import GroupSpec, ValueSpec, group_resolver, value_resolver
from pegboard_validation.responses import response_encoder
from pegboard_validation.schemas import (
    PROBLEM_DEFINITIONS,
    REF_PREFIX,
    VALIDATION_ERROR_DEFINITIONS,
    SchemaRegistry,
)

__all__ = ["ValidationPlugin", "validation"]

_ROUTE_OPTIONS = (
    RouteOption("response_model", "replace", "Model that validates and filters the response."),
    RouteOption("response_model_include", "replace", "Fields of the response model to send."),
    RouteOption("response_model_exclude", "replace", "Fields of the response model to leave out."),
    RouteOption("response_model_by_alias", "replace", "Use field aliases in the response."),
    RouteOption("response_model_exclude_unset", "replace", "Leave out fields never set."),
    RouteOption("response_model_exclude_defaults", "replace", "Leave out fields at their default."),
    RouteOption("response_model_exclude_none", "replace", "Leave out fields that are None."),
)


@attrs.define(eq=False)
class _RouteState:
    """What the plugin keeps about one route while it compiles."""

    plan: BodyPlan
    described: bool = False  # the 422 response is documented once per route


@attrs.define(eq=False)
class _AppState:
    options: ValidationOptions
    registry: SchemaRegistry
    error_description: ResponseDescription
    routes: dict[RouteInfo, _RouteState] = attrs.field(factory=dict)
    models: dict[Any, Schema | None] = attrs.field(factory=dict)

    def route(self, route: RouteInfo) -> _RouteState:
        state = self.routes.get(route)
        if state is None:
            plan = BodyPlan(route, self.options, self.registry)
            state = self.routes[route] = _RouteState(plan)
        return state

    def finish(self, route: RouteInfo) -> BodyDescription | None:
        """Finish the route's body plan; return its description, if it has a body."""
        body = None
        state = self.routes.pop(route, None)
        if state is not None:
            state.plan.finish()
            body = state.plan.description
        # Register the models of the OpenAPI plugin's responses= option now, so they
        # are generated in the same pass as every other schema of the app.
        responses = route.option("responses")
        if isinstance(responses, Mapping):
            for spec in responses.values():
                if isinstance(spec, Mapping) and spec.get("model") is not None:
                    self.model_schema(spec["model"])
        return body

    def model_schema(self, model: Any) -> Schema | None:
        """The output schema of a model named outside any handler, or None."""
        if isinstance(model, (Schema, Mapping)):
            return None  # the OpenAPI plugin uses those as they are
        try:
            return self.models[model]
        except KeyError:
            pass
        except TypeError:  # unhashable: not a type
            return None
        try:
            schema: Schema | None = self.registry.register(
                TypeAdapter(adapt(model)), "serialization"
            )
        except (PydanticSchemaGenerationError, PydanticUserError, TypeError):
            schema = None
        self.models[model] = schema
        return schema


_STATE: StashKey[_AppState] = StashKey("pegboard_validation")


def _error_description(problem_details: bool) -> ResponseDescription:
    if problem_details:
        schema = Schema.of({"$ref": REF_PREFIX + "ValidationProblem"}, PROBLEM_DEFINITIONS)
        return ResponseDescription(422, "Validation Error", {PROBLEM_JSON: schema})
    schema = Schema.of({"$ref": REF_PREFIX + "HTTPValidationError"}, VALIDATION_ERROR_DEFINITIONS)
    return ResponseDescription(422, "Validation Error", {"application/json": schema})


class ValidationPlugin:
    """Typed parameters, bodies and response models with pydantic. See :func:`validation`."""

    plugin_info = PluginInfo(
        name="validation",
        version=__version__,
        route_options=_ROUTE_OPTIONS,
        description="Typed parameters, bodies and response models, validated by pydantic.",
    )

    def __init__(self, options: ValidationOptions) -> None:
        self.options = options

    def __repr__(self) -> str:
        return f"<ValidationPlugin {self.options!r}>"

    # -- app lifecycle -------------------------------------------------------------

    @hookimpl
    def pegboard_configure(self, app: App) -> None:
        registry = SchemaRegistry(self.options.separate_input_output_schemas)
        app.stash[_STATE] = _AppState(
            self.options, registry, _error_description(self.options.problem_details)
        )
        if self.options.problem_details:
            handlers = app.exception_handlers
            if handlers.get(RequestValidationError) is request_validation_exception_handler:
                handlers[RequestValidationError] = problem_details_handler
            if handlers.get(StarletteHTTPException) is http_exception_handler:
                handlers[StarletteHTTPException] = problem_details_handler

    # -- routes --------------------------------------------------------------------

    @hookimpl(trylast=True)
    def pegboard_resolve_parameter(
        self, app: App, route: RouteInfo, param: ParamInfo
    ) -> Resolver | None:
        # trylast: every other plugin's markers and types are seen first; the core's
        # own fallbacks (registered before us) still come after us.
        marker = param.marker
        if marker is not None and not isinstance(marker, Param):
            return None
        if marker is None and is_framework_type(param.type):
            return None
        state = app.stash[_STATE]
        return _resolve(state, route, param, marker)

    @hookimpl
    def pegboard_encode_response(self, app: App, route: RouteInfo) -> Encoder | None:
        state = app.stash[_STATE]
        if route.kind != "http":
            return None
        return response_encoder(route, state.registry)

    @hookimpl(optionalhook=True)
    def pegboard_openapi_model_schema(self, app: App, model: Any) -> Schema | None:
        # A hook of the OpenAPI plugin, for models in a route's responses= option.
        state = app.stash.get(_STATE, None)
        return None if state is None else state.model_schema(model)

    @hookimpl
    def pegboard_route_compiled(
        self, app: App, route: RouteInfo, compiled: CompiledRoute
    ) -> list[Description] | None:
        # Every parameter and guard of the route is resolved now, whichever plugin
        # encodes its responses: finish the route's body plan before requests arrive.
        body = app.stash[_STATE].finish(route)
        return None if body is None else [body]


def validation(
    *,
    separate_input_output_schemas: bool = True,
    strict_content_type: bool = True,
    wrong_content_type: Literal["refuse", "validate"] = "refuse",
    max_form_fields: int = 1000,
    max_form_files: int = 1000,
    max_form_part_size: int = 1024 * 1024,
    problem_details: bool = False,
) -> ValidationPlugin:
    """Enable typed parameters, bodies and response models: ``App(plugins=[validation()])``.

    :param separate_input_output_schemas: Document a model whose input and output
        schemas differ as ``Name-Input`` and ``Name-Output``.
    :param strict_content_type: Refuse a JSON body sent without a JSON Content-Type
        (415). When False, a body without Content-Type is read as JSON.
    :param wrong_content_type: ``"refuse"``: a body whose Content-Type the route
        does not read (JSON sent to a form, text to a JSON body) is a 415.
        ``"validate"``: it is validated as what it is, an empty form or the body's
        text, and fails with a 422, as in FastAPI.
    :param max_form_fields: Most non-file fields a form may have (else 400).
    :param max_form_files: Most files a multipart form may have (else 400).
    :param max_form_part_size: Largest non-file form field, in bytes (else 400).
    :param problem_details: Render validation and HTTP errors as RFC 9457
        ``application/problem+json``.
    """
    return ValidationPlugin(
        ValidationOptions(
            separate_input_output_schemas=separate_input_output_schemas,
            strict_content_type=strict_content_type,
            wrong_content_type=wrong_content_type,
            max_form_fields=max_form_fields,
            max_form_files=max_form_files,
            max_form_part_size=max_form_part_size,
            problem_details=problem_details,
        )
    )


# -- classification --------------------------------------------------------------------


def _where(param: ParamInfo, route: RouteInfo) -> str:
    owner = describe_callable(param.owner) if param.owner is not None else "the handler"
    return f"parameter {param.name!r} of {owner}"


def _defaults(
    param: ParamInfo, marker: Param | None, route: RouteInfo
) -> tuple[bool, Any, Callable[[], Any] | None]:
    """(required, default, default_factory) with Python's rules: no default, required."""
    if marker is not None and param.default is marker:
        default, factory = marker.default, marker.default_factory
    else:
        if marker is not None and marker.default is not EMPTY:
            raise RouteDefinitionError(
                f"The {_where(param, route)} ({route.label}) gives a default inside "
                f"Annotated[..., {type(marker).__name__}(...)]. Give it with '=' instead: "
                f"{param.name}: Annotated[..., {type(marker).__name__}()] = <default>."
            )
        default = param.default
        factory = marker.default_factory if marker is not None else None
    return default is EMPTY and factory is None, default, factory


def _annotation(param: ParamInfo, marker: Param | None) -> Any:
    """The parameter's type with its constraints, in a form TypeAdapter accepts."""
    tp = adapt(param.type)
    extras = [m for m in param.metadata if not isinstance(m, Marker)]
    if marker is not None:
        field = marker.field_info()
        if field is not None:
            extras.append(field)
    return with_metadata(tp, extras)


def _is_plain_str(param: ParamInfo, marker: Param | None) -> bool:
    if marker is not None and marker.constraints:
        return False
    if any(not isinstance(m, Marker) for m in param.metadata):
        return False
    tp = param.type
    if tp in (EMPTY, Any, str):
        return True
    args = getattr(tp, "__args__", ())
    return set(args) == {str, type(None)}  # Optional[str]


def _source(route: RouteInfo, param: ParamInfo, marker: Param | None, key: str) -> str:
    in_path = key in route.param_convertors
    if isinstance(marker, Path):
        if not in_path:
            raise RouteDefinitionError(
                f"The {_where(param, route)} is marked Path(), but {route.label} has no "
                f"'{{{key}}}' in its path. Add it to the path, or use Query()."
            )
        return "path"
    if in_path and marker is None:
        return "path"
    if in_path and marker is not None and not isinstance(marker, (Body, Form)):
        raise RouteDefinitionError(
            f"The {_where(param, route)} is named like the path parameter '{{{key}}}' of "
            f"{route.label} but marked {type(marker).__name__}(). Rename it, or mark it Path()."
        )
    if marker is not None:
        if isinstance(marker, File):
            return "file"
        if isinstance(marker, Form):
            return "file" if is_upload_type(param.type) else "form"
        return marker.source
    if is_upload_type(param.type):
        return "file"
    if is_body_type(param.type):
        return "body"
    return "query"


def _key(param: ParamInfo, marker: Param | None) -> str:
    if marker is not None and marker.request_keys:
        return marker.request_keys[0]  # validation_alias: the name it is read by
    if marker is not None and marker.alias is not None:
        return marker.alias
    if isinstance(marker, Header) and marker.convert_underscores:
        return param.name.replace("_", "-")
    return param.name


def _resolve(
    state: _AppState, route: RouteInfo, param: ParamInfo, marker: Param | None
) -> Resolver:
    try:
        return _build(state, route, param, marker)
    except (PydanticSchemaGenerationError, PydanticUserError) as exc:
        raise RouteDefinitionError(
            f"The {_where(param, route)} ({route.label}) is annotated {param.type!r}, which "
            f"pydantic cannot validate: {exc} Use a type pydantic supports, or the marker "
            "of the plugin that provides this type."
        ) from exc


def _build(state: _AppState, route: RouteInfo, param: ParamInfo, marker: Param | None) -> Resolver:
    key = _key(param, marker)
    source = _source(route, param, marker, key)
    required, default, factory = _defaults(param, marker, route)
    route_state = state.route(route)
    extra: tuple[Description, ...] = ()
    if not route_state.described:
        route_state.described = True
        extra = (state.error_description,)
    annotation = _annotation(param, marker)

    if source in ("body", "form", "file"):
        TypeAdapter(annotation)  # fail now, naming the parameter, rather than when finished
        field = BodyField(
            name=param.name,
            key=key,
            annotation=annotation,
            kind="json" if source == "body" else source,  # type: ignore[arg-type]
            marker=marker,
            required=required,
            default=default,
            default_factory=factory,
            where=_where(param, route),
        )
        return route_state.plan.add(field, extra)

    if source == "path" and not required:
        raise RouteDefinitionError(
            f"The {_where(param, route)} is a path parameter of {route.label}, which is "
            "always required. Remove its default."
        )
    model = group_model(param.type)
    if marker is not None and source in ("query", "header", "cookie") and model is not None:
        group = GroupSpec(param.name, source, model, marker, required, default, factory)
        return group_resolver(group, state.registry, extra)
    spec = ValueSpec(
        name=param.name,
        key=key,
        source=source,
        annotation=annotation,
        plain_str=_is_plain_str(param, marker),
        required=required,
        default=default,
        default_factory=factory,
        marker=marker,
        alternatives=marker.request_keys[1:] if marker is not None else (),
    )
    return value_resolver(spec, state.registry, extra)
