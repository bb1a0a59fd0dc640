"""Users: register, log in for an access token, and read your own account."""

from typing import Annotated

import anyio
from pegboard import HTTPException, Router
from pegboard_di import Depends
from pegboard_security import OAuth2PasswordRequestForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from {{ cookiecutter.package_name }}.dependencies import AppSettings, Session
from {{ cookiecutter.package_name }}.models import User
from {{ cookiecutter.package_name }}.schemas import Token, UserCreate, UserOut
from {{ cookiecutter.package_name }}.security import (
    DUMMY_HASH,
    CurrentUser,
    create_access_token,
    hash_password,
    verify_password,
)

router = Router(tags=["users"])


@router.post("/auth/register", status_code=201)
async def register(body: UserCreate, session: Session) -> UserOut:
    """Create an account; 409 if the email is taken (in any letter case)."""
    email = body.email.lower()
    if await session.scalar(select(User.id).where(User.email == email)) is not None:
        raise HTTPException(409, "This email is already registered.")
    # Hashing is slow on purpose (tens of milliseconds): off the event loop.
    password_hash = await anyio.to_thread.run_sync(hash_password, body.password)
    user = User(email=email, password_hash=password_hash)
    session.add(user)
    try:
        await session.flush()  # assigns the id; the unique index settles a race
    except IntegrityError:
        raise HTTPException(409, "This email is already registered.") from None
    return UserOut.model_validate(user)


@router.post("/auth/token")
async def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: Session,
    settings: AppSettings,
) -> Token:
    """OAuth2 password flow: the email as ``username``; 401 for a wrong email or password."""
    email = form.username.lower()
    # A NUL byte can be in no stored email, and PostgreSQL refuses it in a query.
    user = (
        None if "\x00" in email else await session.scalar(select(User).where(User.email == email))
    )
    password_hash = user.password_hash if user is not None else DUMMY_HASH
    valid = await anyio.to_thread.run_sync(verify_password, password_hash, form.password)
    if user is None or not valid:
        raise HTTPException(
            401, "Incorrect email or password.", headers={"WWW-Authenticate": "Bearer"}
        )
    return Token(access_token=create_access_token(user.id, settings))


@router.get("/users/me")
async def read_me(user: CurrentUser) -> UserOut:
    return UserOut.model_validate(user)
