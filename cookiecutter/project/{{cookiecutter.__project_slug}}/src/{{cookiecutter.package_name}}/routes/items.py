{%- set pkg = cookiecutter.package_name -%}
{%- set di = cookiecutter.di -%}
{%- set validation = cookiecutter.validation -%}
{%- set secured = cookiecutter.security -%}
{#- How handlers reach the item store: a dependency with di, the app's state without. -#}
{%- set store_param = "items: Items" if di else "request: Request" -%}
{%- set store = "items" if di else "item_store(request)" -%}
"""Items: list{% if validation %}, create{% endif %} and read them{% if secured %}; delete them with the API token{% endif %}."""
{%- if validation %}

from typing import Annotated
{%- endif %}

from pegboard import HTTPException, {% if not di %}Request, {% endif %}Router
{%- if secured %}
from pegboard_di import Depends
{%- endif %}
{%- if validation %}
from pegboard_validation import Query
{%- endif %}
{% if di %}
from {{ pkg }}.dependencies import Items
{%- endif %}
from {{ pkg }}.models import Item{% if validation %}, ItemIn{% endif %}
{%- if secured %}
from {{ pkg }}.security import require_token
{%- endif %}
{%- if not di %}
from {{ pkg }}.store import ItemStore
{%- endif %}

router = Router(prefix="/items", tags=["items"])
{%- if not di %}


def item_store(request: Request) -> ItemStore:
    """The app's store (``create_app`` puts it in the app's state)."""
    store: ItemStore = request.app.state.items
    return store
{%- endif %}


@router.get("")
{%- if validation and di %}
async def list_items(items: Items, limit: Annotated[int, Query(ge=1, le=100)] = 10) -> list[Item]:
    """The first ``limit`` items, in id order."""
    return {{ store }}.items(limit)
{%- elif validation %}
async def list_items(
    {{ store_param }}, limit: Annotated[int, Query(ge=1, le=100)] = 10
) -> list[Item]:
    """The first ``limit`` items, in id order."""
    return {{ store }}.items(limit)
{%- else %}
async def list_items({{ store_param }}) -> list[Item]:
    """Every item, in id order."""
    return {{ store }}.items()
{%- endif %}


@router.get("/{item_id:int}")
async def read_item(item_id: int, {{ store_param }}) -> Item:
    item = {{ store }}.get(item_id)
    if item is None:
        raise HTTPException(404, f"No item {item_id}.")
    return item
{%- if validation %}


@router.post("", status_code=201)
async def create_item(item: ItemIn, {{ store_param }}) -> Item:
    """Add an item; the body is checked against ``ItemIn`` (422 if it does not fit)."""
    return {{ store }}.add(item.name, item.price)
{%- endif %}
{%- if secured %}


@router.delete("/{item_id:int}", status_code=204, dependencies=[Depends(require_token)])
async def delete_item(item_id: int, {{ store_param }}) -> None:
    """Remove an item; only for clients that send the API token."""
    if not {{ store }}.remove(item_id):
        raise HTTPException(404, f"No item {item_id}.")
{%- endif %}
