from typing import Annotated

from pegboard import App, HTTPException
from pegboard_di import Depends, di
from pegboard_security import HTTPBasic, HTTPBasicCredentials, compare_secrets, security

basic = HTTPBasic(realm="reports")

app = App(plugins=[di(), security()])


def current_username(credentials: Annotated[HTTPBasicCredentials, Depends(basic)]) -> str:
    # Compare both parts, always, in constant time: the response time must not tell
    # whether the username was right.
    username_ok = compare_secrets(credentials.username, "stanley")
    password_ok = compare_secrets(credentials.password, "swordfish")
    if not (username_ok and password_ok):
        raise HTTPException(
            401, "Incorrect username or password", basic.make_authenticate_headers()
        )
    return credentials.username


@app.get("/users/me")
async def read_me(username: Annotated[str, Depends(current_username)]) -> dict[str, str]:
    return {"username": username}
