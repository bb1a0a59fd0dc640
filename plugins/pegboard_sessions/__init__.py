"""pegboard_sessions: server-side sessions, a signed id in a cookie and the data in a store.

Enable it with a secret key, ``App(plugins=[sessions(secret_key=...)])``, and take the
session as a parameter::

    from pegboard_sessions import Session, sessions

    @app.post("/cart")
    async def add(session: Session) -> dict[str, int]:
        session["items"] = session.get("items", 0) + 1
        return {"items": session["items"]}
"""

from pegboard_sessions.plugin import SessionsPlugin, sessions
from pegboard_sessions.session import Session
from pegboard_sessions.settings import SECRET_ENV, SessionSettings

__all__ = ["SECRET_ENV", "Session", "SessionSettings", "SessionsPlugin", "sessions"]
