import asyncio
from collections.abc import AsyncIterator, Iterator

from pegboard import App, EventSourceResponse, ServerSentEvent

app = App()


@app.get("/logs")
def logs() -> Iterator[dict[str, object]]:
    # Each item becomes one line of JSON (application/jsonl).
    for number, text in enumerate(["started", "working", "done"], start=1):
        yield {"line": number, "text": text}


@app.get("/clock", response_class=EventSourceResponse)
async def clock() -> AsyncIterator[object]:
    # Each item becomes one server-sent event.
    yield ServerSentEvent(comment="connected")
    for tick in range(3):
        yield {"tick": tick}  # plain values are sent as JSON data
        await asyncio.sleep(0)
    yield ServerSentEvent(data="bye", event="close", id="3", retry=5000)
