"""Items: list, create and read them; delete them with the API token."""

from typing import Annotated

from pegboard import HTTPException, Router
from pegboard_di import Depends
from pegboard_validation import Query

from shop.dependencies import Items
from shop.models import Item, ItemIn
from shop.security import require_token

router = Router(prefix="/items", tags=["items"])


@router.get("")
async def list_items(items: Items, limit: Annotated[int, Query(ge=1, le=100)] = 10) -> list[Item]:
    """The first ``limit`` items, in id order."""
    return items.items(limit)


@router.get("/{item_id:int}")
async def read_item(item_id: int, items: Items) -> Item:
    item = items.get(item_id)
    if item is None:
        raise HTTPException(404, f"No item {item_id}.")
    return item


@router.post("", status_code=201)
async def create_item(item: ItemIn, items: Items) -> Item:
    """Add an item; the body is checked against ``ItemIn`` (422 if it does not fit)."""
    return items.add(item.name, item.price)


@router.delete("/{item_id:int}", status_code=204, dependencies=[Depends(require_token)])
async def delete_item(item_id: int, items: Items) -> None:
    """Remove an item; only for clients that send the API token."""
    if not items.remove(item_id):
        raise HTTPException(404, f"No item {item_id}.")
