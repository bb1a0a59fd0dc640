from collections.abc import AsyncIterator

from pegboard import App, EventSourceResponse, Response
from pegboard_compression import Compress, compression

app = App(plugins=[compression()])


@app.get("/report")
async def report() -> dict[str, list[str]]:
    # Compressed when the client accepts a coding and the body is 500 bytes or more.
    return {"lines": [f"line {n}: all quiet" for n in range(100)]}


@app.get("/archive", compress=False)
async def archive() -> Response:
    # Already compressed: no middleware at all on this route.
    return Response(b"PK\x03\x04...", media_type="application/zip")


@app.get("/ticks", response_class=EventSourceResponse, compress=Compress(streams=True))
async def ticks() -> AsyncIterator[dict[str, int]]:
    # Streams are only compressed when asked; each event is flushed as it is sent.
    for tick in range(3):
        yield {"tick": tick}
