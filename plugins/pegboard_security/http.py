"""HTTP authentication schemes read from the ``Authorization`` header: Basic, Bearer, Digest."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Annotated

import attrs
from starlette.requests import HTTPConnection

from pegboard import HTTPException
from pegboard_security.base import SchemeOptions, SecurityBase, Unpack, reads_scope_only
from pegboard_security.credentials import (
    MalformedCredentials,
    header_value,
    is_token,
    is_token68,
    quoted,
    split_authorization,
)
from pegboard_security.scopes import NO_SCOPES, RequiredScopes, SecurityScopes

__all__ = [
    "HTTPAuthorizationCredentials",
    "HTTPBase",
    "HTTPBasic",
    "HTTPBasicCredentials",
    "HTTPBearer",
    "HTTPDigest",
]

# RFC 7617: user-ids and passwords must not contain control characters.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _hidden(value: str) -> str:
    return "'***'"


@attrs.frozen
class HTTPBasicCredentials:
    """What :class:`HTTPBasic` returns. The password is left out of ``repr()``."""

    username: str
    password: str = attrs.field(repr=_hidden)


@attrs.frozen
class HTTPAuthorizationCredentials:
    """What :class:`HTTPBearer` and :class:`HTTPDigest` return: the header, split.

    ``scheme`` is the scheme word, capitalized (``"Bearer"``) whatever case the client
    used; ``credentials`` is the rest (the token, for Bearer), left out of ``repr()``.
    """

    scheme: str
    credentials: str = attrs.field(repr=_hidden)


class HTTPBase(SecurityBase):
    """``Authorization: <scheme> <credentials>`` for any scheme word, case-insensitively.

    Returns :class:`HTTPAuthorizationCredentials`. A header for another scheme counts
    as no credentials (None with ``auto_error=False``); one for this scheme without
    credentials is malformed (always a 401).
    """

    def __init__(
        self,
        *,
        scheme: str,
        **options: Unpack[SchemeOptions],
    ) -> None:
        super().__init__(
            **options,
        )
        if not is_token(scheme):
            raise ValueError(f"HTTPBase(scheme={scheme!r}) needs one word, such as 'token'.")
        self.scheme = scheme.lower()
        self.openapi_scheme = self._scheme(type="http", scheme=self.scheme)
        self._word = self.scheme.title()
        self._invalid = f"Invalid {self._word} credentials"

    def challenge(self, security_scopes: SecurityScopes = NO_SCOPES) -> str:
        return self._word

    def _missing(self, security_scopes: SecurityScopes) -> None:
        if self.auto_error:
            raise self.make_not_authenticated_error(security_scopes=security_scopes)

    def _malformed(self, detail: str, security_scopes: SecurityScopes) -> HTTPException:
        return self.make_not_authenticated_error(detail, security_scopes)

    @reads_scope_only
    def _read(self, request: HTTPConnection, security_scopes: SecurityScopes) -> str | None:
        """The credentials after this scheme's word, or None if there are none for it."""
        try:
            # authorization(request, ...), one call shorter: this runs per request.
            value = header_value(request, b"authorization", "Authorization", self.max_length)
        except MalformedCredentials as exc:
            raise self._malformed(str(exc), security_scopes) from None
        if value is None:
            return None
        scheme, credentials = split_authorization(value)
        if scheme.lower() != self.scheme:
            return None
        if not credentials:
            raise self._malformed(self._invalid, security_scopes)
        return credentials

    @reads_scope_only
    async def __call__(
        self,
        request: HTTPConnection,
        security_scopes: Annotated[SecurityScopes, RequiredScopes()] = NO_SCOPES,
    ) -> HTTPAuthorizationCredentials | None:
        credentials = self._read(request, security_scopes)
        if credentials is None:
            self._missing(security_scopes)
            return None
        return HTTPAuthorizationCredentials(self._word, credentials)


class HTTPBasic(HTTPBase):
    """HTTP Basic authentication (RFC 7617): returns :class:`HTTPBasicCredentials`.

    Credentials are decoded as UTF-8, and the challenge says so (``charset="UTF-8"``)
    so that browsers encode non-ASCII passwords the same way. ``realm`` names the
    protection space in the browser's login prompt.
    """

    def __init__(
        self,
        *,
        realm: str | None = None,
        **options: Unpack[SchemeOptions],
    ) -> None:
        super().__init__(
            scheme="basic",
            **options,
        )
        self.realm = realm
        realm_param = "" if realm is None else f"realm={quoted(realm, 'realm')}, "
        self._challenge = f'Basic {realm_param}charset="UTF-8"'
        self._plain_challenge = "Basic" if realm is None else f"Basic {realm_param[:-2]}"

    def challenge(self, security_scopes: SecurityScopes = NO_SCOPES) -> str:
        if security_scopes.plain_errors:
            return self._plain_challenge
        return self._challenge

    @reads_scope_only
    async def __call__(  # type: ignore[override]
        self,
        request: HTTPConnection,
        security_scopes: Annotated[SecurityScopes, RequiredScopes()] = NO_SCOPES,
    ) -> HTTPBasicCredentials | None:
        encoded = self._read(request, security_scopes)
        if encoded is None:
            self._missing(security_scopes)
            return None
        try:
            if not is_token68(encoded):
                raise ValueError
            data = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (ValueError, binascii.Error):  # UnicodeDecodeError is a ValueError
            raise self._malformed(self._invalid, security_scopes) from None
        username, separator, password = data.partition(":")
        if not separator or _CONTROL.search(data):
            raise self._malformed(self._invalid, security_scopes)
        return HTTPBasicCredentials(username, password)


class HTTPBearer(HTTPBase):
    """HTTP Bearer tokens (RFC 6750): returns :class:`HTTPAuthorizationCredentials`.

    The token must be a token68 (letters, digits and ``-._~+/``, then ``=`` padding),
    as RFC 6750 defines it; anything else is malformed. ``bearerFormat`` documents the
    token's format (``"JWT"``) in OpenAPI. With ``Security(..., scopes=[...])``, the 401
    challenge lists the scopes: ``Bearer scope="items:read"``.
    """

    def __init__(
        self,
        *,
        bearerFormat: str | None = None,
        **options: Unpack[SchemeOptions],
    ) -> None:
        super().__init__(
            scheme="bearer",
            **options,
        )
        self.openapi_scheme = self._scheme(type="http", scheme="bearer", bearerFormat=bearerFormat)
        self._invalid = "Invalid Bearer token"

    def challenge(self, security_scopes: SecurityScopes = NO_SCOPES) -> str:
        return "Bearer" if security_scopes.plain_errors else security_scopes.challenge()

    @reads_scope_only
    async def __call__(
        self,
        request: HTTPConnection,
        security_scopes: Annotated[SecurityScopes, RequiredScopes()] = NO_SCOPES,
    ) -> HTTPAuthorizationCredentials | None:
        token = self._read(request, security_scopes)
        if token is None:
            self._missing(security_scopes)
            return None
        if not is_token68(token):
            raise self._malformed(self._invalid, security_scopes)
        return HTTPAuthorizationCredentials("Bearer", token)


class HTTPDigest(HTTPBase):
    """HTTP Digest (RFC 7616), read only: returns the header's parameters unparsed.

    Like FastAPI's, it documents the scheme and hands over the credentials; verifying
    the digest is up to the dependency that receives them.
    """

    def __init__(
        self,
        **options: Unpack[SchemeOptions],
    ) -> None:
        super().__init__(
            scheme="digest",
            **options,
        )
