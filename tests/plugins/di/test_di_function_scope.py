"""Depends(..., scope="function"): teardown after the handler, before the response."""

from collections.abc import AsyncIterator, Iterator
from typing import Annotated

import pytest
from starlette.testclient import TestClient

from pegboard import App, HTTPException, Middleware, RouteDefinitionError
from pegboard_di import Depends, di
from tests.plugins.di.test_di_generators import RecordSend


def make_app(events: list[str], *, fail_commit: bool = False) -> App:
    app = App(plugins=[di()], middleware=[Middleware(RecordSend, events=events)])

    async def session() -> AsyncIterator[str]:
        events.append("open")
        try:
            yield "s"
        except Exception as exc:
            events.append(f"rollback {type(exc).__name__}")
            raise
        if fail_commit:
            raise RuntimeError("commit failed")
        events.append("commit")

    def request_scoped() -> Iterator[str]:
        yield "r"
        events.append("request teardown")

    Session = Annotated[str, Depends(session, scope="function")]

    @app.get("/ok")
    async def ok(s: Session, r: Annotated[str, Depends(request_scoped)]) -> str:
        events.append("handler")
        return s + r

    @app.get("/missing")
    async def missing(s: Session) -> str:
        raise HTTPException(404)

    return app


def test_function_scope_tears_down_before_the_response_and_request_scope_after():
    events: list[str] = []
    with TestClient(make_app(events)) as client:
        assert client.get("/ok").json() == "sr"
    assert events == ["open", "handler", "commit", "response sent", "request teardown"]


def test_failing_function_teardown_answers_500():
    events: list[str] = []
    with TestClient(make_app(events, fail_commit=True), raise_server_exceptions=False) as client:
        response = client.get("/ok")
    assert response.status_code == 500
    assert "commit" not in events


def test_function_teardown_sees_the_handler_exception():
    events: list[str] = []
    with TestClient(make_app(events)) as client:
        assert client.get("/missing").status_code == 404
    assert events[:2] == ["open", "rollback HTTPException"]


def test_request_scoped_dependency_cannot_use_a_function_scoped_one():
    async def session() -> AsyncIterator[str]:
        yield "s"

    def repo(s: Annotated[str, Depends(session, scope="function")]) -> str:
        return s

    app = App(plugins=[di()])

    @app.get("/")
    async def handler(r: Annotated[str, Depends(repo)]) -> str:
        return r

    with pytest.raises(RouteDefinitionError, match=r"repo is request-scoped .* scope='function'"):
        app.build()


def test_function_scoped_dependency_may_use_a_request_scoped_one():
    def config() -> str:
        return "c"

    async def session(c: Annotated[str, Depends(config)]) -> AsyncIterator[str]:
        yield c + "s"

    app = App(plugins=[di()])

    @app.get("/")
    async def handler(s: Annotated[str, Depends(session, scope="function")]) -> str:
        return s

    assert TestClient(app).get("/").json() == "cs"


def test_scope_is_checked():
    with pytest.raises(ValueError, match="'function', 'request' or 'app'"):
        Depends(lambda: 1, scope="handler")  # type: ignore[arg-type]
