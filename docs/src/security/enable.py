from typing import Annotated

from pegboard import App
from pegboard_di import Depends, di
from pegboard_security import HTTPAuthorizationCredentials, HTTPBearer, security

app = App(plugins=[di(), security()])  # or App(plugins=["di", "security"])

bearer = HTTPBearer()
maybe_bearer = HTTPBearer(auto_error=False)


@app.get("/token-info")
async def token_info(
    credentials: Annotated[HTTPAuthorizationCredentials, Depends(bearer)],
) -> dict[str, int]:
    # The scheme checked the header's form; checking the token itself is up to you.
    return {"length": len(credentials.credentials)}


@app.get("/hello")
async def hello(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(maybe_bearer)],
) -> str:
    return "Hello, stranger" if credentials is None else "Hello, token holder"
