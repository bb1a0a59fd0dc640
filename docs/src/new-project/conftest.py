"""Fixtures. pegboard's pytest plugin gives ``client`` (for the ``app`` below) and ``make_app``.

The tests run on the database in ``DATABASE_URL`` when it is set (PostgreSQL in CI),
else on a new SQLite file; either way migrated to the latest revision first. Each test
runs in one transaction that is rolled back at its end, so tests never see each
other's rows and leave the database as they found it.
"""

import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from argon2 import PasswordHasher, profiles
from pegboard import App
from pegboard.testing import TestClient
from pegboard_di import Depends, overrides, resolve
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shop import security
from shop.app import create_app
from shop.dependencies import Engine, get_sessionmaker
from shop.settings import DatabaseSettings, Settings

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery staple"


def _alembic_config(url: str) -> Config:
    config = Config(ROOT / "alembic.ini", attributes={"configure_logger": False})
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashes() -> Iterator[None]:
    """argon2's cheapest cost: hashing is slow on purpose, and the tests hash a lot."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(security, "hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))
        yield


@pytest.fixture(scope="session")
def alembic_config() -> Callable[[str], Config]:
    """Alembic's configuration for a database URL (what the ``alembic`` command reads)."""
    return _alembic_config


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The test database, migrated to the latest revision."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db')}/test.db"
    url = DatabaseSettings.model_validate({"database_url": url}).database_url
    command.upgrade(_alembic_config(url), "head")
    return url


@pytest.fixture
def settings(database_url: str) -> Settings:
    # model_validate: these values only, none from the environment or a .env file.
    return Settings.model_validate(
        {
            "environment": "test",
            "database_url": database_url,
            "secret_key": "test-secret-key-of-at-least-32-characters",
        }
    )


async def rollback_sessions(engine: Engine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions in one outer transaction, rolled back when the app stops (the test ends).

    A request's commit only releases a savepoint inside it.
    """
    async with engine.connect() as connection:
        transaction = await connection.begin()
        try:
            yield async_sessionmaker(
                connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
            )
        finally:
            await transaction.rollback()


@pytest.fixture
def app(settings: Settings) -> Iterator[App]:
    app = create_app(settings)
    # The override keeps the app scope: made when `client` starts the app, closed after.
    with overrides(app).override(get_sessionmaker, rollback_sessions):
        yield app


@pytest.fixture
def sign_up(client: TestClient) -> Callable[[str], dict[str, str]]:
    """Register ``email`` and log in: the headers that authenticate as that user."""

    def register_and_log_in(email: str) -> dict[str, str]:
        registered = client.post("/auth/register", json={"email": email, "password": PASSWORD})
        assert registered.status_code == 201, registered.text
        login = client.post("/auth/token", data={"username": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        return {"Authorization": f"Bearer {login.json()['access_token']}"}

    return register_and_log_in


@pytest.fixture
def ada(sign_up: Callable[[str], dict[str, str]]) -> dict[str, str]:
    return sign_up("ada@example.com")


@pytest.fixture
def bob(sign_up: Callable[[str], dict[str, str]]) -> dict[str, str]:
    return sign_up("bob@example.com")


#: Runs ``work(session)`` in the app's event loop, inside the test's transaction.
InDatabase = Callable[[Callable[[AsyncSession], Awaitable[Any]]], Any]


@pytest.fixture
def in_database(app: App, client: TestClient) -> InDatabase:
    """Read or change rows directly, as the app sees them; returns what ``work`` returns."""

    def run(work: Callable[[AsyncSession], Awaitable[Any]]) -> Any:
        async def in_session() -> Any:
            app_sessions = Depends(get_sessionmaker, scope="app")
            async with (
                resolve(app, app_sessions) as sessions,
                sessions() as session,
                session.begin(),
            ):
                return await work(session)

        assert client.portal is not None  # the app runs: `client` started it
        return client.portal.call(in_session)

    return run
