"""``openapi(fastapi_compatible=True)``: the document FastAPI would write, exactly.

pegboard's own document differs from FastAPI's in four deliberate ways; this
setting undoes them, for apps moved from FastAPI whose generated clients, contract
tests or gateways compare documents:

* a 422 response on every operation with parameters or a body (pegboard documents
  it only where something is validated);
* no 401/403 responses on secured operations unless ``responses=`` declares them
  (pegboard documents the answers its security schemes give);
* uploaded files as ``contentMediaType: application/octet-stream`` rather than
  ``format: binary``;
* an untyped path parameter with no type (pegboard says it is a string).

Applied while the document is built, once; never on the request path.
"""

from __future__ import annotations

import inspect
from typing import Any

from pegboard import RouteInfo
from pegboard_openapi.components import Components

__all__ = ["fastapi_document", "fastapi_operation"]

_REF = "#/components/schemas/"
# FastAPI's 422 body, as its documents publish it.
_VALIDATION_ERRORS: dict[str, dict[str, Any]] = {
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
                "items": {"$ref": _REF + "ValidationError"},
            }
        },
    },
}
_BINARY = {"type": "string", "format": "binary"}


def fastapi_operation(
    route: RouteInfo, operation: dict[str, Any], components: Components, owner: str
) -> None:
    """Change one Operation object, in place, into FastAPI's."""
    responses: dict[str, Any] = operation.setdefault("responses", {})
    declared = {str(status) for status in (route.option("responses") or {})}
    if operation.get("security"):
        for status in ("401", "403"):
            if status not in declared:
                responses.pop(status, None)
    if (operation.get("parameters") or operation.get("requestBody")) and "422" not in responses:
        for name, schema in _VALIDATION_ERRORS.items():
            components.add_schema(name, schema, owner=owner)
        responses["422"] = {
            "description": "Validation Error",
            "content": {"application/json": {"schema": {"$ref": _REF + "HTTPValidationError"}}},
        }
        operation["responses"] = dict(
            sorted(responses.items(), key=lambda item: (item[0] == "default", item[0]))
        )
    untyped = _untyped_parameters(route)
    for parameter in operation.get("parameters", ()):
        if parameter.get("in") == "path" and parameter.get("name") in untyped:
            schema = parameter.get("schema", {})
            parameter["schema"] = {k: v for k, v in schema.items() if k == "title"}


def _untyped_parameters(route: RouteInfo) -> set[str]:
    try:
        signature = inspect.signature(route.endpoint)
    except (TypeError, ValueError):  # pragma: no cover - builtins without a signature
        return set()
    return {
        name
        for name, parameter in signature.parameters.items()
        if parameter.annotation is inspect.Parameter.empty
    }


def fastapi_document(document: Any) -> Any:
    """Files as FastAPI 0.165 writes them: OpenAPI 3.1's contentMediaType."""
    if isinstance(document, dict):
        if all(document.get(k) == v for k, v in _BINARY.items()):
            rest = {k: v for k, v in document.items() if k != "format"}
            return {**rest, "contentMediaType": "application/octet-stream"}
        return {k: fastapi_document(v) for k, v in document.items()}
    if isinstance(document, list):
        return [fastapi_document(item) for item in document]
    return document
