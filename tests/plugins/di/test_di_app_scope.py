"""App-scoped dependencies: created once per lifespan, closed at shutdown."""

from collections.abc import AsyncIterator, Iterator
from typing import Annotated

import anyio
import pytest
from starlette.testclient import TestClient

from pegboard import App, Request, RouteDefinitionError, StartupError
from pegboard_di import AppScopeNotRunning, Depends, di, overrides, resolve


def test_created_once_at_startup_and_closed_at_shutdown():
    events: list[str] = []

    async def get_pool() -> AsyncIterator[dict[str, int]]:
        events.append("pool open")
        yield {"queries": 0}
        events.append("pool close")

    Pool = Annotated[dict[str, int], Depends(get_pool, scope="app")]

    async def get_conn(pool: Pool) -> str:
        pool["queries"] += 1
        return f"conn #{pool['queries']}"

    app = App(plugins=[di()])

    @app.get("/")
    async def handler(conn: str = Depends(get_conn), pool: Pool = None) -> str:  # type: ignore[assignment]
        return conn

    with TestClient(app) as client:
        assert events == ["pool open"]
        assert client.get("/").json() == "conn #1"
        assert client.get("/").json() == "conn #2"
        assert events == ["pool open"]
    assert events == ["pool open", "pool close"]

    with TestClient(app) as client:  # a new lifespan creates a fresh value
        assert client.get("/").json() == "conn #1"
    assert events == ["pool open", "pool close", "pool open", "pool close"]


def test_app_scoped_dependencies_of_each_other_and_of_the_app():
    events: list[str] = []

    def get_settings(app: App) -> dict[str, str]:
        events.append("settings")
        return {"dsn": app.state.dsn}

    def get_client(
        settings: Annotated[dict[str, str], Depends(get_settings, scope="app")],
        retries: int = 3,
    ) -> Iterator[str]:
        events.append("client open")
        yield f"client({settings['dsn']}, retries={retries})"
        events.append("client close")

    app = App(plugins=[di()])
    app.state.dsn = "db://x"

    @app.get("/", dependencies=[Depends(get_client, scope="app")])
    async def handler(
        client: Annotated[str, Depends(get_client, scope="app")],
        settings: Annotated[dict[str, str], Depends(get_settings, scope="app")],
    ) -> str:
        return client

    with TestClient(app) as client:
        assert client.get("/").json() == "client(db://x, retries=3)"
        assert client.get("/").json() == "client(db://x, retries=3)"
    assert events == ["settings", "client open", "client close"]


def test_request_scoped_into_app_scoped_is_a_startup_error_naming_the_chain():
    def get_settings() -> dict[str, str]:
        return {}

    def get_pool(settings: dict[str, str] = Depends(get_settings)) -> str:
        return "pool"

    app = App(plugins=[di()])

    @app.get("/")
    async def handler(pool: str = Depends(get_pool, scope="app")) -> str:
        return pool

    with pytest.raises(RouteDefinitionError) as info:
        app.build()
    message = str(info.value)
    assert "GET /: handler(pool) -> get_pool -> get_settings" in message
    assert "Depends(get_settings, scope='app')" in message


def test_app_scoped_dependencies_cannot_read_the_request():
    def get_pool(request: Request) -> str:
        return "pool"

    app = App(plugins=[di()])

    @app.get("/")
    async def handler(pool: str = Depends(get_pool, scope="app")) -> str:
        return pool

    with pytest.raises(RouteDefinitionError, match="'request' of app-scoped dependency"):
        app.build()


def test_without_a_lifespan_app_scoped_values_are_an_explicit_error():
    async def get_pool() -> str:
        return "pool"

    app = App(plugins=[di()])

    @app.get("/")
    async def handler(pool: str = Depends(get_pool, scope="app")) -> str:
        return pool

    client = TestClient(app)  # no `with`: the lifespan does not run
    with pytest.raises(AppScopeNotRunning, match="with TestClient"):
        client.get("/")


def test_a_failing_app_scoped_dependency_fails_startup_and_closes_the_others():
    events: list[str] = []

    async def first() -> AsyncIterator[str]:
        events.append("first open")
        yield "first"
        events.append("first close")

    async def second(value: str = Depends(first, scope="app")) -> str:
        raise ConnectionError("database down")

    app = App(plugins=[di()])

    @app.get("/")
    async def handler(value: str = Depends(second, scope="app")) -> str:
        return value

    with pytest.raises(StartupError, match=r"'di'.*database down"), TestClient(app):
        pass
    assert events == ["first open", "first close"]


def test_overriding_an_app_scoped_dependency_while_running_creates_the_replacement_once():
    events: list[str] = []

    async def real_pool() -> AsyncIterator[str]:
        events.append("real open")
        yield "real"
        events.append("real close")

    async def fake_pool() -> AsyncIterator[str]:
        events.append("fake open")
        yield "fake"
        events.append("fake close")

    app = App(plugins=[di()])

    @app.get("/")
    async def handler(pool: str = Depends(real_pool, scope="app")) -> str:
        return pool

    with TestClient(app) as client:
        assert client.get("/").json() == "real"
        with overrides(app).override(real_pool, fake_pool):
            assert client.get("/").json() == "fake"
            assert client.get("/").json() == "fake"
        assert client.get("/").json() == "real"
    assert events == ["real open", "fake open", "fake close", "real close"]

    # A lifespan with the override in place from the start never opens the real pool.
    events.clear()
    with overrides(app).override(real_pool, fake_pool), TestClient(app) as client:
        assert client.get("/").json() == "fake"
    assert events == ["fake open", "fake close"]


def test_concurrent_first_uses_create_the_value_once_and_close_it_at_shutdown():
    events: list[str] = []

    async def slow() -> AsyncIterator[int]:
        await anyio.sleep(0.01)
        events.append("open")
        yield 42
        events.append("close")

    app = App(plugins=[di()])  # no route uses `slow`: it is created on first use

    async def main() -> list[int]:
        results: list[int] = []

        async def use() -> None:
            async with resolve(app, Depends(slow, scope="app")) as value:
                results.append(value)

        async with app.router.lifespan_context(app):
            async with anyio.create_task_group() as tg:
                for _ in range(5):
                    tg.start_soon(use)
            assert events == ["open"]
        return results

    assert anyio.run(main) == [42] * 5
    assert events == ["open", "close"]
