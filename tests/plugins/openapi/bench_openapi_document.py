"""How long the OpenAPI document of a 1,000-route app takes to build.

Run from the repository root:

    .venv/bin/python tests/plugins/openapi/bench_openapi_document.py [--routes 1000]

The app has the core, the OpenAPI plugin and the fake third-party plugin of these
tests: every route has a path parameter, two query parameters and a header, a
response model, a 401 from a security guard on every other route, and a body on the
POST routes; 50 models are shared between the routes. Timed: compiling the app
(``app.build()``, the core's work, done once at startup anyway), the first document
(its schemas built for the first time), later documents (schemas already built), and
serializing one to JSON.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Annotated, Any

sys.path.insert(0, str(Path(__file__).parent))

from openapi_spec_validator import validate
from pydantic import BaseModel, Field, create_model

from pegboard import App, Router
from pegboard.encoders import json_dumps
from pegboard_openapi import build_document, openapi
from pegboard_validation import Header, Query, validation

from .openapi_fakes import Auth, Body, FakePlugin, Model, Param

MODELS = [
    Model(
        f"Model{i}",
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string", "maxLength": 50},
                "tags": {"type": "array", "items": {"type": "string"}},
                "owner": {"$ref": "#/components/schemas/Owner"},
            },
            "required": ["id", "name"],
        },
        {"Owner": {"type": "object", "properties": {"login": {"type": "string"}}}},
    )
    for i in range(50)
]
BEARER = Auth("bearer", {"type": "http", "scheme": "bearer"})


def make_app(routes: int) -> App:
    app = App(plugins=[FakePlugin(), openapi(title="Big", version="1")])
    per_router = 100
    for r in range((routes + per_router - 1) // per_router):
        router = Router(prefix=f"/area{r}", tags=[f"area{r}"])
        for i in range(min(per_router, routes - r * per_router)):
            model = MODELS[(r * per_router + i) % len(MODELS)]
            options: dict[str, Any] = {"returns": model, "name": f"op{i}"}
            if i % 2:
                options["auth"] = [BEARER]
            if i % 4 == 0:
                router.post(f"/things{i}/{{thing_id}}", **options)(_with_body(model))
            else:
                router.get(f"/things{i}/{{thing_id}}", **options)(_reader())
        app.include_router(router)
    return app


def _reader() -> Any:
    def read(
        thing_id: Annotated[str, Param("path", {"type": "string"}, required=True)],
        q: Annotated[str, Param("query", {"type": "string"})] = "",
        limit: Annotated[int, Param("query", {"type": "integer", "maximum": 100})] = 10,
        trace: Annotated[str, Param("header", {"type": "string"}, alias="X-Trace")] = "",
    ) -> Any: ...

    return read


def _with_body(model: Model) -> Any:
    def write(
        thing_id: Annotated[str, Param("path", {"type": "string"}, required=True)],
        body: Annotated[Any, Body(model)],
        q: Annotated[str, Param("query", {"type": "string"})] = "",
        trace: Annotated[str, Param("header", {"type": "string"}, alias="X-Trace")] = "",
    ) -> Any: ...

    write.__annotations__["body"] = Annotated[Any, Body(model)]
    return write


def make_validation_app(routes: int) -> App:
    """The same shape of app, described by the validation plugin (pydantic models)."""

    class Owner(BaseModel):
        login: str

    models = [
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
    app = App(plugins=[validation(), openapi(title="Big", version="1")])
    for r in range((routes + 99) // 100):
        router = Router(prefix=f"/area{r}", tags=[f"area{r}"])
        for i in range(min(100, routes - r * 100)):
            model: Any = models[(r * 100 + i) % len(models)]
            if i % 4 == 0:

                def write(thing_id: int, body: Any, x_trace: Annotated[str, Header()] = "") -> Any:
                    return body

                write.__annotations__["body"] = model
                router.post(f"/things{i}/{{thing_id}}", name=f"op{i}", response_model=model)(write)
            else:

                def read(
                    thing_id: int,
                    q: str = "",
                    limit: Annotated[int, Query(le=100)] = 10,
                    x_trace: Annotated[str, Header()] = "",
                ) -> Any: ...

                router.get(f"/things{i}/{{thing_id}}", name=f"op{i}", response_model=model)(read)
        app.include_router(router)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routes", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument(
        "--validation", action="store_true", help="Describe the routes with pydantic models."
    )
    args = parser.parse_args()

    app = make_validation_app(args.routes) if args.validation else make_app(args.routes)
    start = time.perf_counter()
    app.build()
    compile_ms = (time.perf_counter() - start) * 1000

    start = time.perf_counter()
    document = build_document(app)
    first_ms = (time.perf_counter() - start) * 1000

    later = []
    for _ in range(args.repeats):
        start = time.perf_counter()
        document = build_document(app)
        later.append((time.perf_counter() - start) * 1000)

    start = time.perf_counter()
    body = json_dumps(document)
    json_ms = (time.perf_counter() - start) * 1000

    validate(document)
    operations = sum(len(item) for item in document["paths"].values())
    describer = "validation (pydantic)" if args.validation else "a fake third-party plugin"
    print(f"described by {describer}")
    print(f"routes: {args.routes}, operations: {operations}, JSON: {len(body) / 1024:.0f} KiB")
    print(f"compile the app (core, once at startup): {compile_ms:7.1f} ms")
    print(f"first document:                          {first_ms:7.1f} ms")
    print(
        f"later documents (median of {args.repeats}):          {statistics.median(later):7.1f} ms"
    )
    print(f"serialize to JSON:                       {json_ms:7.1f} ms")


if __name__ == "__main__":
    main()
