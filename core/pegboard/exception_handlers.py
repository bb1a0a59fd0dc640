"""The default exception handlers: every error a client sees is JSON.

Each is importable, so an app that installs its own handler can delegate to these
(``return await http_exception_handler(request, exc)``) after logging or reshaping.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response

from pegboard.encoders import jsonable_encoder
from pegboard.exceptions import RequestValidationError
from pegboard.responses import JSONResponse, PlainTextResponse, has_no_body

__all__ = [
    "http_exception_handler",
    "plain_server_error_handler",
    "request_validation_exception_handler",
    "server_error_handler",
]


async def http_exception_handler(request: Request, exc: Exception) -> Response:
    """Render an HTTPException (including Starlette's 404 and 405) as ``{"detail": ...}``."""
    assert isinstance(exc, StarletteHTTPException)
    headers = exc.headers
    if has_no_body(exc.status_code):
        return Response(status_code=exc.status_code, headers=headers)
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)


async def request_validation_exception_handler(request: Request, exc: Exception) -> Response:
    """Render a RequestValidationError as a 422 with FastAPI's ``detail`` list."""
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)


async def server_error_handler(request: Request, exc: Exception) -> Response:
    """Render an unhandled exception as a 500 that reveals nothing about it.

    With ``App(debug=True)``, Starlette's traceback page is shown instead.
    """
    return JSONResponse({"detail": "Internal Server Error"}, status_code=500)


async def plain_server_error_handler(request: Request, exc: Exception) -> Response:
    """Render an unhandled exception as Starlette's (and FastAPI's) plain-text 500.

    ``App(json_server_errors=False)`` installs it.
    """
    return PlainTextResponse("Internal Server Error", status_code=500)
