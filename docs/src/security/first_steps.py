from typing import Annotated

from pegboard import App, HTTPException
from pegboard_di import Depends, di
from pegboard_security import (
    OAuth2PasswordBearer,
    OAuth2PasswordRequestForm,
    compare_secrets,
    security,
)

# Where clients get a token: Swagger UI's "Authorize" dialog posts the form there.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")

# Not for production: plain-text passwords, and the token is the username.
# The next section replaces both with argon2 hashes and signed JWTs.
USERS = {"ada": {"username": "ada", "password": "lovelace", "full_name": "Ada Lovelace"}}

app = App(plugins=[di(), security()])


@app.post("/token")
async def login(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> dict[str, str]:
    user = USERS.get(form.username)
    if user is None or not compare_secrets(form.password, user["password"]):
        raise HTTPException(400, "Incorrect username or password")
    return {"access_token": user["username"], "token_type": "bearer"}


async def current_user(token: Annotated[str, Depends(oauth2_scheme)]) -> dict[str, str]:
    user = USERS.get(token)
    if user is None:
        raise HTTPException(
            401, "Invalid authentication credentials", {"WWW-Authenticate": "Bearer"}
        )
    return user


@app.get("/users/me")
async def read_me(user: Annotated[dict[str, str], Depends(current_user)]) -> dict[str, str]:
    return {"username": user["username"], "full_name": user["full_name"]}
