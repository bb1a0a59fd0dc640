"""``SessionSettings``: the sessions plugin's options, checked once when it is created."""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence
from typing import Any, Literal

import attrs

from pegboard import ConfigurationError

__all__ = ["MIN_SECRET_LENGTH", "SECRET_ENV", "SessionSettings"]

#: The environment variable read when ``sessions()`` is given no ``secret_key``.
SECRET_ENV = "PEGBOARD_SESSION_SECRET"

#: The shortest secret key accepted, in bytes (``secrets.token_urlsafe(32)`` gives 43).
MIN_SECRET_LENGTH = 32

_HOW = (
    "Generate one with `python -c 'import secrets; print(secrets.token_urlsafe(32))'` "
    f"and pass it as sessions(secret_key=...) or in the {SECRET_ENV} environment "
    "variable; keep it out of source control."
)
# RFC 6265 cookie-name characters (an HTTP token).
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def _secret(value: Any, what: str) -> bytes:
    if isinstance(value, str):
        value = value.encode()
    if not isinstance(value, bytes):
        raise ConfigurationError(f"The sessions {what} must be a str or bytes, got {value!r}.")
    if len(value) < MIN_SECRET_LENGTH:
        raise ConfigurationError(
            f"The sessions {what} is {len(value)} bytes long; it must be at least "
            f"{MIN_SECRET_LENGTH} random bytes, or session cookies can be forged. {_HOW}"
        )
    return value


def secret_keys(secret_key: str | bytes | None, old: Sequence[str | bytes]) -> tuple[bytes, ...]:
    """The keys to verify cookies with, the one to sign with last (as itsdangerous wants)."""
    if secret_key is None:
        secret_key = os.environ.get(SECRET_ENV) or None
        if secret_key is None:
            raise ConfigurationError(
                f"The sessions plugin needs a secret key to sign cookies. {_HOW}"
            )
    if isinstance(old, (str, bytes)) or not isinstance(old, Sequence):
        raise ConfigurationError(
            f"old_secret_keys must be a list of earlier keys, got {old!r}: "
            'sessions(secret_key=new, old_secret_keys=["previous key"]).'
        )
    return (*(_secret(k, "old secret key") for k in old), _secret(secret_key, "secret key"))


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ConfigurationError(
            f"sessions({name}={value!r}): expected one of {', '.join(map(repr, allowed))}."
        )


@attrs.frozen
class SessionSettings:
    """How session cookies are made and how long sessions live.

    :ivar cookie_name: The cookie holding the signed session id.
    :ivar max_age: Seconds a session lives: since its last use (``expiry="sliding"``)
        or since it was created (``expiry="absolute"``).
    :ivar expiry: ``"sliding"`` (use extends the session: it is renewed when its data
        changed or a tenth of ``max_age`` has passed since the last renewal) or
        ``"absolute"`` (fixed lifetime; the store is written only when the data changed).
    :ivar secure: Send the cookie over HTTPS only; turn off for local ``http://`` work.
    :ivar httponly: Hide the cookie from JavaScript.
    :ivar samesite: ``"lax"``, ``"strict"`` or ``"none"`` (which requires ``secure``).
    :ivar path: The cookie's path.
    :ivar domain: The cookie's domain, None for the host that set it.
    :ivar on_store_error: ``"closed"``: answer 503 when the store cannot be reached;
        ``"open"``: carry on with an empty session that is not saved.
    :ivar key_prefix: The prefix of the store keys (``session:<id>``).
    """

    cookie_name: str = "session"
    max_age: float = 14 * 24 * 3600
    expiry: Literal["sliding", "absolute"] = "sliding"
    secure: bool = True
    httponly: bool = True
    samesite: Literal["lax", "strict", "none"] = "lax"
    path: str = "/"
    domain: str | None = None
    on_store_error: Literal["open", "closed"] = "closed"
    key_prefix: str = "session:"

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.cookie_name, str) or not _TOKEN.fullmatch(self.cookie_name):
            raise ConfigurationError(
                f"sessions(cookie_name={self.cookie_name!r}) is not a valid cookie name: use "
                "letters, digits and - _ . only."
            )
        age = self.max_age
        if isinstance(age, bool) or not isinstance(age, (int, float)) or not 0 < age < math.inf:
            raise ConfigurationError(
                f"sessions(max_age={age!r}): give the lifetime in seconds, a positive "
                "number (14 * 24 * 3600 for two weeks)."
            )
        _choice("expiry", self.expiry, ("sliding", "absolute"))
        _choice("samesite", self.samesite, ("lax", "strict", "none"))
        _choice("on_store_error", self.on_store_error, ("open", "closed"))
        for flag in ("secure", "httponly"):
            if not isinstance(getattr(self, flag), bool):
                raise ConfigurationError(f"sessions({flag}=...) takes True or False.")
        if self.samesite == "none" and not self.secure:
            raise ConfigurationError(
                'sessions(samesite="none") needs secure=True: browsers drop SameSite=None '
                "cookies that are not Secure."
            )
        if not isinstance(self.path, str) or not self.path.startswith("/"):
            raise ConfigurationError(f"sessions(path={self.path!r}) must start with '/'.")
        if self.domain is not None and (not isinstance(self.domain, str) or not self.domain):
            raise ConfigurationError(f"sessions(domain={self.domain!r}) takes a host name or None.")
