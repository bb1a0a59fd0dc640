from typing import Annotated

from pegboard import App
from pegboard_di import Depends, di
from pegboard_validation import Header, Query, validation


class CommonParams:
    def __init__(
        self,
        q: str | None = None,
        skip: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=100)] = 10,
    ) -> None:
        self.q, self.skip, self.limit = q, skip, limit


async def api_key(x_api_key: Annotated[str, Header()]) -> str:
    return x_api_key


app = App(plugins=[validation(), di()])


@app.get("/items")
async def items(
    params: Annotated[CommonParams, Depends()], key: Annotated[str, Depends(api_key)]
) -> dict[str, object]:
    return {"q": params.q, "skip": params.skip, "limit": params.limit, "key": key}
