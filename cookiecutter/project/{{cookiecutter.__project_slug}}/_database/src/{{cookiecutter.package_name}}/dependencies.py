"""Dependencies the routes share, as ``Annotated`` aliases that keep signatures short.

The engine and the session factory live as long as the app (``scope="app"``): created
when it starts, disposed when it stops. Each request that asks for a ``Session`` gets
its own, in one transaction, committed when the handler returns and rolled back when
it raises. ``scope="function"`` ends it before the response is sent, so a failed commit
is an error response instead of a success for data that was never stored.

Tests replace them with ``pegboard_di.overrides(app)`` (see tests/conftest.py).
"""

from collections.abc import AsyncIterator
from typing import Annotated

from pegboard import App
from pegboard_di import Depends
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from {{ cookiecutter.package_name }}.db import create_engine
from {{ cookiecutter.package_name }}.settings import Settings


def get_settings(app: App) -> Settings:
    settings: Settings = app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(get_settings, scope="app")]


async def get_engine(settings: AppSettings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings.database_url, echo=settings.database_echo)
    try:
        yield engine
    finally:
        await engine.dispose()  # closes the pooled connections when the app stops


Engine = Annotated[AsyncEngine, Depends(get_engine, scope="app")]


def get_sessionmaker(engine: Engine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: the handler's objects stay readable after the commit.
    return async_sessionmaker(engine, expire_on_commit=False)


SessionMaker = Annotated[async_sessionmaker[AsyncSession], Depends(get_sessionmaker, scope="app")]


async def get_session(sessions: SessionMaker) -> AsyncIterator[AsyncSession]:
    # begin(): commit when the block ends normally, roll back when an exception
    # (an HTTPException too) comes out of the handler.
    async with sessions() as session, session.begin():
        yield session


Session = Annotated[AsyncSession, Depends(get_session, scope="function")]
