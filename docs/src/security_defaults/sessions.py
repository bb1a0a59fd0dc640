"""Signed session cookies: HttpOnly always, Secure and SameSite as set here."""

import os

from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware

from pegboard import App, Request

app = App(
    middleware=[
        Middleware(
            SessionMiddleware,
            secret_key=os.environ["SESSION_SECRET"],  # from the environment, never the code
            https_only=True,  # adds Secure: the cookie never travels over plain HTTP
            same_site="lax",  # not sent with cross-site POSTs (CSRF)
            max_age=8 * 3600,
        )
    ]
)


@app.post("/login")
async def login(request: Request) -> dict[str, str]:
    request.session["user"] = "ada"
    return {"user": "ada"}


@app.get("/whoami")
async def whoami(request: Request) -> dict[str, str | None]:
    return {"user": request.session.get("user")}
