"""Dependency overrides recompile the affected routes outside requests (issue 15)."""

from __future__ import annotations

from typing import Annotated, Any

import pluggy
import pytest
from pydantic import BaseModel
from starlette.testclient import TestClient

from pegboard import App
from pegboard_di import Depends, di, overrides
from pegboard_validation import validation


class Item(BaseModel):
    name: str


class User(BaseModel):
    id: int


def who(user: User) -> int:
    return user.id


def other() -> str:
    return "other"


def other_fake() -> str:
    return "fake"


def who_fake(user: User) -> int:
    return user.id * 100


def make_app() -> App:
    app = App(plugins=[validation(), di()])

    @app.post("/items")
    async def create(item: Item, uid: Annotated[int, Depends(who)]) -> dict[str, Any]:
        return {"item": item.name, "uid": uid}

    @app.get("/other")
    async def read_other(value: Annotated[str, Depends(other)]) -> str:
        return value

    return app


BODY = {"item": {"name": "pen"}, "user": {"id": 7}}


def test_body_reading_dependency_survives_any_number_of_override_changes():
    app = make_app()
    with TestClient(app) as client:
        assert client.post("/items", json=BODY).json() == {"item": "pen", "uid": 7}
        for _ in range(3):  # was 200 -> 422 -> 500
            overrides(app)[other] = other_fake
            assert client.post("/items", json=BODY).json() == {"item": "pen", "uid": 7}
            assert client.get("/other").json() == "fake"
            del overrides(app)[other]
            assert client.get("/other").json() == "other"
        overrides(app)[who] = who_fake
        assert client.post("/items", json=BODY).json() == {"item": "pen", "uid": 700}
        del overrides(app)[who]
        assert client.post("/items", json=BODY).json() == {"item": "pen", "uid": 7}


def test_override_changes_recompile_outside_requests(monkeypatch: pytest.MonkeyPatch):
    """Hooks run when an override changes, never while a request is served."""
    app = make_app()
    serving = False
    inner = App.__call__

    async def flagged(self: App, scope: Any, receive: Any, send: Any) -> None:
        nonlocal serving
        serving = True
        try:
            await inner(self, scope, receive, send)
        finally:
            serving = False

    outside: list[str] = []
    inside: list[str] = []
    original = pluggy.HookCaller.__call__

    def counting(self: pluggy.HookCaller, *args: Any, **kwargs: Any) -> Any:
        (inside if serving else outside).append(self.name)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(App, "__call__", flagged)
    with TestClient(app) as client:
        client.get("/other")
        monkeypatch.setattr(pluggy.HookCaller, "__call__", counting)
        for _ in range(3):
            overrides(app)[who] = who_fake
            assert client.post("/items", json=BODY).json()["uid"] == 700
            del overrides(app)[who]
            assert client.post("/items", json=BODY).json()["uid"] == 7
            overrides(app)[other] = other_fake
            assert client.get("/other").json() == "fake"
            del overrides(app)[other]
    assert inside == []
    assert "pegboard_resolve_parameter" in outside  # the counter saw the recompiles


def test_unrelated_override_recompiles_nothing():
    app = make_app()
    with TestClient(app):
        by_path = {r.path: r for r in app.routes if hasattr(r, "compiled")}
        before = {path: route.compiled for path, route in by_path.items()}
        overrides(app)[other] = other_fake
        assert by_path["/items"].compiled is before["/items"]
        assert by_path["/other"].compiled is not before["/other"]
