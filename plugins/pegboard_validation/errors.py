"""Validation errors: FastAPI's shape for requests, a 500 for responses, problem+json.

Request errors use the core's :class:`~pegboard.RequestValidationError`, whose
``errors()`` are pydantic's error dicts with ``loc`` starting at the source
(``"query"``, ``"path"``, ``"header"``, ``"cookie"``, ``"body"``). A handler's
return value that does not fit its response model raises
:class:`ResponseValidationError`: the server's fault, so a logged 500.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from pegboard import JSONResponse, RequestValidationError, has_no_body, jsonable_encoder

__all__ = [
    "PROBLEM_JSON",
    "ResponseValidationError",
    "json_body_errors",
    "located_errors",
    "missing_error",
    "problem_details_handler",
]

PROBLEM_JSON = "application/problem+json"

Loc = tuple[str | int, ...]

_JSON_POSITION = re.compile(r"^(.*) at line (\d+) column (\d+)$")


class ResponseValidationError(Exception):
    """A handler returned a value that does not match its response model.

    Raised while the response is encoded, logged with the route, and answered with a
    500 that reveals nothing to the client. ``errors()`` holds pydantic's errors, with
    ``loc`` starting at ``"response"``; ``body`` is the value the handler returned.
    """

    def __init__(self, errors: Sequence[Mapping[str, Any]], *, body: Any = None) -> None:
        super().__init__(errors)
        self._errors = list(errors)
        self.body = body

    def errors(self) -> list[Mapping[str, Any]]:
        return self._errors

    def __str__(self) -> str:
        lines = [f"{len(self._errors)} validation error(s) in the response:"]
        for error in self._errors:
            loc = " -> ".join(str(part) for part in error.get("loc", ()))
            lines.append(f"  {loc}: {error.get('msg', '')} (got {error.get('input')!r})")
        return "\n".join(lines)


def missing_error(loc: Loc) -> dict[str, Any]:
    """The error for a required value that the request does not have."""
    return {"type": "missing", "loc": loc, "msg": "Field required", "input": None}


def located_errors(exc: ValidationError, prefix: Loc) -> list[dict[str, Any]]:
    """pydantic's errors with ``loc`` moved under ``prefix`` (such as ``("query", "q")``)."""
    return [{**error, "loc": (*prefix, *error["loc"])} for error in exc.errors(include_url=False)]


def json_body_errors(
    exc: ValidationError, body: bytes, prefix: Loc, *, embedded: bool = False
) -> list[dict[str, Any]]:
    """Errors of a JSON body; malformed JSON becomes FastAPI's ``json_invalid`` error.

    That error's ``loc`` is ``["body", <byte offset where the JSON broke>]`` and it does
    not echo the body back. In an ``embedded`` body (several parameters), a missing
    parameter's ``input`` is None rather than the whole body.
    """
    errors = exc.errors(include_url=False)
    if len(errors) == 1 and errors[0]["type"] == "json_invalid":
        reason = str(errors[0].get("ctx", {}).get("error", errors[0]["msg"]))
        return [
            {
                "type": "json_invalid",
                "loc": ("body", _offset(reason, body)),
                "msg": "JSON decode error",
                "input": {},
                "ctx": {"error": _JSON_POSITION.sub(r"\1", reason)},
            }
        ]
    located = []
    for error in errors:
        item = {**error, "loc": (*prefix, *error["loc"])}
        if embedded and error["type"] == "missing" and len(error["loc"]) == 1:
            item["input"] = None  # a parameter missing: not the whole body
        located.append(_as_python_error(item))
    return located


# Validated straight from JSON, pydantic words some errors in JSON's terms ("a valid
# array"); FastAPI validates the parsed Python value, and its clients read these.
_PYTHON_MESSAGES = {
    "list_type": "Input should be a valid list",
    "tuple_type": "Input should be a valid tuple",
    "set_type": "Input should be a valid set",
    "frozen_set_type": "Input should be a valid frozenset",
    "dict_type": "Input should be a valid dictionary",
}
_JSON_MESSAGES = frozenset({"Input should be a valid array", "Input should be an object"})


def _as_python_error(error: dict[str, Any]) -> dict[str, Any]:
    if error.get("msg") not in _JSON_MESSAGES:
        return error
    kind = error["type"]
    if kind == "model_type":
        error = {k: v for k, v in error.items() if k != "ctx"}
        return {**error, "type": "model_attributes_type", "msg": _MODEL_ATTRIBUTES}
    message = _PYTHON_MESSAGES.get(kind)
    return error if message is None else {**error, "msg": message}


_MODEL_ATTRIBUTES = "Input should be a valid dictionary or object to extract fields from"


def _offset(reason: str, body: bytes) -> int:
    if reason.startswith("EOF"):
        return len(body)  # the JSON stopped early: it broke at the end
    match = _JSON_POSITION.match(reason)
    if match is None:
        return 0
    line, column = int(match.group(2)), int(match.group(3))
    start = 0
    for _ in range(line - 1):
        start = body.find(b"\n", start) + 1
    return max(0, min(start + column - 1, len(body)))


# -- RFC 9457 problem details ------------------------------------------------------


def _pointer(parts: Sequence[Any]) -> str:
    escaped = (str(p).replace("~", "~0").replace("/", "~1") for p in parts)
    return "#/" + "/".join(escaped)


def _problem_error(error: Mapping[str, Any]) -> dict[str, Any]:
    loc = list(error.get("loc", ()))
    item: dict[str, Any] = {"code": error.get("type"), "detail": error.get("msg")}
    if loc and loc[0] == "body":
        if error.get("type") == "json_invalid":
            item["position"] = loc[1] if len(loc) > 1 else 0
        else:
            item["pointer"] = _pointer(loc[1:])
    elif loc:
        item["in"] = loc[0]
        item["parameter"] = loc[1] if len(loc) > 1 else None
        if len(loc) > 2:
            item["pointer"] = _pointer(loc[2:])
    return item


async def problem_details_handler(request: Request, exc: Exception) -> Response:
    """Render request errors as RFC 9457 ``application/problem+json``.

    Install it for :class:`~pegboard.RequestValidationError` (422) and for HTTP errors,
    or let ``validation(problem_details=True)`` do so. A 422 lists each error under
    ``errors`` with a ``detail``, the pydantic ``code``, and a JSON ``pointer`` into
    the body or the ``parameter`` it concerns.
    """
    if isinstance(exc, RequestValidationError):
        errors = exc.errors()
        content: dict[str, Any] = {
            "type": "about:blank",
            "title": "Unprocessable Content",
            "status": 422,
            "detail": f"The request has {len(errors)} invalid value(s).",
            "instance": request.url.path,
            "errors": jsonable_encoder([_problem_error(e) for e in errors]),
        }
        return JSONResponse(content, status_code=422, media_type=PROBLEM_JSON)
    if isinstance(exc, StarletteHTTPException):
        status = exc.status_code
        if has_no_body(status):
            return Response(status_code=status, headers=exc.headers)
        title = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
        content = {"type": "about:blank", "title": title, "status": status}
        detail: Any = exc.detail  # pegboard's HTTPException allows any JSON value
        if isinstance(detail, str):
            if detail != title:
                content["detail"] = detail
        elif detail is not None:
            content["errors"] = jsonable_encoder(detail)
        content["instance"] = request.url.path
        return JSONResponse(
            content, status_code=status, headers=exc.headers, media_type=PROBLEM_JSON
        )
    raise exc
