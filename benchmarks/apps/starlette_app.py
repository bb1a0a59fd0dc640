"""Starlette: routing from the framework, validation and DI written by hand."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from pydantic import ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .common import PLAIN, TOKEN, USER, Item, parse_item_params, to_out


def unprocessable() -> Response:
    return JSONResponse({"detail": "validation error"}, status_code=422)


async def plain(request: Request) -> Response:
    return JSONResponse(PLAIN)


async def get_item(request: Request) -> Response:
    params = request.query_params
    body = parse_item_params(request.path_params["id"], params.get("q"), params.get("limit"))
    if body is None:
        return unprocessable()
    return JSONResponse(body)


async def create_item(request: Request) -> Response:
    try:
        item = Item.model_validate_json(await request.body())
    except ValidationError as exc:
        return Response(exc.json(include_url=False), status_code=422, media_type="application/json")
    return Response(to_out(item).model_dump_json(), status_code=201, media_type="application/json")


# Dependency chain as plain async calls: two header leaves, one combiner.
class MissingHeader(Exception):
    pass


async def dep_a(request: Request) -> str:
    value = request.headers.get("x-a")
    if value is None:
        raise MissingHeader("x-a")
    return value


async def dep_b(request: Request) -> str:
    value = request.headers.get("x-b")
    if value is None:
        raise MissingHeader("x-b")
    return value


async def dep_combined(request: Request) -> dict[str, str]:
    a = await dep_a(request)
    b = await dep_b(request)
    return {"a": a, "b": b, "combined": f"{a}-{b}"}


async def deps(request: Request) -> Response:
    try:
        return JSONResponse(await dep_combined(request))
    except MissingHeader:
        return unprocessable()


async def secure(request: Request) -> Response:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or token != TOKEN:
        return JSONResponse(
            {"detail": "Not authenticated"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    return JSONResponse(USER)


# "{id}" rather than "{id:int}" so a non-numeric id is a 422 (as in FastAPI),
# not a 404 from a failed route match.
app = Starlette(
    routes=[
        Route("/plain", plain, methods=["GET"]),
        Route("/items/{id}", get_item, methods=["GET"]),
        Route("/items", create_item, methods=["POST"]),
        Route("/deps", deps, methods=["GET"]),
        Route("/secure", secure, methods=["GET"]),
    ]
)


def build_many_routes(n: int) -> Starlette:
    def make(i: int) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            return JSONResponse({"route": i, "id": request.path_params["id"]})

        return endpoint

    return Starlette(
        routes=[Route(f"/r{i}/{{id:int}}", make(i), methods=["GET"]) for i in range(n)]
    )
