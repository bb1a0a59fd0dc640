from collections.abc import AsyncIterator, Callable
from typing import Any

from pegboard import App
from pegboard.testing import TestClient
from pegboard_di import overrides
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from {{ cookiecutter.package_name }}.db import create_engine
from {{ cookiecutter.package_name }}.dependencies import Engine, get_engine, get_sessionmaker


def test_ready_when_the_database_answers(client: TestClient) -> None:
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


async def unreachable_engine() -> AsyncIterator[AsyncEngine]:
    engine = create_engine("sqlite+aiosqlite:////nonexistent-folder/app.db")
    yield engine
    await engine.dispose()


def sessions(engine: Engine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine)  # not the tests' rollback: it would connect at startup


def test_not_ready_without_the_database(app: App) -> None:
    # The app starts all the same (the engine connects on first use) and says why.
    broken: dict[Callable[..., Any], Callable[..., Any]] = {
        get_engine: unreachable_engine,
        get_sessionmaker: sessions,
    }
    with overrides(app).replaced(broken), TestClient(app) as client:
        response = client.get("/ready")
        assert response.status_code == 503
        assert response.json() == {"detail": "The database is not reachable."}
        assert client.get("/health").status_code == 200  # alive all the same
