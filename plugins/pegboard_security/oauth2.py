"""OAuth2 schemes: bearer tokens obtained with the password or authorization-code flow."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from starlette.requests import HTTPConnection

from pegboard_security.base import SchemeOptions, SecurityBase, Unpack, reads_scope_only
from pegboard_security.credentials import (
    MAX_CREDENTIALS_LENGTH,
    MalformedCredentials,
    authorization,
    is_token68,
    split_authorization,
)
from pegboard_security.scopes import NO_SCOPES, RequiredScopes, SecurityScopes

__all__ = ["OAuth2", "OAuth2AuthorizationCodeBearer", "OAuth2PasswordBearer"]


def _flow(scopes: Mapping[str, str] | None, **urls: str | None) -> dict[str, Any]:
    flow: dict[str, Any] = {name: url for name, url in urls.items() if url is not None}
    flow["scopes"] = dict(scopes or {})
    return flow


class OAuth2(SecurityBase):
    """OAuth2 with the given ``flows`` (an OpenAPI OAuth Flows object).

    Returns the whole ``Authorization`` header, unparsed, as FastAPI's does; the
    subclasses below return the bearer token. The 401 challenge is ``Bearer``, with
    the scopes required here (``Bearer scope="items:read"``) when there are some.
    """

    def __init__(
        self,
        *,
        flows: Mapping[str, Any] | None = None,
        **options: Unpack[SchemeOptions],
    ) -> None:
        super().__init__(
            **options,
        )
        self.flows = dict(flows or {})
        self.openapi_scheme = self._scheme(type="oauth2", flows=self.flows)

    @reads_scope_only
    def _header(self, request: HTTPConnection, security_scopes: SecurityScopes) -> str | None:
        try:
            return authorization(request, self.max_length)
        except MalformedCredentials as exc:
            raise self.make_not_authenticated_error(str(exc), security_scopes) from None

    def _missing(self, security_scopes: SecurityScopes) -> None:
        if self.auto_error:
            raise self.make_not_authenticated_error(security_scopes=security_scopes)

    @reads_scope_only
    def _bearer_token(self, request: HTTPConnection, security_scopes: SecurityScopes) -> str | None:
        value = self._header(request, security_scopes)
        if value is None:
            self._missing(security_scopes)
            return None
        scheme, token = split_authorization(value)
        if scheme.lower() != "bearer":
            self._missing(security_scopes)
            return None
        if not is_token68(token):
            raise self.make_not_authenticated_error("Invalid Bearer token", security_scopes)
        return token

    @reads_scope_only
    async def __call__(
        self,
        request: HTTPConnection,
        security_scopes: Annotated[SecurityScopes, RequiredScopes()] = NO_SCOPES,
    ) -> str | None:
        value = self._header(request, security_scopes)
        if value is None:
            self._missing(security_scopes)
            return None
        return value


class OAuth2PasswordBearer(OAuth2):
    """A bearer token obtained from ``tokenUrl`` with a username and password.

    Returns the token (a string). ``tokenUrl`` is where clients (and Swagger UI's
    Authorize dialog) send the form that :class:`OAuth2PasswordRequestForm` reads;
    ``scopes`` maps each scope to a description, for the document.
    """

    def __init__(
        self,
        tokenUrl: str,
        scheme_name: str | None = None,
        scopes: Mapping[str, str] | None = None,
        description: str | None = None,
        auto_error: bool = True,
        refreshUrl: str | None = None,
        *,
        max_length: int = MAX_CREDENTIALS_LENGTH,
    ) -> None:
        super().__init__(
            flows={"password": _flow(scopes, tokenUrl=tokenUrl, refreshUrl=refreshUrl)},
            scheme_name=scheme_name,
            description=description,
            auto_error=auto_error,
            max_length=max_length,
        )
        self.token_url = tokenUrl

    @reads_scope_only
    async def __call__(
        self,
        request: HTTPConnection,
        security_scopes: Annotated[SecurityScopes, RequiredScopes()] = NO_SCOPES,
    ) -> str | None:
        return self._bearer_token(request, security_scopes)


class OAuth2AuthorizationCodeBearer(OAuth2):
    """A bearer token obtained with the authorization-code flow; returns the token."""

    def __init__(
        self,
        authorizationUrl: str,
        tokenUrl: str,
        refreshUrl: str | None = None,
        scheme_name: str | None = None,
        scopes: Mapping[str, str] | None = None,
        description: str | None = None,
        auto_error: bool = True,
        *,
        max_length: int = MAX_CREDENTIALS_LENGTH,
    ) -> None:
        flow = _flow(
            scopes, authorizationUrl=authorizationUrl, tokenUrl=tokenUrl, refreshUrl=refreshUrl
        )
        super().__init__(
            flows={"authorizationCode": flow},
            scheme_name=scheme_name,
            description=description,
            auto_error=auto_error,
            max_length=max_length,
        )

    @reads_scope_only
    async def __call__(
        self,
        request: HTTPConnection,
        security_scopes: Annotated[SecurityScopes, RequiredScopes()] = NO_SCOPES,
    ) -> str | None:
        return self._bearer_token(request, security_scopes)
