from collections.abc import AsyncIterator
from typing import Annotated

from pegboard import App, BackgroundTasks, HTTPException
from pegboard_di import Depends, di

EVENTS: list[str] = []


class Session:
    def __init__(self) -> None:
        self.pending: list[str] = []


async def get_session() -> AsyncIterator[Session]:
    session = Session()
    EVENTS.append("session opened")
    try:
        yield session  # the value handlers and other dependencies receive
    except Exception:
        EVENTS.append("rolled back")  # the handler's exception is thrown in here
        raise
    else:
        EVENTS.append(f"committed {session.pending}")
    finally:
        EVENTS.append("session closed")


app = App(plugins=[di()])


@app.post("/notes/{text}")
async def add_note(
    text: str, session: Annotated[Session, Depends(get_session)], tasks: BackgroundTasks
) -> dict[str, str]:
    if text == "bad":
        raise HTTPException(400, "No bad notes")
    session.pending.append(text)
    tasks.add_task(EVENTS.append, "background task")
    EVENTS.append("handler returned")
    return {"added": text}
