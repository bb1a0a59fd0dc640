# FastAPI:
#   from fastapi import Depends, FastAPI, HTTPException, Security, status
#   from fastapi.security import (
#       OAuth2PasswordBearer, OAuth2PasswordRequestForm, SecurityScopes,
#   )
#   app = FastAPI()
from typing import Annotated

from pegboard import App, HTTPException
from pegboard_di import Depends, di
from pegboard_security import (
    OAuth2PasswordBearer,
    OAuth2PasswordRequestForm,
    Security,
    SecurityScopes,
    compare_secrets,
    security,
)

app = App(plugins=[di(), security()])

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token", scopes={"me": "Read information about you."})

FAKE_PASSWORDS = {"alice": "wonderland"}
FAKE_TOKENS = {"token-of-alice": ("alice", ["me"])}


# From here on, the code is what it was under FastAPI.
async def get_current_user(
    security_scopes: SecurityScopes, token: Annotated[str, Depends(oauth2_scheme)]
) -> str:
    if security_scopes.scopes:
        authenticate_value = f'Bearer scope="{security_scopes.scope_str}"'
    else:
        authenticate_value = "Bearer"
    credentials_exception = HTTPException(
        status_code=401,
        detail="Could not validate credentials",
        headers={"WWW-Authenticate": authenticate_value},
    )
    if token not in FAKE_TOKENS:
        raise credentials_exception
    username, token_scopes = FAKE_TOKENS[token]
    for scope in security_scopes.scopes:
        if scope not in token_scopes:
            raise HTTPException(
                status_code=401,
                detail="Not enough permissions",
                headers={"WWW-Authenticate": authenticate_value},
            )
    return username


@app.post("/token")
async def login(form_data: Annotated[OAuth2PasswordRequestForm, Depends()]) -> dict[str, str]:
    expected = FAKE_PASSWORDS.get(form_data.username)
    if not compare_secrets(form_data.password, expected):  # was secrets.compare_digest
        raise HTTPException(status_code=400, detail="Incorrect username or password")
    return {"access_token": "token-of-alice", "token_type": "bearer"}


@app.get("/users/me")
async def read_users_me(
    current_user: Annotated[str, Security(get_current_user, scopes=["me"])],
) -> dict[str, str]:
    return {"username": current_user}
