"""resolve(): running a dependency graph outside of a request handler."""

from collections.abc import AsyncIterator
from typing import Annotated, Any

import anyio
import pytest

from pegboard import App, PluginError, Request, RequestValidationError
from pegboard_di import AppScopeNotRunning, Depends, di, overrides, resolve

events: list[str] = []


async def get_settings() -> dict[str, str]:
    return {"dsn": "db://test"}


async def get_db(settings: Annotated[dict[str, str], Depends(get_settings)]) -> AsyncIterator[str]:
    events.append("open")
    try:
        yield settings["dsn"]
    except ValueError:
        events.append("rollback")
        raise
    finally:
        events.append("close")


async def get_host(request: Request) -> str:
    return request.headers.get("host", "<none>")


def run(coro: Any) -> Any:
    events.clear()
    return anyio.run(coro)


def test_resolve_sets_up_and_tears_down():
    app = App(plugins=[di()])

    async def main() -> None:
        async with resolve(app, get_db) as db:
            assert db == "db://test"
            events.append("work")

    run(main)
    assert events == ["open", "work", "close"]


def test_exceptions_leaving_the_block_are_thrown_into_generators():
    app = App(plugins=[di()])

    async def main() -> None:
        async with resolve(app, get_db):
            raise ValueError("bad job")

    with pytest.raises(ValueError, match="bad job"):
        run(main)
    assert events == ["open", "rollback", "close"]


def test_overrides_apply():
    app = App(plugins=[di()])
    overrides(app)[get_settings] = lambda: {"dsn": "db://fake"}

    async def main() -> str:
        async with resolve(app, Depends(get_db)) as db:
            return db

    assert run(main) == "db://fake"


def test_the_request_is_blank_unless_given():
    app = App(plugins=[di()])

    async def main(connection: Request | None) -> str:
        async with resolve(app, get_host, connection=connection) as host:
            return host

    assert anyio.run(main, None) == "<none>"
    request = Request({"type": "http", "headers": [(b"host", b"example.org")]})
    assert anyio.run(main, request) == "example.org"


def test_validation_errors_surface_as_exceptions():
    async def needs_header(request: Request) -> str:
        raise RequestValidationError([{"loc": ("header", "x"), "msg": "missing"}])

    app = App(plugins=[di()])

    async def main() -> None:
        async with resolve(app, needs_header):
            pass

    with pytest.raises(RequestValidationError):
        anyio.run(main)


def test_app_scoped_dependencies_need_the_lifespan():
    async def pool() -> str:
        return "pool"

    async def user_of_pool(p: Annotated[str, Depends(pool, scope="app")]) -> str:
        return f"uses {p}"

    app = App(plugins=[di()])

    async def main() -> str:
        async with resolve(app, user_of_pool) as value:
            return value

    with pytest.raises(AppScopeNotRunning, match="lifespan_context"):
        anyio.run(main)

    async def main_in_lifespan() -> str:
        async with app.router.lifespan_context(app):
            return await main()

    assert anyio.run(main_in_lifespan) == "uses pool"


def test_resolve_needs_the_plugin():
    async def main() -> None:
        async with resolve(App(), get_settings):
            pass

    with pytest.raises(PluginError):
        anyio.run(main)
