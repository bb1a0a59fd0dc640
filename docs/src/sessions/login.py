from typing import Annotated, Any

from pegboard import App, HTTPException, RedirectResponse
from pegboard_sessions import Session, sessions
from pegboard_validation import Form, validation

# The secret key comes from the PEGBOARD_SESSION_SECRET environment variable.
app = App(plugins=[validation(), sessions()])

USERS = {"ada": "correct horse"}  # a real app checks a password hash


@app.post("/login")
async def login(
    username: Annotated[str, Form()], password: Annotated[str, Form()], session: Session
) -> RedirectResponse:
    if USERS.get(username) != password:
        raise HTTPException(401, "Wrong username or password")
    session.rotate()  # a new id on login: an id planted beforehand is now worthless
    session["user"] = username
    return RedirectResponse("/me", status_code=303)


@app.get("/me")
async def me(session: Session) -> dict[str, Any]:
    if "user" not in session:
        raise HTTPException(401, "Not logged in")
    return {"user": session["user"], "visits": session.get("visits", 0)}


@app.post("/visit")
async def visit(session: Session) -> int:
    session["visits"] = session.get("visits", 0) + 1
    return session["visits"]


@app.post("/logout")
async def logout(session: Session) -> None:
    session.clear()  # deletes the stored session and expires the cookie
