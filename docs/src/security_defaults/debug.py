"""Tracebacks in responses only on a developer's machine, never by default."""

import os

from pegboard import App

# Off unless the environment says so: production never sets APP_DEBUG.
app = App(debug=os.environ.get("APP_DEBUG") == "1")


@app.get("/fail")
async def fail() -> None:
    raise RuntimeError("the database password is hunter2")
