from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from pegboard import App, PluginInfo, hookimpl


class Database:
    """One engine per app; a session per request that commits before the response."""

    plugin_info = PluginInfo(name="database", requires=("di",))

    def __init__(self, url: str) -> None:
        self.engine = create_async_engine(url)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    async def session(self) -> AsyncIterator[AsyncSession]:
        # begin(): commit when the block ends normally, roll back on an exception.
        async with self.sessions() as session, session.begin():
            yield session

    @hookimpl
    def pegboard_shutdown(self, app: App) -> object:
        return self.engine.dispose()


def database(url: str) -> Database:
    return Database(url)
