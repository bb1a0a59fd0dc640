"""Answer only for the host names this app is served under."""

import os

from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from pegboard import App

# "*.example.com" allows subdomains; list every name clients use.
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "api.example.com,*.api.example.com").split(",")

app = App(middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=ALLOWED_HOSTS)])


@app.get("/")
async def index() -> dict[str, str]:
    return {"hello": "world"}
