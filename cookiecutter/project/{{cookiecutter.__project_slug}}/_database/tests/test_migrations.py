import asyncio
from collections.abc import Callable

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from {{ cookiecutter.package_name }}.db import Base, create_engine


def test_one_head(database_url: str, alembic_config: Callable[[str], Config]) -> None:
    # Two heads mean two branches of migrations: merge them (alembic merge heads).
    assert len(ScriptDirectory.from_config(alembic_config(database_url)).get_heads()) == 1


def test_the_migrations_match_the_models(database_url: str) -> None:
    # The database was migrated to head: a model change without its migration shows here.
    def differences(connection: Connection) -> list[object]:
        context = MigrationContext.configure(connection)
        return list(compare_metadata(context, Base.metadata))

    async def compare() -> list[object]:
        engine = create_engine(database_url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(differences)
        finally:
            await engine.dispose()

    assert asyncio.run(compare()) == []
