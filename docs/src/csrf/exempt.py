from typing import Annotated

from pegboard import App, Request
from pegboard_csrf import csrf
from pegboard_di import Depends, di
from pegboard_security import HTTPAuthorizationCredentials, HTTPBearer, security
from pegboard_sessions import Session, sessions

app = App(plugins=[di(), security(), sessions(), csrf()])
bearer = HTTPBearer()


@app.post("/likes/{id}")  # a browser page's script: the X-CSRF-Token header
async def like(id: str, session: Session) -> list[str]:
    session["likes"] = [*session.get("likes", []), id]
    return session["likes"]


@app.post("/api/likes/{id}")  # Bearer-authenticated: no token needed
async def api_like(
    id: str, credentials: Annotated[HTTPAuthorizationCredentials, Depends(bearer)]
) -> str:
    return id


@app.post("/hooks/payment", csrf=False)  # signed by the sender, never a browser
async def payment_hook(request: Request) -> str:
    return "accepted"
