"""API keys in a header, the query string or a cookie."""

from __future__ import annotations

from typing import Annotated, Literal

from starlette.requests import HTTPConnection

from pegboard_security.base import SchemeOptions, SecurityBase, Unpack, reads_scope_only
from pegboard_security.credentials import (
    MalformedCredentials,
    cookie_value,
    header_value,
    is_token,
)
from pegboard_security.scopes import NO_SCOPES, RequiredScopes, SecurityScopes

__all__ = ["APIKeyBase", "APIKeyCookie", "APIKeyHeader", "APIKeyQuery"]


class APIKeyBase(SecurityBase):
    """An API key named ``name`` in one place of the request; returns it as a string.

    A missing or empty key is no credentials (a 401, or None with
    ``auto_error=False``); a key given twice or longer than ``max_length`` is
    malformed (always a 401). The 401 carries ``WWW-Authenticate: APIKey``, since
    HTTP requires a challenge and API keys have no standard one. Compare the key with
    :func:`~pegboard_security.compare_secrets`.
    """

    location: Literal["header", "query", "cookie"]

    def __init__(
        self,
        *,
        name: str,
        **options: Unpack[SchemeOptions],
    ) -> None:
        super().__init__(
            **options,
        )
        if not isinstance(name, str) or not name:
            raise ValueError(f"{type(self).__name__}(name=...) needs a non-empty name.")
        self.name = name
        self.openapi_scheme = self._scheme(type="apiKey", name=name, **{"in": self.location})

    def challenge(self, security_scopes: SecurityScopes = NO_SCOPES) -> str:
        return "APIKey"

    def check_api_key(
        self, api_key: str | None, security_scopes: SecurityScopes = NO_SCOPES
    ) -> str | None:
        """``api_key``, or the 401 (None with ``auto_error=False``) when it is empty."""
        if not api_key:
            if self.auto_error:
                raise self.make_not_authenticated_error(security_scopes=security_scopes)
            return None
        if len(api_key.encode("utf-8", "surrogatepass")) > self.max_length:
            raise self.make_not_authenticated_error("API key too long", security_scopes)
        return api_key

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, scheme_name={self.scheme_name!r})"


class APIKeyHeader(APIKeyBase):
    """An API key in the header ``name`` (case-insensitive), such as ``X-API-Key``."""

    location = "header"

    def __init__(
        self,
        *,
        name: str,
        **options: Unpack[SchemeOptions],
    ) -> None:
        super().__init__(
            name=name,
            **options,
        )
        if not is_token(name):
            raise ValueError(f"APIKeyHeader(name={name!r}): that is not a valid header name.")
        self._key = name.lower().encode("ascii")

    @reads_scope_only
    async def __call__(
        self,
        request: HTTPConnection,
        security_scopes: Annotated[SecurityScopes, RequiredScopes()] = NO_SCOPES,
    ) -> str | None:
        try:
            value = header_value(request, self._key, self.name, self.max_length)
        except MalformedCredentials as exc:
            raise self.make_not_authenticated_error(str(exc), security_scopes) from None
        return self.check_api_key(value, security_scopes)


class APIKeyQuery(APIKeyBase):
    """An API key in the query parameter ``name``.

    Query strings end up in access logs, browser history and ``Referer`` headers;
    prefer :class:`APIKeyHeader` unless clients cannot send headers.
    """

    location = "query"

    @reads_scope_only
    async def __call__(
        self,
        request: HTTPConnection,
        security_scopes: Annotated[SecurityScopes, RequiredScopes()] = NO_SCOPES,
    ) -> str | None:
        values = request.query_params.getlist(self.name)
        if len(values) > 1:
            raise self.make_not_authenticated_error(
                f"Multiple {self.name} query parameters", security_scopes
            )
        return self.check_api_key(values[0] if values else None, security_scopes)


class APIKeyCookie(APIKeyBase):
    """An API key in the cookie ``name``."""

    location = "cookie"

    @reads_scope_only
    async def __call__(
        self,
        request: HTTPConnection,
        security_scopes: Annotated[SecurityScopes, RequiredScopes()] = NO_SCOPES,
    ) -> str | None:
        try:
            value = cookie_value(request, self.name)
        except MalformedCredentials as exc:
            raise self.make_not_authenticated_error(str(exc), security_scopes) from None
        return self.check_api_key(value, security_scopes)
