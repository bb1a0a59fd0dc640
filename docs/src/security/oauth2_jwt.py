import os
import secrets
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pegboard import App, HTTPException
from pegboard_di import Depends, di
from pegboard_security import (
    OAuth2PasswordBearer,
    OAuth2PasswordRequestForm,
    Security,
    SecurityScopes,
    security,
)

# --8<-- [start:passwords]
hasher = PasswordHasher()  # argon2id with the library's recommended cost


def hash_password(password: str) -> str:
    return hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Checked when a username is unknown, so that answering takes as long as for a
# known one: the response time must not tell which usernames exist.
DUMMY_HASH = hash_password(secrets.token_urlsafe())
# --8<-- [end:passwords]

# --8<-- [start:tokens]
# Keep the key out of the code: a random one per start logs everyone out on restart.
SECRET_KEY = os.environ.get("JWT_SECRET_KEY") or secrets.token_urlsafe(32)
ALGORITHM = "HS256"
TOKEN_LIFETIME = timedelta(minutes=30)


def create_access_token(username: str, scopes: list[str]) -> str:
    now = datetime.now(timezone.utc)
    claims = {"sub": username, "scope": " ".join(scopes), "iat": now, "exp": now + TOKEN_LIFETIME}
    return jwt.encode(claims, SECRET_KEY, algorithm=ALGORITHM)


def decode_access_token(token: str) -> dict[str, Any] | None:
    """The token's claims, or None if it is forged, expired or malformed."""
    try:
        return jwt.decode(
            token, SECRET_KEY, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
        )
    except jwt.InvalidTokenError:
        return None


# --8<-- [end:tokens]


USERS: dict[str, dict[str, Any]] = {
    "ada": {
        "username": "ada",
        "full_name": "Ada Lovelace",
        "password_hash": hash_password("lovelace"),
        "scopes": ["me", "items"],
    },
    "bob": {
        "username": "bob",
        "full_name": "Bob",
        "password_hash": hash_password("builder"),
        "scopes": ["me"],
    },
}

oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl="token",
    scopes={"me": "Read your profile.", "items": "Read your items."},
)

app = App(plugins=[di(), security()])


# --8<-- [start:login]
@app.post("/token")
def login(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> dict[str, str]:
    # A plain `def`: hashing is slow on purpose, so it runs in the thread pool.
    user = USERS.get(form.username)
    password_hash = user["password_hash"] if user else DUMMY_HASH
    if not verify_password(password_hash, form.password) or user is None:
        raise HTTPException(400, "Incorrect username or password")
    allowed = user["scopes"]
    granted = [s for s in form.scopes if s in allowed] if form.scopes else allowed
    return {"access_token": create_access_token(user["username"], granted), "token_type": "bearer"}


# --8<-- [end:login]


# --8<-- [start:users]
async def current_user(
    security_scopes: SecurityScopes, token: Annotated[str, Depends(oauth2_scheme)]
) -> dict[str, Any]:
    claims = decode_access_token(token)
    user = USERS.get(claims["sub"]) if claims else None
    if claims is None or user is None:
        raise security_scopes.invalid_token()  # 401
    security_scopes.check(claims["scope"])  # 403 if a required scope is missing
    return user


@app.get("/users/me")
async def read_me(
    user: Annotated[dict[str, Any], Security(current_user, scopes=["me"])],
) -> dict[str, str]:
    return {"username": user["username"], "full_name": user["full_name"]}


@app.get("/users/me/items")
async def read_my_items(
    user: Annotated[dict[str, Any], Security(current_user, scopes=["items"])],
) -> list[dict[str, str]]:
    return [{"item": "Analytical Engine notes", "owner": user["username"]}]


# --8<-- [end:users]
