"""FastAPI: idiomatic declarations (Path/Query/Header, Depends, HTTPBearer)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, FastAPI, Header, HTTPException, Path, Query
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

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

app = FastAPI()


@app.get("/plain")
async def plain() -> dict[str, str]:
    return PLAIN


@app.get("/items/{id}")
async def get_item(
    id: Annotated[int, Path(ge=ID_MIN)],
    q: str | None = None,
    limit: Annotated[int, Query(ge=LIMIT_MIN, le=LIMIT_MAX)] = LIMIT_DEFAULT,
) -> dict[str, object]:
    return {"id": id, "q": q, "limit": limit}


# Returning the Item and letting response_model filter it is the FastAPI idiom
# (and exercises its response-model serialization path).
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
        raise HTTPException(
            status_code=401,
            detail="Invalid token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return USER


@app.get("/secure")
async def secure(user: Annotated[dict[str, str], Depends(current_user)]) -> dict[str, str]:
    return user


def _route_endpoint(i: int) -> Callable[[int], Awaitable[dict[str, int]]]:
    async def endpoint(id: int) -> dict[str, int]:
        return {"route": i, "id": id}

    return endpoint


def build_many_routes(n: int) -> FastAPI:
    routes_app = FastAPI()
    for i in range(n):
        # FastAPI paths take "{id}"; the int type comes from the annotation.
        routes_app.add_api_route(f"/r{i}/{{id}}", _route_endpoint(i), methods=["GET"])
    return routes_app
