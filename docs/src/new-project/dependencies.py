"""Dependencies the routes share, as ``Annotated`` aliases that keep signatures short.

Tests replace them with ``pegboard_di.overrides(app)``.
"""

from typing import Annotated

from pegboard import Request
from pegboard_di import Depends

from shop.settings import Settings
from shop.store import ItemStore


def get_items(request: Request) -> ItemStore:
    store: ItemStore = request.app.state.items
    return store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


Items = Annotated[ItemStore, Depends(get_items)]
AppSettings = Annotated[Settings, Depends(get_settings)]
