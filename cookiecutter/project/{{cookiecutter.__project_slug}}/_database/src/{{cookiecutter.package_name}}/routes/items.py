"""Items: each user creates, lists, reads, updates and deletes their own.

Someone else's item answers 404, exactly like an id that does not exist: a 403 would
tell a client which ids exist, and ids are sequential. 403 is for a user who is known
but may not use the API at all (a disabled account, see security.py).
"""

from typing import Annotated

from pegboard import HTTPException, Router
from pegboard_validation import Query
from sqlalchemy import ColumnElement, func, select

from {{ cookiecutter.package_name }}.dependencies import Session
from {{ cookiecutter.package_name }}.models import Item, User
from {{ cookiecutter.package_name }}.schemas import ItemIn, ItemOut, ItemPage, ItemUpdate
from {{ cookiecutter.package_name }}.security import CurrentUser

router = Router(prefix="/items", tags=["items"])

#: The largest id and offset every database stores as an integer (PostgreSQL's INTEGER).
MAX_INT = 2**31 - 1


async def owned_item(session: Session, user: User, item_id: int) -> Item:
    """The user's item ``item_id``, or 404 if there is none or it is someone else's."""
    item = await session.get(Item, item_id) if 0 < item_id <= MAX_INT else None
    if item is None or item.owner_id != user.id:
        raise HTTPException(404, f"No item {item_id}.")
    return item


@router.get("")
async def list_items(
    user: CurrentUser,
    session: Session,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=MAX_INT)] = 0,
    q: Annotated[str | None, Query(min_length=1, max_length=100, pattern=r"^[^\x00]+$")] = None,
    max_price: Annotated[float | None, Query(gt=0, allow_inf_nan=False)] = None,
) -> ItemPage:
    """Your items in id order, ``limit`` from ``offset``; ``q`` matches names, any case."""
    filters: list[ColumnElement[bool]] = [Item.owner_id == user.id]
    if q is not None:
        escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        filters.append(Item.name.ilike(f"%{escaped}%", escape="\\"))
    if max_price is not None:
        filters.append(Item.price <= max_price)
    total = await session.scalar(select(func.count()).select_from(Item).where(*filters))
    page = await session.scalars(
        select(Item).where(*filters).order_by(Item.id).limit(limit).offset(offset)
    )
    return ItemPage(
        items=[ItemOut.model_validate(item) for item in page],
        total=total or 0,
        limit=limit,
        offset=offset,
    )


@router.post("", status_code=201)
async def create_item(body: ItemIn, user: CurrentUser, session: Session) -> ItemOut:
    item = Item(owner_id=user.id, name=body.name, price=body.price)
    session.add(item)
    await session.flush()  # assigns the id and created_at
    return ItemOut.model_validate(item)


@router.get("/{item_id:int}")
async def read_item(item_id: int, user: CurrentUser, session: Session) -> ItemOut:
    return ItemOut.model_validate(await owned_item(session, user, item_id))


@router.patch("/{item_id:int}")
async def update_item(
    item_id: int, body: ItemUpdate, user: CurrentUser, session: Session
) -> ItemOut:
    """Change the fields sent; the others keep their values."""
    item = await owned_item(session, user, item_id)
    for field, value in body.model_dump(exclude_unset=True).items():
        setattr(item, field, value)
    await session.flush()
    return ItemOut.model_validate(item)


@router.delete("/{item_id:int}", status_code=204)
async def delete_item(item_id: int, user: CurrentUser, session: Session) -> None:
    await session.delete(await owned_item(session, user, item_id))
