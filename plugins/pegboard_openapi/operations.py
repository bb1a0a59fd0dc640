"""One Operation object, from a compiled route's options and descriptions.

The rules for descriptions that repeat (a parameter read by the handler and by a
dependency, a response described by two plugins):

* parameters are one per location and name (header names ignore case); the first
  description wins, and the parameter is required if any of them requires it;
* request bodies merge into one: the first schema per media type wins, and the body
  is required if any of them requires it;
* responses are one per status code; the encoder's come first (they describe what the
  handler returns), then the first description per media type and header wins;
* security requirements are all required together (every resolver runs), so they form
  one Security Requirement object whose scopes are the union of the scopes asked for.
"""

from __future__ import annotations

import enum
import functools
import http
import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pegboard import CompiledRoute, RouteDefinitionError, RouteInfo, jsonable_encoder
from pegboard.descriptions import (
    BodyDescription,
    Description,
    ParameterDescription,
    ResponseDescription,
    Schema,
    SecurityDescription,
)
from pegboard_openapi.components import Components
from pegboard_openapi.settings import default_summary, path_parameters

__all__ = ["build_operation", "deep_merge", "docstring_description", "status_key"]

ModelSchema = Callable[[Any, RouteInfo], Schema]

_LOCATIONS = {"path": 0, "query": 1, "header": 2, "cookie": 3}

# What each Starlette path convertor matches, for path parameters no resolver describes.
_CONVERTOR_SCHEMAS: dict[str, dict[str, Any]] = {
    "int": {"type": "integer", "minimum": 0},
    "float": {"type": "number", "minimum": 0},
    "uuid": {"type": "string", "format": "uuid"},
}


