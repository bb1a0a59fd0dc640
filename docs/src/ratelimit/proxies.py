"""The client's address behind proxies: trusted networks only."""

from pegboard import App
from pegboard_ratelimit import ratelimit

app = App(plugins=[ratelimit(trusted_proxies=["10.0.0.0/8", "fd00::/8"])])


@app.get("/login", rate_limit="5/minute", rate_limit_group="auth")
async def login() -> str:
    return "ok"


@app.post("/password-reset", rate_limit="5/minute", rate_limit_group="auth")
async def password_reset() -> str:
    return "sent"
