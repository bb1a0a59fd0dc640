import os
from typing import Any

from pegboard import App
from pegboard_sessions import Session, sessions
from pegboard_stores import RedisStore

# Every worker (and every machine) reads and writes the same sessions.
store = RedisStore(url=os.environ["REDIS_URL"])
app = App(plugins=[sessions(store=store)])


@app.post("/visit")
async def visit(session: Session) -> dict[str, Any]:
    session["visits"] = session.get("visits", 0) + 1
    return {"visits": session["visits"], "worker": os.getpid()}


@app.get("/visits")
async def visits(session: Session) -> dict[str, Any]:
    return {"visits": session.get("visits", 0), "worker": os.getpid()}
