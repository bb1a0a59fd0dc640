"""CSRF tokens: a secret kept in the session, handed out masked, checked in constant time.

The session holds a random secret. The token a page embeds is that secret bound to
the session id (HMAC), XOR-masked with fresh random bytes each time it is handed
out, so the token differs on every page (no fixed secret for a compression side
channel such as BREACH to recover), and rotating the session id (after a login)
invalidates every token issued before.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from collections.abc import MutableMapping
from typing import Any

__all__ = ["SECRET_KEY", "csrf_token", "token_matches"]

#: The session key holding the CSRF secret.
SECRET_KEY = "_csrf_secret"

_SIZE = 32  # bytes of the secret, of the HMAC and of the mask


def _bound(secret: str, session_id: str) -> bytes:
    return hmac.new(secret.encode(), session_id.encode(), hashlib.sha256).digest()


def csrf_token(session: MutableMapping[str, Any]) -> str:
    """A CSRF token for the session's owner to send back with unsafe requests.

    Creates the session's secret on first use (so the session is saved and its
    cookie set). Every call gives a different string; all of them are valid until
    the session is rotated or cleared.
    """
    secret = session.get(SECRET_KEY)
    if not isinstance(secret, str):
        secret = session[SECRET_KEY] = secrets.token_urlsafe(_SIZE)
    session_id: str = getattr(session, "id", "")
    mask = secrets.token_bytes(_SIZE)
    masked = bytes(a ^ b for a, b in zip(_bound(secret, session_id), mask, strict=True))
    return base64.urlsafe_b64encode(mask + masked).rstrip(b"=").decode("ascii")


def token_matches(token: str, session: MutableMapping[str, Any]) -> bool:
    """Whether ``token`` is one :func:`csrf_token` gave for this session (constant time)."""
    secret = session.get(SECRET_KEY)
    if not isinstance(secret, str) or len(token) > 4 * _SIZE:
        return False
    try:
        raw = base64.urlsafe_b64decode(token.encode("ascii") + b"=" * (-len(token) % 4))
    except (binascii.Error, UnicodeError, ValueError):
        return False
    if len(raw) != 2 * _SIZE:
        return False
    mask, masked = raw[:_SIZE], raw[_SIZE:]
    unmasked = bytes(a ^ b for a, b in zip(masked, mask, strict=True))
    return hmac.compare_digest(unmasked, _bound(secret, getattr(session, "id", "")))
