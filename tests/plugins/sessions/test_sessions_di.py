"""Sessions beside the DI plugin: dependencies take the session too, the same object."""

from __future__ import annotations

from typing import Annotated, Any

from pegboard import App, HTTPException
from pegboard_di import Depends, di
from pegboard_sessions import Session, sessions

from .helpers import KEY, https_client


async def current_user(session: Session) -> str:
    user = session.get("user")
    if not isinstance(user, str):
        raise HTTPException(401, "Not logged in")
    return user


SEEN: list[Session] = []


async def remember(session: Session) -> Session:
    SEEN.append(session)
    return session


def test_a_dependency_and_the_handler_share_one_session() -> None:
    app = App(plugins=[di(), sessions(KEY)])
    SEEN.clear()

    @app.post("/login")
    async def login(given: Annotated[Session, Depends(remember)], session: Session) -> None:
        assert given is session
        session["user"] = "ada"

    @app.get("/me")
    async def me(user: Annotated[str, Depends(current_user)], session: Session) -> Any:
        return {"user": user, "keys": sorted(session)}

    client = https_client(app)
    assert client.get("/me").status_code == 401
    client.post("/login")
    assert client.get("/me").json() == {"user": "ada", "keys": ["user"]}
    assert len(SEEN) == 1
