from typing import Annotated

from pegboard import App
from pegboard_validation import Cookie, Header, validation

app = App(plugins=[validation()])


@app.get("/whoami")
async def whoami(
    x_tag: Annotated[list[str], Header(default_factory=list)],  # repeated headers
    user_agent: Annotated[str | None, Header()] = None,  # reads User-Agent
    x_request_id: Annotated[int | None, Header()] = None,  # reads X-Request-Id
    session: Annotated[str | None, Cookie()] = None,
) -> dict[str, object]:
    return {"agent": user_agent, "request_id": x_request_id, "tags": x_tag, "session": session}
