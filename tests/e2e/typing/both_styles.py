"""Every marker in the default-value style (FastAPI's) and in the Annotated style.

Type-checked by tests/e2e/test_typing.py under mypy --strict and pyright strict; it
must report nothing. It is also imported and served, so it is a working app.
"""

# pyright: strict

from __future__ import annotations

from typing import Annotated

from pegboard import App
from pegboard_di import Depends, di
from pegboard_security import OAuth2PasswordBearer, Security, SecurityScopes, security
from pegboard_validation import (
    Body,
    Cookie,
    File,
    Form,
    Header,
    Path,
    Query,
    UploadFile,
    validation,
)

app = App(plugins=[validation(), di(), security()])
oauth2 = OAuth2PasswordBearer(tokenUrl="token", scopes={"items": "Read items."})


def page_size() -> int:
    return 10


def current_user(scopes: SecurityScopes, token: str = Depends(oauth2)) -> str:
    return f"{token}:{scopes.scope_str}"


# -- the default-value style ------------------------------------------------------------


@app.get("/default/{item_id}")
async def default_style(
    item_id: int = Path(ge=1),
    q: str = Query(),
    limit: int = Query(10, le=100),
    user_agent: str | None = Header(None),
    session: str | None = Cookie(None),
    size: int = Depends(page_size),
    user: str = Security(current_user, scopes=["items"]),
) -> dict[str, object]:
    return {"item_id": item_id, "q": q, "limit": limit, "size": size, "user": user}


@app.post("/default/body")
async def default_body(name: str = Body(embed=True)) -> str:
    return name


@app.post("/default/form")
async def default_form(
    title: str = Form(), upload: UploadFile = File(), data: bytes = File()
) -> int:
    return len(title) + len(data) + (upload.size or 0)


# -- the Annotated style ----------------------------------------------------------------


@app.get("/annotated/{item_id}")
async def annotated_style(
    item_id: Annotated[int, Path(ge=1)],
    q: Annotated[str, Query()],
    size: Annotated[int, Depends(page_size)],
    user: Annotated[str, Security(current_user, scopes=["items"])],
    limit: Annotated[int, Query(le=100)] = 10,
    user_agent: Annotated[str | None, Header()] = None,
    session: Annotated[str | None, Cookie()] = None,
) -> dict[str, object]:
    return {"item_id": item_id, "q": q, "limit": limit, "size": size, "user": user}


@app.post("/annotated/body")
async def annotated_body(name: Annotated[str, Body(embed=True)]) -> str:
    return name


@app.post("/annotated/form")
async def annotated_form(
    title: Annotated[str, Form()], upload: Annotated[UploadFile, File()]
) -> int:
    return len(title) + (upload.size or 0)
