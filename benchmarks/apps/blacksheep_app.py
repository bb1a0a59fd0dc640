"""BlackSheep 2.6, the way its docs write an API: binders for the request, DI for services.

Route, query, header and JSON body parameters come from BlackSheep's binders
(implicit ones for the path and query, ``FromHeader`` subclasses naming their header,
``FromJSON`` with the shared pydantic ``Item``); ``Combiner`` and ``Users`` are
services in the app's container (rodi), injected into the handlers by type. So the
dependency chain is header binders, then a service, then the handler.

BlackSheep answers a parameter it cannot bind with 400, so ``BadRequest`` is mapped
to 422 like the other apps' validation errors; the ranges of ``id`` and ``limit``
have no binder option and are checked in the handler.
"""

from __future__ import annotations

import logging
from typing import Any

from blacksheep import Application, Content, FromHeader, FromJSON, Request, Response
from blacksheep.exceptions import BadRequest
from blacksheep.server.responses import json
from blacksheep.server.routing import Router

from .common import ID_MIN, LIMIT_DEFAULT, LIMIT_MAX, LIMIT_MIN, PLAIN, TOKEN, USER, Item, to_out


class XAHeader(FromHeader[str]):
    name = "x-a"


class XBHeader(FromHeader[str]):
    name = "x-b"


class AuthorizationHeader(FromHeader[str]):
    name = "authorization"


class Combiner:
    """A service: the middle of the dependency chain."""

    def combine(self, a: str, b: str) -> dict[str, str]:
        return {"a": a, "b": b, "combined": f"{a}-{b}"}


class Users:
    """A service: who a bearer token belongs to."""

    def from_authorization(self, value: str | None) -> dict[str, str] | None:
        scheme, _, token = (value or "").partition(" ")
        return USER if scheme.lower() == "bearer" and token == TOKEN else None


def unprocessable(detail: str) -> Response:
    return json({"detail": detail}, 422)


async def bad_request_as_422(app: Application, request: Request, exc: Exception) -> Response:
    return unprocessable(str(exc))


def new_app() -> Application:
    app = Application(router=Router())  # not the module-level default router
    # Each Application sets its logger to INFO, which logs every answered 400; the
    # other apps log no errors they answer.
    logging.getLogger("blacksheep.server").setLevel(logging.WARNING)
    app.exceptions_handlers[BadRequest] = bad_request_as_422
    return app


app = new_app()
app.services.add_instance(Combiner())
app.services.add_instance(Users())
get, post = app.router.get, app.router.post


@get("/plain")
async def plain() -> Response:
    return json(PLAIN)


@get("/items/{id}")
async def get_item(id: int, q: str | None = None, limit: int = LIMIT_DEFAULT) -> Response:
    if id < ID_MIN or not LIMIT_MIN <= limit <= LIMIT_MAX:
        return unprocessable("id must be >= 1 and limit within 1..100")
    return json({"id": id, "q": q, "limit": limit})


@post("/items")
async def create_item(item: FromJSON[Item]) -> Response:
    body = to_out(item.value).model_dump_json().encode()
    return Response(201, None, Content(b"application/json", body))


@get("/deps")
async def deps(a: XAHeader, b: XBHeader, combiner: Combiner) -> Response:
    return json(combiner.combine(a.value, b.value))


@get("/secure")
async def secure(users: Users, authorization: AuthorizationHeader | None = None) -> Response:
    user = users.from_authorization(authorization.value if authorization else None)
    if user is None:
        response = json({"detail": "Not authenticated"}, 401)
        response.add_header(b"WWW-Authenticate", b"Bearer")
        return response
    return json(user)


def _route_handler(i: int) -> Any:
    async def endpoint(id: int) -> Response:
        return json({"route": i, "id": id})

    return endpoint


def build_many_routes(n: int) -> Application:
    routes_app = new_app()
    for i in range(n):
        routes_app.router.add_get(f"/r{i}/{{id}}", _route_handler(i))
    return routes_app
