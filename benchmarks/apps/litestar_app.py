"""Litestar: idiomatic declarations (typed parameter markers, Provide, pydantic plugin).

Written in the style Litestar 2.25 asks for (``QueryParameter``, ``FromPath``,
``JSONBody``, ``NamedDependency``): the older inferred and ``Parameter(header=...)``
styles warn that they stop working in Litestar 3.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Litestar, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException, NotAuthorizedException
from litestar.handlers import HTTPRouteHandler
from litestar.params import (
    FromPath,
    FromQuery,
    HeaderParameter,
    JSONBody,
    PathParameter,
    QueryParameter,
)
from litestar.status_codes import HTTP_400_BAD_REQUEST
from litestar.types import ExceptionHandlersMap

from .common import (
    ID_MIN,
    LIMIT_DEFAULT,
    LIMIT_MAX,
    LIMIT_MIN,
    PLAIN,
    TOKEN,
    USER,
    Item,
    ItemOut,
    to_out,
)


@get("/plain")
async def plain() -> dict[str, str]:
    return PLAIN


# "{id:str}" + an int annotation: a non-numeric id is then a validation error
# (422, as in FastAPI) instead of a 404 from the typed route segment.
@get("/items/{id:str}")
async def get_item(
    id: Annotated[int, PathParameter(ge=ID_MIN)],
    q: FromQuery[str | None] = None,
    limit: Annotated[int, QueryParameter(ge=LIMIT_MIN, le=LIMIT_MAX)] = LIMIT_DEFAULT,
) -> dict[str, Any]:
    return {"id": id, "q": q, "limit": limit}


# Litestar does not filter a returned model by the annotation, so project
# onto ItemOut explicitly (same as the Starlette app). POST defaults to 201.
@post("/items")
async def create_item(data: JSONBody[Item]) -> ItemOut:
    return to_out(data)


async def dep_a(x_a: Annotated[str, HeaderParameter(name="x-a")]) -> str:
    return x_a


async def dep_b(x_b: Annotated[str, HeaderParameter(name="x-b")]) -> str:
    return x_b


async def dep_combined(a: NamedDependency[str], b: NamedDependency[str]) -> dict[str, str]:
    return {"a": a, "b": b, "combined": f"{a}-{b}"}


@get(
    "/deps",
    dependencies={
        "a": Provide(dep_a),
        "b": Provide(dep_b),
        "combined": Provide(dep_combined),
    },
)
async def deps(combined: NamedDependency[dict[str, str]]) -> dict[str, str]:
    return combined


async def current_user(
    authorization: Annotated[str | None, HeaderParameter(name="authorization")] = None,
) -> dict[str, str]:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or token != TOKEN:
        raise NotAuthorizedException(headers={"WWW-Authenticate": "Bearer"})
    return USER


@get("/secure", dependencies={"user": Provide(current_user)})
async def secure(user: NamedDependency[dict[str, str]]) -> dict[str, str]:
    return user


def client_error_as_422(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    # Litestar answers 400 both to input that fails validation (ValidationException)
    # and to a body that is not JSON at all (a ClientException); the other apps (and
    # the equality check) use FastAPI's 422 for both. A handler keyed by status code
    # takes precedence over those by class, so it catches every 400.
    return Response({"status_code": 422, "detail": exc.detail, "extra": exc.extra}, status_code=422)


EXCEPTION_HANDLERS: ExceptionHandlersMap = {HTTP_400_BAD_REQUEST: client_error_as_422}

app = Litestar(
    route_handlers=[plain, get_item, create_item, deps, secure],
    exception_handlers=EXCEPTION_HANDLERS,
)


def _route_handler(i: int) -> HTTPRouteHandler:
    @get(f"/r{i}/{{id:int}}", name=f"r{i}")
    async def endpoint(id: FromPath[int]) -> dict[str, int]:
        return {"route": i, "id": id}

    return endpoint


def build_many_routes(n: int) -> Litestar:
    return Litestar(
        route_handlers=[_route_handler(i) for i in range(n)],
        exception_handlers=EXCEPTION_HANDLERS,
    )
