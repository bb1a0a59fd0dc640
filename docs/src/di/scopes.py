from collections.abc import AsyncIterator
from typing import Annotated

from pegboard import App, StreamingResponse
from pegboard_di import Depends, di

EVENTS: list[str] = []


class Transaction:
    def __init__(self) -> None:
        self.fail = False


async def transaction() -> AsyncIterator[Transaction]:
    tx = Transaction()
    yield tx
    if tx.fail:
        raise RuntimeError("commit failed")  # before the response: the client gets 500
    EVENTS.append("committed")


async def open_file() -> AsyncIterator[list[str]]:
    lines = ["a\n", "b\n"]
    yield lines
    EVENTS.append("file closed")  # after the streamed body was sent


app = App(plugins=[di()])


@app.post("/orders/{fail:int}")
async def order(
    fail: int, tx: Annotated[Transaction, Depends(transaction, scope="function")]
) -> str:
    tx.fail = bool(fail)
    EVENTS.append("handler returned")
    return "stored"


@app.get("/export")
async def export(lines: Annotated[list[str], Depends(open_file)]) -> StreamingResponse:
    return StreamingResponse(iter(lines))  # still reading after the handler returned
