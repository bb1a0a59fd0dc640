"""A large pegboard app described like a real API, for start-up and OpenAPI timings.

``build_many_routes(n)`` spreads ``n`` routes over routers of 100 with a tag each.
Every route has a typed path parameter and a header; GET routes read two query
parameters, every fourth route is a POST with a JSON body; every route has a
response model (50 models, shared); every other route needs a bearer token. All
first-party plugins are enabled, so the OpenAPI document has real schemas,
parameters, request bodies, 401/422 responses and a security scheme.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field, create_model

from pegboard import App, Router
from pegboard_security import HTTPBearer
from pegboard_validation import Header, Query

from .pegboard_all import all_plugins

PER_ROUTER = 100


class Owner(BaseModel):
    login: str


MODELS: list[Any] = [
    create_model(
        f"Model{i}",
        __base__=BaseModel,
        id=(int, ...),
        name=(str, Field(max_length=50)),
        tags=(list[str], []),
        owner=(Owner | None, None),
    )
    for i in range(50)
]

bearer = HTTPBearer()


def _writer(model: Any) -> Any:
    async def write(thing_id: int, body: Any, x_trace: Annotated[str, Header()] = "") -> Any:
        return body

    write.__annotations__["body"] = model
    return write


def _reader() -> Any:
    async def read(
        thing_id: int,
        q: str = "",
        limit: Annotated[int, Query(le=100)] = 10,
        x_trace: Annotated[str, Header()] = "",
    ) -> Any:
        return {"id": thing_id, "name": q}

    return read


def build_many_routes(n: int) -> App:
    app = App(plugins=all_plugins())
    for r in range((n + PER_ROUTER - 1) // PER_ROUTER):
        router = Router(prefix=f"/area{r}", tags=[f"area{r}"])
        for i in range(min(PER_ROUTER, n - r * PER_ROUTER)):
            model = MODELS[(r * PER_ROUTER + i) % len(MODELS)]
            options: dict[str, Any] = {"name": f"op{i}", "response_model": model}
            if i % 2:
                options["security"] = [bearer]
            if i % 4 == 0:
                router.post(f"/things{i}/{{thing_id}}", **options)(_writer(model))
            else:
                router.get(f"/things{i}/{{thing_id}}", **options)(_reader())
        app.include_router(router)
    return app
