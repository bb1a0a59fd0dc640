"""Real mistakes the type checkers must still report (tests/e2e/test_typing.py)."""

# pyright: strict

from __future__ import annotations

from typing import Annotated

from pegboard import App
from pegboard_validation import Query, validation

app = App(plugins=[validation()])


@app.get("/a")
async def wrong_default(limit: Annotated[int, Query()] = "ten") -> int:  # line 16
    return limit


@app.get("/b")
async def wrong_return(q: str = Query()) -> int:
    return q  # line 22


@app.get("/c", deprecated="yes")  # line 25: a route option's value of the wrong type
async def wrong_option_type() -> None:
    return None


@app.post("/d", tags=["a"], include_in_schema=False, ratelimit="10/minute")
async def third_party_option() -> None:  # an option a third-party plugin declares: fine
    return None
