import hashlib
import os
from typing import Annotated

from pegboard import App, HTTPException
from pegboard_di import Depends, di
from pegboard_security import APIKeyCookie, APIKeyHeader, compare_secrets, security

# Store digests, not keys: a leaked table then gives nobody a working key.
# (A fast hash is fine for long random keys; passwords need argon2.)
KEY_DIGESTS = {
    hashlib.sha256(b"k-reporting-0b1f9c").hexdigest(): "reporting",
    hashlib.sha256(b"k-backup-77d2e0").hexdigest(): "backup",
}
ADMIN_KEY = os.environ.get("ADMIN_API_KEY", "k-admin-5e4f01")

api_key_header = APIKeyHeader(name="X-API-Key", description="A key from the admin console.")


async def client_name(key: Annotated[str, Depends(api_key_header)]) -> str:
    name = KEY_DIGESTS.get(hashlib.sha256(key.encode()).hexdigest())
    if name is None:
        raise HTTPException(401, "Unknown API key", {"WWW-Authenticate": "APIKey"})
    return name


async def admin_only(key: Annotated[str, Depends(api_key_header)]) -> None:
    if not compare_secrets(key, ADMIN_KEY):  # constant time, unlike ==
        raise HTTPException(403, "Admins only")


app = App(plugins=[di(), security()])


@app.get("/reports")
async def reports(client: Annotated[str, Depends(client_name)]) -> dict[str, str]:
    return {"for": client}


@app.delete("/cache", security=[Depends(admin_only)])
async def clear_cache() -> dict[str, bool]:
    return {"cleared": True}


# --8<-- [start:optional]
header_key = APIKeyHeader(name="X-API-Key", auto_error=False)
cookie_key = APIKeyCookie(name="api_key", auto_error=False)


async def any_key(
    from_header: Annotated[str | None, Depends(header_key)],
    from_cookie: Annotated[str | None, Depends(cookie_key)],
) -> str | None:
    """The key from the header, else the cookie, else None (anonymous)."""
    return from_header or from_cookie


@app.get("/greeting")
async def greeting(key: Annotated[str | None, Depends(any_key)]) -> str:
    return "Hello, anonymous" if key is None else "Hello, key holder"


# --8<-- [end:optional]
