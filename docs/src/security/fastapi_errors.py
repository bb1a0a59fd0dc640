from typing import Annotated

from pegboard import App
from pegboard_di import Depends, di
from pegboard_security import HTTPBasic, HTTPBasicCredentials, security

basic = HTTPBasic()

# A 401 says `WWW-Authenticate: Basic`, not `Basic charset="UTF-8"`, and its
# detail is `Not authenticated`, for malformed credentials too.
app = App(plugins=[di(), security(fastapi_compatible=True)])


@app.get("/me")
async def me(credentials: Annotated[HTTPBasicCredentials, Depends(basic)]) -> str:
    return credentials.username
