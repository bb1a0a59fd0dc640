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
