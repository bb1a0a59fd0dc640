"""Models and constants shared by every benchmark app.

Keeping them in one place guarantees every framework validates and
serializes exactly the same schema.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

TOKEN = "secret-token"
USER = {"user": "alice"}
PLAIN = {"message": "hello"}

# Constraints for GET /items/{id}, shared so all apps agree on what is a 422.
ID_MIN = 1
LIMIT_MIN, LIMIT_MAX, LIMIT_DEFAULT = 1, 100, 10


class Owner(BaseModel):
    name: str
    email: str


class Item(BaseModel):
    name: Annotated[str, Field(max_length=50)]
    price: Annotated[float, Field(gt=0)]
    tags: list[str] = []
    owner: Owner
    # Present on input, must NOT leak into the response (ItemOut drops it).
    internal_note: str = "secret"


class ItemOut(BaseModel):
    name: str
    price: float
    tags: list[str]
    owner: Owner


def to_out(item: Item) -> ItemOut:
    """Project an Item onto the response model (drops internal_note)."""
    return ItemOut.model_validate(item, from_attributes=True)


def _parse_int(raw: str) -> int | None:
    # Plain ASCII digits only; int() alone would also accept "1_0", " 7", "+3".
    return int(raw) if raw.isascii() and raw.isdigit() else None


def parse_item_params(
    raw_id: str, q: str | None, raw_limit: str | None
) -> dict[str, object] | None:
    """Hand-written validation for GET /items/{id} (raw ASGI and Starlette).

    Returns the response body, or None when the input should yield a 422.
    """
    item_id = _parse_int(raw_id)
    if item_id is None or item_id < ID_MIN:
        return None
    limit = LIMIT_DEFAULT
    if raw_limit is not None:
        parsed = _parse_int(raw_limit)
        if parsed is None or not LIMIT_MIN <= parsed <= LIMIT_MAX:
            return None
        limit = parsed
    return {"id": item_id, "q": q, "limit": limit}
