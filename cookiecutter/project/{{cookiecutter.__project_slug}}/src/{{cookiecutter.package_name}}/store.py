"""Items kept in memory: replace this with your database, keeping the methods."""

from __future__ import annotations

from collections.abc import Iterable

from {{ cookiecutter.package_name }}.models import Item


class ItemStore:
    """Items by id."""

    def __init__(self, items: Iterable[Item] = ()) -> None:
        self._items = {item.id: item for item in items}

    @classmethod
    def with_examples(cls) -> ItemStore:
        return cls([Item(id=1, name="Hammer", price=9.5), Item(id=2, name="Saw", price=14.0)])

    def items(self, limit: int | None = None) -> list[Item]:
        """The items in id order, at most ``limit`` of them."""
        ordered = [self._items[key] for key in sorted(self._items)]
        return ordered if limit is None else ordered[:limit]

    def get(self, item_id: int) -> Item | None:
        return self._items.get(item_id)

    def add(self, name: str, price: float) -> Item:
        item = Item(id=max(self._items, default=0) + 1, name=name, price=price)
        self._items[item.id] = item
        return item

    def remove(self, item_id: int) -> bool:
        return self._items.pop(item_id, None) is not None
