"""Who may change data: clients that send the bearer token from the settings."""

import secrets
from typing import Annotated

from pegboard import HTTPException
from pegboard_di import Depends
from pegboard_security import HTTPAuthorizationCredentials, HTTPBearer

from shop.dependencies import AppSettings

bearer = HTTPBearer()


async def require_token(
    credentials: Annotated[HTTPAuthorizationCredentials, Depends(bearer)],
    settings: AppSettings,
) -> None:
    """Refuse the request unless it sends ``Authorization: Bearer <api_token>``."""
    expected = settings.api_token.encode()
    sent = credentials.credentials.encode()
    # compare_digest takes as long for a wrong token as for a right one.
    if not expected or not secrets.compare_digest(sent, expected):
        raise HTTPException(401, "Invalid token.", headers={"WWW-Authenticate": "Bearer"})
