from typing import Annotated, Any

from pegboard import App, Router
from pegboard_di import Depends, di
from pegboard_security import OAuth2PasswordBearer, Security, SecurityScopes, security

oauth2_scheme = OAuth2PasswordBearer(
    tokenUrl="token",
    scopes={
        "me": "Read your profile.",
        "items:read": "Read items.",
        "items:write": "Change items.",
        "admin": "Administer the service.",
    },
)

# Stand-ins for verified tokens (see the OAuth2 page for JWTs): token -> claims.
TOKENS = {
    "t-ada": {"sub": "ada", "scope": "me items:read items:write admin"},
    "t-bob": {"sub": "bob", "scope": "me items:read"},
}


async def current_user(
    security_scopes: SecurityScopes, token: Annotated[str, Depends(oauth2_scheme)]
) -> dict[str, Any]:
    # security_scopes.scopes: every scope required by the Security(...) markers above.
    claims = TOKENS.get(token)
    if claims is None:
        raise security_scopes.invalid_token()  # 401 with error="invalid_token"
    security_scopes.check(claims["scope"])  # 403 with error="insufficient_scope"
    return claims


async def active_user(
    user: Annotated[dict[str, Any], Security(current_user, scopes=["me"])],
) -> dict[str, Any]:
    return user


app = App(plugins=[di(), security()])


@app.get("/me")
async def read_me(user: Annotated[dict[str, Any], Security(active_user)]) -> str:
    return user["sub"]  # needs "me"


@app.get("/items")
async def read_items(
    user: Annotated[dict[str, Any], Security(active_user, scopes=["items:read"])],
) -> list[str]:
    return ["quill", "ink"]  # needs "items:read" and "me"


@app.post("/items")
async def add_item(
    user: Annotated[dict[str, Any], Security(active_user, scopes=["items:write"])],
) -> str:
    return "added"  # needs "items:write" and "me"


# Every route of this router needs "admin"; the handlers do not read the user.
admin = Router(prefix="/admin", security=[Security(current_user, scopes=["admin"])])


@admin.get("/stats")
async def stats() -> dict[str, int]:
    return {"users": len(TOKENS)}


app.include_router(admin)
