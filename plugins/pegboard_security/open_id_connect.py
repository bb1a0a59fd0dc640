"""OpenID Connect: a scheme documented by its discovery URL."""

from __future__ import annotations

from typing import Annotated

from starlette.requests import HTTPConnection

from pegboard_security.base import SchemeOptions, SecurityBase, Unpack, reads_scope_only
from pegboard_security.credentials import (
    MalformedCredentials,
    authorization,
)
from pegboard_security.scopes import NO_SCOPES, RequiredScopes, SecurityScopes

__all__ = ["OpenIdConnect"]


class OpenIdConnect(SecurityBase):
    """OpenID Connect, documented with ``openIdConnectUrl`` (the discovery document).

    Returns the whole ``Authorization`` header, unparsed, as FastAPI's does:
    validating the ID or access token against the provider's keys is up to the
    dependency that receives it. The 401 challenge is ``Bearer``, with the scopes
    required here when there are some.
    """

    def __init__(
        self,
        *,
        openIdConnectUrl: str,
        **options: Unpack[SchemeOptions],
    ) -> None:
        super().__init__(
            **options,
        )
        self.openapi_scheme = self._scheme(type="openIdConnect", openIdConnectUrl=openIdConnectUrl)

    @reads_scope_only
    async def __call__(
        self,
        request: HTTPConnection,
        security_scopes: Annotated[SecurityScopes, RequiredScopes()] = NO_SCOPES,
    ) -> str | None:
        try:
            value = authorization(request, self.max_length)
        except MalformedCredentials as exc:
            raise self.make_not_authenticated_error(str(exc), security_scopes) from None
        if value is None:
            if self.auto_error:
                raise self.make_not_authenticated_error(security_scopes=security_scopes)
            return None
        return value
