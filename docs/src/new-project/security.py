"""Passwords (argon2 hashes), access tokens (JWT) and the user a request comes from."""

import secrets
import time
from typing import Annotated

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from pegboard import HTTPException
from pegboard_di import Depends
from pegboard_security import OAuth2PasswordBearer

from shop.dependencies import AppSettings, Session
from shop.models import User
from shop.settings import Settings

ALGORITHM = "HS256"

hasher = PasswordHasher()  # argon2id with the library's recommended cost


def hash_password(password: str) -> str:
    return hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# Checked when an email is unknown, so that a login takes as long as for a known one:
# the response time must not tell which emails are registered.
DUMMY_HASH = hash_password(secrets.token_urlsafe())


def create_access_token(user_id: int, settings: Settings) -> str:
    now = int(time.time())
    claims = {"sub": str(user_id), "iat": now, "exp": now + 60 * settings.access_token_minutes}
    return jwt.encode(claims, settings.secret_key.get_secret_value(), algorithm=ALGORITHM)


def decode_access_token(token: str, settings: Settings) -> int | None:
    """The user id in a token, or None if it is forged, expired or malformed."""
    try:
        claims = jwt.decode(
            token,
            settings.secret_key.get_secret_value(),
            algorithms=[ALGORITHM],  # never the algorithm the token names
            options={"require": ["exp", "sub"]},
        )
        return int(claims["sub"])
    except (jwt.InvalidTokenError, ValueError):
        return None


# Clients log in at POST /auth/token; Swagger UI's Authorize button uses it too.
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="auth/token")


async def current_user(
    token: Annotated[str, Depends(oauth2_scheme)], session: Session, settings: AppSettings
) -> User:
    """The user the bearer token belongs to: 401 for a bad token, 403 for a disabled account."""
    user_id = decode_access_token(token, settings)
    user = await session.get(User, user_id) if user_id is not None else None
    if user is None:
        raise HTTPException(
            401,
            "Invalid or expired token.",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    if not user.is_active:
        raise HTTPException(403, "This account is disabled.")
    return user


# Function scope, like the session it uses.
CurrentUser = Annotated[User, Depends(current_user, scope="function")]
