{%- if cookiecutter.validation -%}
"""The data the API reads and returns, as pydantic models the validation plugin checks."""

from pydantic import BaseModel, Field


class ItemIn(BaseModel):
    """An item as a client sends it."""

    name: str = Field(min_length=1, max_length=100)
    price: float = Field(gt=0)


class Item(ItemIn):
    """An item as stored and returned."""

    id: int
{%- else -%}
"""The data the API returns. The core turns dataclasses into JSON."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    """An item as stored and returned."""

    id: int
    name: str
    price: float
{%- endif %}