def deep_merge(target: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``extra`` into ``target`` in place: nested dicts merge, other values replace."""
    for key, value in extra.items():
        current = target.get(key)
        if isinstance(current, dict) and isinstance(value, Mapping):
            deep_merge(current, value)
        else:
            target[key] = jsonable_encoder(value)
    return target


def status_key(status: int | str) -> str:
    """The Responses-object key for a status: ``404`` -> ``"404"``, ``"4xx"`` -> ``"4XX"``."""
    key = str(status).upper()
    return "default" if key == "DEFAULT" else key


def _status_order(key: str) -> tuple[int, str]:
    return (1, key) if key == "default" else (0, key.replace("X", "9"))  # 404 before 4XX


def _phrase(key: str) -> str:
    if key.isdigit():
        try:
            return http.HTTPStatus(int(key)).phrase
        except ValueError:
            pass
    return "Response"


def docstring_description(endpoint: Callable[..., Any]) -> str | None:
    """The handler's docstring, dedented; text after a form feed (``\\f``) is left out."""
    while isinstance(endpoint, functools.partial):
        endpoint = endpoint.func
    doc = inspect.getdoc(endpoint) if inspect.isroutine(endpoint) else None
    if not doc:
        return None
    return doc.split("\f")[0].strip() or None


def build_operation(
    route: RouteInfo,
    compiled: CompiledRoute,
    method: str,
    operation_id: str,
    components: Components,
    model_schema: ModelSchema,
) -> dict[str, Any]:
    """The Operation object for ``method`` on ``route`` (without ``openapi_extra``)."""
    owner = f"{method} {route.path}"
    encoder_describes = compiled.encoder.describes if compiled.encoder is not None else ()
    encoder_ids = {id(d) for d in encoder_describes}
    # The encoder's descriptions first: for its status code, they are authoritative.
    described = [
        *encoder_describes,
        *(d for d in compiled.descriptions if id(d) not in encoder_ids),
    ]

    operation: dict[str, Any] = {}
    tags = route.option("tags")
    if tags:
        operation["tags"] = [t.value if isinstance(t, enum.Enum) else str(t) for t in tags]
    operation["summary"] = route.option("summary") or default_summary(route)
    description = route.option("description") or docstring_description(route.endpoint)
    if description:
        operation["description"] = description
    operation["operationId"] = operation_id
    parameters = _parameters(route, described, components, owner)
    if parameters:
        operation["parameters"] = parameters
    body = _request_body(described, components, owner)
    if body is not None:
        operation["requestBody"] = body
    operation["responses"] = _responses(
        route,
        described,
        {str(d.status_code) for d in encoder_describes if isinstance(d, ResponseDescription)},
        components,
        owner,
        model_schema,
    )
    _title_response_schemas(operation["responses"], encoder_describes, operation_id)
    callbacks = route.option("callbacks")
    if isinstance(callbacks, Mapping) and callbacks:  # a router's: the document builds them
        operation["callbacks"] = jsonable_encoder(callbacks)
    if route.option("deprecated"):
        operation["deprecated"] = True
    security = _security(described, components, owner)
    if security:
        operation["security"] = [security]
    return operation


def _parameters(
    route: RouteInfo, described: Iterable[Description], components: Components, owner: str
) -> list[dict[str, Any]]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for d in described:
        if not isinstance(d, ParameterDescription) or not d.include_in_schema:
            continue
        key = (d.location, d.name.lower() if d.location == "header" else d.name)
        existing = found.get(key)
        if existing is None:
            found[key] = _parameter(d, components, owner)
        elif d.required:
            existing["required"] = True
    # OpenAPI requires every templated path parameter to be declared, even one the
    # handler never reads; document those from the path's convertor.
    for name, convertor in path_parameters(route.path).items():
        if ("path", name) not in found:
            schema = _CONVERTOR_SCHEMAS.get(convertor, {"type": "string"})
            found["path", name] = {
                "name": name,
                "in": "path",
                "required": True,
                "schema": dict(schema),
            }
    return sorted(found.values(), key=lambda p: _LOCATIONS.get(p["in"], len(_LOCATIONS)))


def _parameter(d: ParameterDescription, components: Components, owner: str) -> dict[str, Any]:
    parameter: dict[str, Any] = {
        "name": d.name,
        "in": d.location,
        "required": d.required or d.location == "path",
    }
    if d.description:
        parameter["description"] = d.description
    if d.deprecated:
        parameter["deprecated"] = True
    if "content" not in d.extra:  # a parameter has a schema or a content map, not both
        parameter["schema"] = components.schema(d.schema, owner=owner)
    if d.examples:
        parameter["examples"] = jsonable_encoder(d.examples)
    if d.extra:
        deep_merge(parameter, d.extra)
    return parameter


def _media(
    content: Mapping[str, Schema | None], components: Components, owner: str
) -> dict[str, Any]:
    return {
        media_type: {
            "schema": _unknown(media_type)
            if schema is None
            else components.schema(schema, owner=owner)
        }
        for media_type, schema in content.items()
    }


def _unknown(media_type: str) -> dict[str, Any]:
    """The schema of content nothing describes, as FastAPI writes it: text is a string."""
    text = media_type.startswith("text/") and media_type != "text/event-stream"
    return {"type": "string"} if text else {}


def _request_body(
    described: Iterable[Description], components: Components, owner: str
) -> dict[str, Any] | None:
    body: dict[str, Any] | None = None
    for d in described:
        if not isinstance(d, BodyDescription) or not d.include_in_schema:
            continue
        first = body is None
        if body is None:
            body = {"content": {}}
            if d.description:
                body["description"] = d.description
        if d.required:  # optional is the default: FastAPI writes no "required": false
            body["required"] = True
        content = body["content"]
        fresh = {m: s for m, s in d.content.items() if m not in content}
        content.update(_media(fresh, components, owner))
        if first and d.extra:
            deep_merge(body, d.extra)
    return body


def _title_response_schemas(
    responses: dict[str, Any], encoder_describes: Iterable[Description], operation_id: str
) -> None:
    """Title the handler's own response schemas after the operation, as FastAPI does.

    A model's schema (a $ref) names itself; a list or a dict gets "Response <operation>".
    """
    title = "Response " + operation_id.replace("_", " ").title()
    for d in encoder_describes:
        if not isinstance(d, ResponseDescription):
            continue
        for media_type, schema in d.content.items():
            if schema is None:
                continue
            entry = responses.get(status_key(d.status_code), {}).get("content", {})
            written = entry.get(media_type, {}).get("schema")
            if isinstance(written, dict) and written and not {"$ref", "title"} & set(written):
                entry[media_type]["schema"] = {**written, "title": title}


def _responses(
    route: RouteInfo,
    described: Iterable[Description],
    success: set[str],
    components: Components,
    owner: str,
    model_schema: ModelSchema,
) -> dict[str, Any]:
    responses: dict[str, dict[str, Any]] = {}
    for d in described:
        if not isinstance(d, ResponseDescription):
            continue
        key = status_key(d.status_code)
        entry = responses.setdefault(key, {"description": d.description})
        if not entry["description"]:
            entry["description"] = d.description
        if d.content:
            content = entry.setdefault("content", {})
            fresh = {m: s for m, s in d.content.items() if m not in content}
            content.update(_media(fresh, components, owner))
        if d.headers:
            headers = entry.setdefault("headers", {})
            for name, header in d.headers.items():
                headers.setdefault(name, jsonable_encoder(header))

    response_description = route.option("response_description")
    if response_description:
        for key in success:
            responses[status_key(key)]["description"] = response_description

    extra = route.option("responses") or {}
    media_type = getattr(route.response_class, "media_type", None) or "application/json"
    for status, spec in extra.items():
        entry = responses.setdefault(status_key(status), {"description": ""})
        spec = dict(spec)
        model = spec.pop("model", None)
        if model is not None:
            schema = components.schema(model_schema(model, route), owner=owner)
            entry.setdefault("content", {}).setdefault(media_type, {})["schema"] = schema
        deep_merge(entry, spec)

    for key, entry in responses.items():
        if not entry.get("description"):
            entry["description"] = _phrase(key)
    return {key: responses[key] for key in sorted(responses, key=_status_order)}


def _security(
    described: Iterable[Description], components: Components, owner: str
) -> dict[str, list[str]]:
    requirement: dict[str, list[str]] = {}
    for d in described:
        if not isinstance(d, SecurityDescription):
            continue
        name = components.add_security_scheme(d.scheme_name, d.scheme, owner=owner)
        scopes = requirement.setdefault(name, [])
        scopes.extend(scope for scope in d.scopes if scope not in scopes)
    return requirement


def check_responses_option(route: RouteInfo, responses: Any) -> None:
    """Raise a helpful error if ``responses=`` is not a mapping of status to dict."""
    example = "responses={404: {'description': 'Not found', 'model': Message}}"
    if not isinstance(responses, Mapping):
        raise RouteDefinitionError(
            f"Route {route.label}: responses= must map status codes to Response objects, "
            f"such as {example}; got {type(responses).__name__}."
        )
    for status, spec in responses.items():
        key = status_key(status)
        valid = key == "default" or (
            len(key) == 3 and key[0] in "12345" and (key.isdigit() or key[1:] == "XX")
        )
        if not valid:
            raise RouteDefinitionError(
                f"Route {route.label}: responses= has the key {status!r}, which is not a "
                "status code. Use an integer such as 404, a range such as '4XX', or 'default'."
            )
        if not isinstance(spec, Mapping):
            raise RouteDefinitionError(
                f"Route {route.label}: responses[{status!r}] must be a dict, such as "
                f"{example}; got {type(spec).__name__}."
            )
