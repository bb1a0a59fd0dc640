from collections.abc import AsyncIterator

from pydantic import BaseModel

from pegboard import App, EventSourceResponse
from pegboard_validation import validation

app = App(plugins=[validation()])


class Tick(BaseModel):
    n: int
    label: str


@app.get("/ticks")
async def ticks() -> AsyncIterator[Tick]:  # JSON Lines, one validated Tick per line
    for n in range(3):
        yield Tick(n=n, label=f"tick {n}")


@app.get("/events", response_class=EventSourceResponse)
async def events() -> AsyncIterator[Tick]:  # server-sent events
    yield {"n": 1, "label": "dicts are validated too", "extra": "dropped"}  # type: ignore[misc]
