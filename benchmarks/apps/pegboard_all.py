"""pegboard with every first-party plugin, written the idiomatic way.

Validation, DI, security, OpenAPI and the three docs UIs are enabled, and the
handlers are declared as a FastAPI user would port them: typed path and query
parameters with constraints, a body model with a response model, a three-level
``Depends`` chain with ``Header()`` leaves, ``HTTPBearer`` for ``/secure``. Return
annotations are kept (as in the FastAPI app), so responses go through pydantic's
serializer.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from pegboard import App, HTTPException
from pegboard_di import Depends, di
from pegboard_docs import redoc, scalar, swagger_ui
from pegboard_openapi import openapi
from pegboard_security import HTTPAuthorizationCredentials, HTTPBearer, security
from pegboard_validation import Header, Path, Query, validation

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
)


def all_plugins() -> list[Any]:
    """A fresh set of every first-party plugin (each app gets its own)."""
    return [
        validation(),
        di(),
        security(),
        openapi(title="pegboard benchmark", version="1"),
        swagger_ui(),
        redoc(),
        scalar(),
    ]


app = App(plugins=all_plugins())


@app.get("/plain")
async def plain() -> dict[str, str]:
    return PLAIN


# --8<-- [start:items]
@app.get("/items/{id}")
async def get_item(
    id: Annotated[int, Path(ge=ID_MIN)],
    q: str | None = None,
    limit: Annotated[int, Query(ge=LIMIT_MIN, le=LIMIT_MAX)] = LIMIT_DEFAULT,
) -> dict[str, object]:
    return {"id": id, "q": q, "limit": limit}


# The Item goes out through response_model=ItemOut, which drops internal_note.
@app.post("/items", response_model=ItemOut, status_code=201)
async def create_item(item: Item) -> Item:
    return item


async def dep_a(x_a: Annotated[str, Header()]) -> str:
    return x_a


async def dep_b(x_b: Annotated[str, Header()]) -> str:
    return x_b


async def dep_combined(
    a: Annotated[str, Depends(dep_a)], b: Annotated[str, Depends(dep_b)]
) -> dict[str, str]:
    return {"a": a, "b": b, "combined": f"{a}-{b}"}


@app.get("/deps")
async def deps(
    combined: Annotated[dict[str, str], Depends(dep_combined)],
) -> dict[str, str]:
    return combined


bearer = HTTPBearer()


async def current_user(
    credentials: Annotated[HTTPAuthorizationCredentials, Depends(bearer)],
) -> dict[str, str]:
    if credentials.credentials != TOKEN:
        raise HTTPException(401, "Invalid token", headers={"WWW-Authenticate": "Bearer"})
    return USER


@app.get("/secure")
async def secure(user: Annotated[dict[str, str], Depends(current_user)]) -> dict[str, str]:
    return user


# --8<-- [end:items]


def _route_endpoint(i: int) -> Callable[[int], Awaitable[dict[str, int]]]:
    async def endpoint(id: int) -> dict[str, int]:
        return {"route": i, "id": id}

    return endpoint


def build_many_routes(n: int) -> App:
    routes_app = App(plugins=all_plugins())
    for i in range(n):
        # As in FastAPI: "{id}" in the path, the int type from the annotation.
        routes_app.add_api_route(f"/r{i}/{{id}}", _route_endpoint(i), name=f"r{i}")
    return routes_app
