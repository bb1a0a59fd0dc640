"""pegboard, core only: no plugins; the handlers do what a Starlette user writes.

``/plain`` returns a dict and lets the core encode it. The other endpoints take the
``Request`` and validate by hand, with the same code as the Starlette app, so the
difference between the two is the framework: routing, route compilation and the
core's response encoding.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from pydantic import ValidationError

from pegboard import App, JSONResponse, Request, Response

from .common import PLAIN, TOKEN, USER, Item, parse_item_params, to_out

app = App()


def unprocessable() -> Response:
    return JSONResponse({"detail": "validation error"}, status_code=422)


@app.get("/plain")
async def plain() -> dict[str, str]:
    return PLAIN


# "{id}" rather than "{id:int}" so a non-numeric id is a 422, as in the other apps.
@app.get("/items/{id}")
async def get_item(request: Request) -> object:
    params = request.query_params
    body = parse_item_params(request.path_params["id"], params.get("q"), params.get("limit"))
    return unprocessable() if body is None else body


@app.post("/items")
async def create_item(request: Request) -> Response:
    try:
        item = Item.model_validate_json(await request.body())
    except ValidationError as exc:
        return Response(exc.json(include_url=False), status_code=422, media_type="application/json")
    return Response(to_out(item).model_dump_json(), status_code=201, media_type="application/json")


# The dependency chain as plain async calls: two header leaves, one combiner.
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


@app.get("/deps")
async def deps(request: Request) -> object:
    try:
        return await dep_combined(request)
    except MissingHeader:
        return unprocessable()


@app.get("/secure")
async def secure(request: Request) -> object:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or token != TOKEN:
        return JSONResponse(
            {"detail": "Not authenticated"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    return USER


def _route_endpoint(i: int) -> Callable[[int], Awaitable[dict[str, int]]]:
    async def endpoint(id: int) -> dict[str, int]:
        return {"route": i, "id": id}

    return endpoint


def build_many_routes(n: int) -> App:
    routes_app = App()
    for i in range(n):
        # The core hands "{id:int}" over as an int; no plugin is needed.
        routes_app.add_api_route(f"/r{i}/{{id:int}}", _route_endpoint(i), name=f"r{i}")
    return routes_app
