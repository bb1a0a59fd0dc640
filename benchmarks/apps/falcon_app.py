"""Falcon 4.4 (ASGI), the way its docs write a fast API: resources, msgspec for JSON.

``falcon.asgi.App`` with one resource class per path, ``req.get_param_as_int`` for
the typed query, msgspec both as the media handler (Falcon's msgspec recipe) and
for the body, decoded straight into a ``msgspec.Struct`` with its constraints. The
dependency chain is plain functions of the request, as Falcon has no DI. Falcon
answers a bad parameter with 400, so ``HTTPInvalidParam`` and ``HTTPMissingHeader``
are mapped to 422 like the other apps' validation errors.
``benchmarks.apps.falcon_pydantic_app`` is the same app validating the body with
the shared pydantic models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import falcon
import falcon.asgi
import falcon.media
import msgspec

from .common import ID_MIN, LIMIT_DEFAULT, LIMIT_MAX, LIMIT_MIN, PLAIN, TOKEN, USER


class Owner(msgspec.Struct):
    name: str
    email: str


class ItemOut(msgspec.Struct):
    name: Annotated[str, msgspec.Meta(max_length=50)]
    price: Annotated[float, msgspec.Meta(gt=0)]
    owner: Owner
    tags: list[str] = []


class Item(ItemOut):
    internal_note: str = "secret"  # accepted on input, never sent back


item_decoder = msgspec.json.Decoder(Item)


def unprocessable(description: str) -> falcon.HTTPUnprocessableEntity:
    return falcon.HTTPUnprocessableEntity(description=description)


class Plain:
    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        resp.media = PLAIN


class ItemResource:
    # "{id}" rather than "{id:int(min=1)}": a bad id is a 422 as in FastAPI, not a 404.
    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response, id: str) -> None:
        if not (id.isascii() and id.isdigit()) or int(id) < ID_MIN:
            raise unprocessable("id must be an integer >= 1")
        limit = req.get_param_as_int(
            "limit", min_value=LIMIT_MIN, max_value=LIMIT_MAX, default=LIMIT_DEFAULT
        )
        resp.media = {"id": int(id), "q": req.get_param("q"), "limit": limit}


def msgspec_body(body: bytes) -> ItemOut:
    try:
        item = item_decoder.decode(body)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise unprocessable(str(exc)) from exc
    return ItemOut(name=item.name, price=item.price, owner=item.owner, tags=item.tags)


class Items:
    def __init__(self, validate: Callable[[bytes], Any], encode: Callable[[Any], bytes]) -> None:
        self.validate, self.encode = validate, encode

    async def on_post(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        out = self.validate(await req.stream.read())
        resp.data = self.encode(out)
        resp.content_type = falcon.MEDIA_JSON
        resp.status = falcon.HTTP_201


# The dependency chain: two header leaves and a combiner, called in order.
def dep_a(req: falcon.asgi.Request) -> str:
    return str(req.get_header("x-a", required=True))


def dep_b(req: falcon.asgi.Request) -> str:
    return str(req.get_header("x-b", required=True))


def dep_combined(req: falcon.asgi.Request) -> dict[str, str]:
    a, b = dep_a(req), dep_b(req)
    return {"a": a, "b": b, "combined": f"{a}-{b}"}


class Deps:
    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        resp.media = dep_combined(req)


class Secure:
    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response) -> None:
        scheme, _, token = (req.get_header("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or token != TOKEN:
            raise falcon.HTTPUnauthorized(title="Not authenticated", challenges=["Bearer"])
        resp.media = USER


async def as_422(
    req: falcon.asgi.Request, resp: falcon.asgi.Response, exc: Exception, params: Any
) -> None:
    assert isinstance(exc, falcon.HTTPError)
    raise unprocessable(exc.description or exc.title)


def new_app() -> falcon.asgi.App:
    """An app with msgspec as the JSON media handler and bad parameters as 422s."""
    app = falcon.asgi.App()
    json_handler = falcon.media.JSONHandler(dumps=msgspec.json.encode, loads=msgspec.json.decode)
    app.req_options.media_handlers[falcon.MEDIA_JSON] = json_handler
    app.resp_options.media_handlers[falcon.MEDIA_JSON] = json_handler
    app.add_error_handler(falcon.HTTPInvalidParam, as_422)
    app.add_error_handler(falcon.HTTPMissingHeader, as_422)
    return app


def make_app(items: Items) -> falcon.asgi.App:
    app = new_app()
    app.add_route("/plain", Plain())
    app.add_route("/items/{id}", ItemResource())
    app.add_route("/items", items)
    app.add_route("/deps", Deps())
    app.add_route("/secure", Secure())
    return app


app = make_app(Items(msgspec_body, msgspec.json.encode))


class Numbered:
    def __init__(self, i: int) -> None:
        self.i = i

    async def on_get(self, req: falcon.asgi.Request, resp: falcon.asgi.Response, id: int) -> None:
        resp.media = {"route": self.i, "id": id}


def build_many_routes(n: int) -> falcon.asgi.App:
    routes_app = new_app()
    for i in range(n):
        routes_app.add_route(f"/r{i}/{{id:int}}", Numbered(i))
    return routes_app
