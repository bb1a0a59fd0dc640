"""Falcon 4.4 (ASGI) validating the JSON body with the shared pydantic models.

The same resources as :mod:`benchmarks.apps.falcon_app`; only ``POST /items``
differs: ``Item.model_validate_json`` on the raw body and ``ItemOut`` serialized by
pydantic, the comparison for pegboard's pydantic-based validation.
"""

from __future__ import annotations

from pydantic import BaseModel, ValidationError

from .common import Item, to_out
from .falcon_app import Items, build_many_routes, make_app, unprocessable

__all__ = ["app", "build_many_routes"]


def pydantic_body(body: bytes) -> BaseModel:
    try:
        item = Item.model_validate_json(body)
    except ValidationError as exc:
        raise unprocessable(exc.json(include_url=False)) from exc
    return to_out(item)


def pydantic_encode(out: BaseModel) -> bytes:
    return out.model_dump_json().encode()


app = make_app(Items(pydantic_body, pydantic_encode))
