"""An API with username/password login, JWT access tokens and scope-protected routes.

Run it with ``pegboard dev examples/oauth2_jwt/app.py`` and open ``/docs`` (Swagger
UI, when the docs plugin is installed): **Authorize** logs in as ``ada`` /
``lovelace`` (every scope) or ``bob`` / ``builder`` (no ``items:write``). See
README.md.
"""

import os
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any

import attrs
import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pydantic import BaseModel, Field

from pegboard import App, HTTPException, PluginError
from pegboard_di import Depends, di
from pegboard_openapi import openapi
from pegboard_security import (
    OAuth2PasswordBearer,
    OAuth2PasswordRequestForm,
    Security,
    SecurityScopes,
    security,
)
from pegboard_validation import validation

SCOPES = {
    "me": "Read your profile.",
    "items:read": "Read your items.",
    "items:write": "Add items.",
}
ALGORITHM = "HS256"

# -- passwords ---------------------------------------------------------------------------

hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Verified for unknown usernames, so that response times do not reveal which exist.
DUMMY_HASH = hash_password(secrets.token_urlsafe())


# -- data --------------------------------------------------------------------------------


@attrs.frozen
class Account:
    username: str
    full_name: str
    password_hash: str = attrs.field(repr=False)
    scopes: tuple[str, ...]


def demo_accounts() -> dict[str, Account]:
    return {
        "ada": Account("ada", "Ada Lovelace", hash_password("lovelace"), tuple(SCOPES)),
        "bob": Account("bob", "Bob Builder", hash_password("builder"), ("me", "items:read")),
    }


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds until the token expires.")
    scope: str = Field(description="The scopes granted, space-separated.")


class User(BaseModel):
    username: str
    full_name: str
    scopes: list[str]


class NewItem(BaseModel):
    name: str = Field(min_length=1, max_length=100)


class Item(BaseModel):
    name: str
    owner: str


# -- the app -----------------------------------------------------------------------------


def docs_ui() -> list[object]:
    """Swagger UI at ``/docs``, if the docs plugin and its assets are installed."""
    try:
        from pegboard_docs import swagger_ui

        return [swagger_ui()]
    except (ImportError, PluginError):  # pragma: no cover - depends on the environment
        return []


def create_app(
    *,
    secret_key: str | None = None,
    accounts: Mapping[str, Account] | None = None,
    token_lifetime: timedelta = timedelta(minutes=30),
) -> App:
    """The API. ``secret_key`` signs tokens (default: ``$JWT_SECRET_KEY``, else random)."""
    key = secret_key or os.environ.get("JWT_SECRET_KEY") or secrets.token_urlsafe(32)
    users = dict(accounts if accounts is not None else demo_accounts())
    items: dict[str, list[Item]] = {name: [] for name in users}
    oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token", scopes=SCOPES)

    plugins: list[object] = [
        validation(),
        di(),
        security(),
        openapi(title="OAuth2 + JWT example", version="1.0"),
        *docs_ui(),
    ]
    app = App(plugins=plugins)

    def create_token(username: str, scopes: list[str]) -> str:
        now = datetime.now(timezone.utc)
        claims = {
            "sub": username,
            "scope": " ".join(scopes),
            "iat": now,
            "exp": now + token_lifetime,
        }
        return jwt.encode(claims, key, algorithm=ALGORITHM)

    def decode_token(token: str) -> dict[str, Any] | None:
        try:
            return jwt.decode(
                token, key, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}
            )
        except jwt.InvalidTokenError:
            return None

    async def current_account(
        security_scopes: SecurityScopes, token: Annotated[str, Depends(oauth2_scheme)]
    ) -> Account:
        claims = decode_token(token)
        account = users.get(claims["sub"]) if claims else None
        if claims is None or account is None:
            raise security_scopes.invalid_token()
        # The token's scopes, not the account's: a token may carry fewer.
        security_scopes.check(claims.get("scope", ""))
        return account

    @app.post(
        "/token",
        tags=["auth"],
        responses={400: {"description": "Wrong username or password, or a malformed form."}},
    )
    def login(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
        """Exchange a username and password for an access token (OAuth2 password flow)."""
        account = users.get(form.username)
        password_ok = verify_password(
            account.password_hash if account else DUMMY_HASH, form.password
        )
        if account is None or not password_ok:
            raise HTTPException(400, "Incorrect username or password")
        granted = (
            [s for s in form.scopes if s in account.scopes] if form.scopes else list(account.scopes)
        )
        return Token(
            access_token=create_token(account.username, granted),
            expires_in=int(token_lifetime.total_seconds()),
            scope=" ".join(granted),
        )

    @app.get("/users/me", tags=["users"])
    async def read_me(
        account: Annotated[Account, Security(current_account, scopes=["me"])],
    ) -> User:
        return User(
            username=account.username, full_name=account.full_name, scopes=list(account.scopes)
        )

    @app.get("/users/me/items", tags=["items"])
    async def read_items(
        account: Annotated[Account, Security(current_account, scopes=["items:read"])],
    ) -> list[Item]:
        return items[account.username]

    @app.post("/users/me/items", status_code=201, tags=["items"])
    async def add_item(
        item: NewItem,
        account: Annotated[Account, Security(current_account, scopes=["items:write"])],
    ) -> Item:
        created = Item(name=item.name, owner=account.username)
        items[account.username].append(created)
        return created

    @app.get("/health", tags=["ops"])
    async def health() -> dict[str, str]:
        """Open to everyone: no token needed."""
        return {"status": "ok"}

    return app


app = create_app()
