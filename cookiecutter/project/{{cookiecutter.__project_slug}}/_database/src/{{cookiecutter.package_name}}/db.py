"""The database: SQLAlchemy's async engine and the base class of the models."""

from typing import Any

from sqlalchemy import MetaData, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.orm import DeclarativeBase

# Named constraints: a later migration can drop or change one by its name (SQLite's
# batch mode needs the names too).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The models' base: their tables are in ``Base.metadata``, which Alembic compares."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    # Read server-side defaults (created_at) back on INSERT, not lazily later: an async
    # session cannot load an attribute on access.
    __mapper_args__ = {"eager_defaults": True}  # noqa: RUF012  (SQLAlchemy reads it so)


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An engine for ``url`` (``sqlite+aiosqlite://`` or ``postgresql+asyncpg://``)."""
    if make_url(url).get_backend_name() == "sqlite":
        engine = create_async_engine(url, echo=echo)
        _sqlite_transactions(engine)
        return engine
    # pre_ping: a connection the server closed (a restart, a failover) is replaced
    # instead of failing the request that draws it from the pool.
    return create_async_engine(url, echo=echo, pool_pre_ping=True)


def _sqlite_transactions(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, record: Any) -> None:
        # sqlite3 begins transactions late and on its own, which breaks SAVEPOINT (the
        # tests' rollback); SQLAlchemy emits BEGIN itself instead (see on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")  # off by default in SQLite
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")
