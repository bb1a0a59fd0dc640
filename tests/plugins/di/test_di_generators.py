"""Generator dependencies: setup, teardown order and timing, exceptions thrown in."""

import contextlib
import threading
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import anyio.to_thread
import pytest
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pegboard import App, BackgroundTasks, HTTPException, Middleware
from pegboard_di import Depends, di


class RecordSend:
    """ASGI middleware noting when the response body goes out."""

    def __init__(self, app: ASGIApp, events: list[str]) -> None:
        self.app, self.events = app, events

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def recording(message: Message) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body"):
                self.events.append("response sent")
            await send(message)

        await self.app(scope, receive, recording)


def make_app(events: list[str]) -> App:
    return App(plugins=[di()], middleware=[Middleware(RecordSend, events=events)])


def test_teardown_runs_after_the_response_and_its_background_tasks():
    events: list[str] = []

    async def get_db() -> AsyncIterator[str]:
        events.append("db setup")
        yield "db"
        events.append("db teardown")

    def get_user(db: str = Depends(get_db)) -> Iterator[str]:
        events.append("user setup")
        yield f"user@{db}"
        events.append("user teardown")

    app = make_app(events)

    @app.get("/")
    async def handler(tasks: BackgroundTasks, user: str = Depends(get_user)) -> str:
        events.append("handler")
        tasks.add_task(events.append, "background task")
        return user

    with TestClient(app) as client:
        assert client.get("/").json() == "user@db"
    assert events == [
        "db setup",
        "user setup",
        "handler",
        "response sent",
        "background task",
        "user teardown",
        "db teardown",
    ]


def test_handler_exceptions_are_thrown_in_before_the_error_response():
    events: list[str] = []

    async def transaction() -> AsyncIterator[str]:
        events.append("begin")
        try:
            yield "tx"
        except HTTPException as exc:
            events.append(f"rollback on {exc.status_code}")
            raise
        else:
            events.append("commit")

    app = make_app(events)

    @app.post("/")
    async def handler(tx: str = Depends(transaction)) -> str:
        raise HTTPException(409, "conflict")

    with TestClient(app) as client:
        response = client.post("/")
    assert (response.status_code, response.json()) == (409, {"detail": "conflict"})
    assert events == ["begin", "rollback on 409", "response sent"]


def test_unhandled_errors_reach_sync_generators_in_the_thread_pool():
    events: list[Any] = []
    loop_thread = threading.get_ident()

    def resource() -> Iterator[str]:
        events.append(("setup in pool", threading.get_ident() != loop_thread))
        try:
            yield "r"
        except ValueError as exc:
            events.append(("caught", str(exc), threading.get_ident() != loop_thread))
            raise

    app = App(plugins=[di()])

    @app.get("/")
    async def handler(r: str = Depends(resource)) -> str:
        raise ValueError("boom")

    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/").status_code == 500
    assert events == [("setup in pool", True), ("caught", "boom", True)]


def test_a_generator_that_swallows_the_error_does_not_turn_it_into_success():
    async def lenient() -> AsyncIterator[None]:
        with contextlib.suppress(HTTPException):
            yield  # the exception is swallowed: the request must still fail

    app = App(plugins=[di()])

    @app.get("/")
    async def handler(_: None = Depends(lenient)) -> str:
        raise HTTPException(418)

    with TestClient(app) as client:
        assert client.get("/").status_code == 418


class OwnerError(Exception):
    pass


@pytest.mark.parametrize("scope", ["request", "function"])
def test_a_generator_may_answer_the_failure_with_an_error_of_its_own(scope: Any):
    # FastAPI's pattern: translate a domain error into an HTTP one in the except block.
    def owner() -> Iterator[str]:
        try:
            yield "Rick"
        except OwnerError as exc:
            raise HTTPException(400, f"Owner error: {exc}") from exc

    app = App(plugins=[di()])

    @app.get("/")
    async def handler(name: str = Depends(owner, scope=scope)) -> str:
        raise OwnerError(name)

    with TestClient(app) as client:
        response = client.get("/")
    assert (response.status_code, response.json()) == (400, {"detail": "Owner error: Rick"})


def test_failing_setup_tears_down_what_was_already_set_up():
    events: list[str] = []

    async def first() -> AsyncIterator[None]:
        events.append("first setup")
        try:
            yield
        except HTTPException as exc:
            events.append(f"first saw {exc.status_code}")
            raise

    async def second(_: None = Depends(first)) -> None:
        raise HTTPException(401, "who are you")

    app = App(plugins=[di()])

    @app.get("/")
    async def handler(_: None = Depends(second)) -> str:
        events.append("handler")
        return "unreachable"

    with TestClient(app) as client:
        assert client.get("/").status_code == 401
    assert events == ["first setup", "first saw 401"]


def test_teardown_order_is_the_reverse_of_setup():
    events: list[str] = []

    def tracked(name: str) -> Any:
        async def dependency() -> AsyncIterator[str]:
            events.append(f"+{name}")
            yield name
            events.append(f"-{name}")

        return dependency

    a, b, c = tracked("a"), tracked("b"), tracked("c")

    async def bc(x: str = Depends(b), y: str = Depends(c)) -> str:
        return x + y

    app = App(plugins=[di()])

    @app.get("/", dependencies=[Depends(a)])
    async def handler(value: str = Depends(bc)) -> str:
        return value

    with TestClient(app) as client:
        assert client.get("/").json() == "bc"
    assert events == ["+a", "+b", "+c", "-c", "-b", "-a"]


def test_errors_in_teardown_after_a_sent_response_reach_the_server():
    async def broken() -> AsyncIterator[None]:
        yield
        raise RuntimeError("teardown failed")

    app = App(plugins=[di()])

    @app.get("/")
    async def handler(_: None = Depends(broken)) -> str:
        return "sent"

    with TestClient(app) as client, pytest.raises(RuntimeError, match="teardown failed"):
        client.get("/")


def test_generators_without_a_yield_fail_the_request():
    async def empty() -> AsyncIterator[None]:
        return
        yield

    app = App(plugins=[di()])

    @app.get("/")
    async def handler(_: None = Depends(empty)) -> str:
        return "unreachable"

    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/").status_code == 500


def test_sync_teardown_does_not_wait_for_threads_blocked_in_setups():
    # One pool thread: the second request's setup holds it while it waits for the
    # resource the first request's teardown releases. Teardowns must not need it.
    import httpx2 as httpx

    resource = threading.Semaphore(1)

    def hold_resource() -> Iterator[None]:
        if not resource.acquire(timeout=3):
            raise RuntimeError("deadlocked")
        try:
            yield
        finally:
            resource.release()

    app = App(plugins=[di()])

    @app.get("/")
    async def handler(_: None = Depends(hold_resource)) -> str:
        await anyio.sleep(0.2)  # the other request starts and blocks in its setup
        return "ok"

    async def main() -> list[int]:
        anyio.to_thread.current_default_thread_limiter().total_tokens = 1
        transport = httpx.ASGITransport(app=app)
        statuses: list[int] = []
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:

            async def get() -> None:
                statuses.append((await client.get("/")).status_code)

            async with anyio.create_task_group() as tg:
                tg.start_soon(get)
                await anyio.sleep(0.05)
                tg.start_soon(get)
        return statuses

    assert anyio.run(main) == [200, 200]
