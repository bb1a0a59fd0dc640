"""pegboard_security: authentication schemes, OAuth2 scopes and safe defaults.

Enable it with the DI plugin, ``App(plugins=[di(), security()])`` (or by the names
``"di"`` and ``"security"``). The names follow FastAPI's, so ported code reads the
same::

    from pegboard_security import OAuth2PasswordBearer, Security, SecurityScopes
"""

from pegboard_security.api_key import APIKeyBase, APIKeyCookie, APIKeyHeader, APIKeyQuery
from pegboard_security.base import SchemeOptions, SecurityBase
from pegboard_security.compare import compare_secrets
from pegboard_security.credentials import MAX_CREDENTIALS_LENGTH
from pegboard_security.forms import (
    OAuth2PasswordRequestForm,
    OAuth2PasswordRequestFormStrict,
)
from pegboard_security.http import (
    HTTPAuthorizationCredentials,
    HTTPBase,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
    HTTPDigest,
)
from pegboard_security.oauth2 import OAuth2, OAuth2AuthorizationCodeBearer, OAuth2PasswordBearer
from pegboard_security.open_id_connect import OpenIdConnect
from pegboard_security.plugin import SecurityPlugin, security
from pegboard_security.scopes import Security, SecurityScopes

__all__ = [
    "MAX_CREDENTIALS_LENGTH",
    "APIKeyBase",
    "APIKeyCookie",
    "APIKeyHeader",
    "APIKeyQuery",
    "HTTPAuthorizationCredentials",
    "HTTPBase",
    "HTTPBasic",
    "HTTPBasicCredentials",
    "HTTPBearer",
    "HTTPDigest",
    "OAuth2",
    "OAuth2AuthorizationCodeBearer",
    "OAuth2PasswordBearer",
    "OAuth2PasswordRequestForm",
    "OAuth2PasswordRequestFormStrict",
    "OpenIdConnect",
    "SchemeOptions",
    "Security",
    "SecurityBase",
    "SecurityPlugin",
    "SecurityScopes",
    "compare_secrets",
    "security",
]
