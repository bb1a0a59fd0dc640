"""An app with every fault the reliability suite injects, served in-process or by uvicorn.

Life events (app-scoped resource opened and closed, streams closed, teardowns run)
are appended, one per line with the process id, to the file named by
``$PEGBOARD_FAULTS_LOG`` (or kept in memory when it is unset), so a test can check
them after the server has exited.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any

from starlette.requests import Request as StarletteRequest

from pegboard import (
    App,
    BackgroundTask,
    BackgroundTasks,
    EventSourceResponse,
    JSONResponse,
    Request,
    Response,
    ServerSentEvent,
)
from pegboard_di import Depends, di
from pegboard_security import APIKeyCookie, security
from pegboard_validation import validation

EVENTS: list[str] = []


def note(event: str) -> None:
    line = f"{os.getpid()} {event}"
    path = os.environ.get("PEGBOARD_FAULTS_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as log:
            log.write(line + "\n")
    EVENTS.append(event)


class Resource:
    """Stands for a connection pool: opened at startup, closed at shutdown."""

    def __init__(self) -> None:
        self.closed = False


async def resource() -> AsyncIterator[Resource]:
    value = Resource()
    note("resource opened")
    try:
        yield value
    finally:
        value.closed = True
        note("resource closed")


ResourceDep = Annotated[Resource, Depends(resource, scope="app")]


async def request_scope(pool: ResourceDep) -> AsyncIterator[str]:
    """A per-request dependency whose teardown records how the request ended."""
    try:
        yield "scope"
    except BaseException as exc:
        note(f"request teardown after {type(exc).__name__}")
        raise
    else:
        note("request teardown")


def failing_teardown() -> Iterator[str]:
    yield "value"
    raise RuntimeError("teardown failed")


def outer_teardown() -> Iterator[str]:
    try:
        yield "outer"
    finally:
        note("outer teardown")


app = App(plugins=[validation(), di(), security()])


@app.get("/ok")
async def ok(scope: Annotated[str, Depends(request_scope)], pool: ResourceDep) -> dict[str, bool]:
    return {"ok": not pool.closed}


@app.post("/upload")
async def upload(scope: Annotated[str, Depends(request_scope)], data: dict[str, str]) -> int:
    return len(data)


@app.get("/boom")
async def boom(scope: Annotated[str, Depends(request_scope)]) -> None:
    raise RuntimeError("database password is hunter2")


@app.get("/teardown-fails")
async def teardown_fails(
    outer: Annotated[str, Depends(outer_teardown)],
    value: Annotated[str, Depends(failing_teardown)],
) -> dict[str, str]:
    return {"value": value}


@app.get("/slow")
async def slow(pool: ResourceDep, seconds: float = 2.0) -> dict[str, bool]:
    await asyncio.sleep(seconds)
    return {"finished": True, "pool_open": not pool.closed}


@app.get("/events", response_class=EventSourceResponse)
async def events(scope: Annotated[str, Depends(request_scope)]) -> AsyncIterator[ServerSentEvent]:
    n = 0
    try:
        while True:
            n += 1
            yield ServerSentEvent(data={"n": n}, id=str(n))
            await asyncio.sleep(0.01)
    finally:
        note("event stream closed")


@app.get("/lines")
async def lines(scope: Annotated[str, Depends(request_scope)]) -> AsyncIterator[dict[str, int]]:
    n = 0
    try:
        while True:
            n += 1
            yield {"n": n}
            await asyncio.sleep(0.01)
    finally:
        note("line stream closed")


@app.post("/raw-json")
async def raw_json(request: Request, scope: Annotated[str, Depends(request_scope)]) -> Any:
    """Reads the body itself, as Starlette code does."""
    return {"type": type(await request.json()).__name__}


@app.post("/raw-json-caught")
async def raw_json_caught(request: Request) -> dict[str, str]:
    """Code written for Starlette's Request, catching what json.loads raises."""
    try:
        await request.json()
    except json.JSONDecodeError:
        return {"caught": "JSONDecodeError"}
    return {"caught": "nothing"}


@app.post("/raw-json-starlette")
async def raw_json_starlette(request: StarletteRequest) -> Any:
    return {"type": type(await request.json()).__name__}


@app.get("/cancelled")
async def cancelled(scope: Annotated[str, Depends(request_scope)]) -> None:
    """Awaits work someone else cancelled: CancelledError, though this task was not."""
    work = asyncio.get_running_loop().create_future()
    work.cancel()
    await work


@app.get("/cancelled-plain")
async def cancelled_plain() -> None:
    raise asyncio.CancelledError


def failing_task(what: str) -> None:
    note(f"background {what} ran")
    raise RuntimeError(f"background {what} failed")


@app.post("/background-fails")
async def background_fails(
    scope: Annotated[str, Depends(request_scope)], tasks: BackgroundTasks
) -> dict[str, bool]:
    """Reports work as done; a task added for later raises after the response is sent."""
    tasks.add_task(failing_task, "tasks")
    return {"done": True}


@app.post("/background-fails-response")
async def background_fails_response(scope: Annotated[str, Depends(request_scope)]) -> Response:
    return JSONResponse({"done": True}, background=BackgroundTask(failing_task, "response"))


@app.get("/lines-then-task")
async def lines_then_task(
    scope: Annotated[str, Depends(request_scope)], tasks: BackgroundTasks
) -> AsyncIterator[dict[str, int]]:
    tasks.add_task(note, "background after the stream ran")
    for n in range(1000):
        yield {"n": n}
        await asyncio.sleep(0.01)


COOKIE_KEY = APIKeyCookie(name="key")


@app.get("/cookie-key")
async def cookie_key(key: Annotated[str, Depends(COOKIE_KEY)]) -> dict[str, int]:
    return {"length": len(key)}
