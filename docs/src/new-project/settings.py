"""Settings, read from environment variables (and a ``.env`` file) when the app is created.

Every variable's name starts with ``PREFIX``, so that several services can share one
environment, such as a .env file or a container's; ``DATABASE_URL`` is the
exception, the name every platform and tool uses. A missing or malformed value
stops the app at startup with :class:`SettingsError`, naming the variable.
"""

from __future__ import annotations

import secrets
from typing import Literal

from pydantic import (
    AliasChoices,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

PREFIX = "SHOP_"

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///shop.db"
#: URL schemes people write -> the async driver the app uses for them.
ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names the variable and the fix."""


class DatabaseSettings(BaseSettings):
    """Where the data is: all that the migrations (``alembic``) need."""

    model_config = SettingsConfigDict(
        env_prefix=PREFIX, env_file=".env", extra="ignore", frozen=True, populate_by_name=True
    )

    #: A SQLAlchemy URL; ``postgres://`` and ``sqlite://`` get their async drivers.
    database_url: str = Field(
        default=DEFAULT_DATABASE_URL,
        validation_alias=AliasChoices("DATABASE_URL", "database_url"),
    )
    #: Log every SQL statement.
    database_echo: bool = False

    @field_validator("database_url")
    @classmethod
    def async_driver(cls, value: str) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError(
                "is not a database URL; use sqlite+aiosqlite:///path/to/file.db or "
                "postgresql+asyncpg://user:password@host:5432/name"
            ) from None
        driver = ASYNC_DRIVERS.get(url.drivername)
        if driver is None:
            raise ValueError(
                f"uses {url.drivername!r}, which this app has no driver for; use "
                f"{', '.join(sorted(set(ASYNC_DRIVERS.values())))}"
            )
        return url.set(drivername=driver).render_as_string(hide_password=False)

    @classmethod
    def from_env(cls) -> DatabaseSettings:
        try:
            return cls()
        except ValidationError as exc:
            raise settings_error(exc) from None


class Settings(DatabaseSettings):
    """What the app needs to know about where it runs."""

    #: Where the app runs.
    environment: Literal["development", "test", "staging", "production"] = "development"
    #: Tracebacks in error responses. Never in production.
    debug: bool = False
    #: Signs the access tokens: 32 characters or more, the same on every worker and
    #: instance. Required outside development and tests, where a random one is made
    #: at each start (which logs everyone out).
    secret_key: SecretStr = SecretStr("")
    #: How long an access token is valid.
    access_token_minutes: int = Field(default=30, ge=1, le=24 * 60)

    @model_validator(mode="after")
    def secret_key_is_set(self) -> Settings:
        key = self.secret_key.get_secret_value()
        if not key and self.environment in ("development", "test"):
            object.__setattr__(self, "secret_key", SecretStr(secrets.token_urlsafe(32)))
        elif len(key) < 32:
            raise ValueError(
                f"{PREFIX}SECRET_KEY must be set to 32 characters or more when "
                f"{PREFIX}ENVIRONMENT={self.environment}; make one with: "
                "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        return self

    @classmethod
    def from_env(cls) -> Settings:
        """Read the settings from the environment; unset variables keep their defaults."""
        try:
            return cls()
        except ValidationError as exc:
            raise settings_error(exc) from None


def settings_error(exc: ValidationError) -> SettingsError:
    """One message for all that is wrong, naming each variable as it is set."""
    problems = []
    for error in exc.errors():
        message = error["msg"].removeprefix("Value error, ")
        if not error["loc"]:  # a check across fields: its message names the variables
            problems.append(message)
            continue
        field = str(error["loc"][0])
        name = field if field == "DATABASE_URL" else PREFIX + field.upper()
        shown = error["type"] != "missing" and "secret" not in field
        given = f"={error['input']!r}" if shown else ""
        problems.append(f"{name}{given}: {message}")
    return SettingsError("Invalid settings: " + "; ".join(problems))
