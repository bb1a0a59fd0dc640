from typing import Annotated

from pegboard import App, HTTPException, Request
from pegboard_di import Depends, di


class Pagination:
    """A class is a dependency like any callable: its __init__ parameters are resolved."""

    def __init__(self, request: Request) -> None:
        self.limit = int(request.query_params.get("limit", "10"))
        self.offset = int(request.query_params.get("offset", "0"))


class RequireHeader:
    """An instance with __call__ is a dependency configured when it is created."""

    def __init__(self, name: str) -> None:
        self.name = name

    async def __call__(self, request: Request) -> str:
        value = request.headers.get(self.name)
        if value is None:
            raise HTTPException(400, f"Missing header {self.name}")
        return value


app = App(plugins=[di()])


@app.get("/items")
async def items(
    page: Annotated[Pagination, Depends()],  # Depends() calls the annotated class
    tenant: Annotated[str, Depends(RequireHeader("x-tenant"))],
) -> dict[str, object]:
    return {"tenant": tenant, "limit": page.limit, "offset": page.offset}
