from typing import Annotated

from pegboard import App, HTTPException
from pegboard_di import Depends, di
from pegboard_security import (
    HTTPAuthorizationCredentials,
    HTTPBearer,
    compare_secrets,
    security,
)

bearer = HTTPBearer(bearerFormat="opaque", description="A deploy token.")
DEPLOY_TOKEN = "dpl_3f9a1c7e"

app = App(plugins=[di(), security()])


async def deployer(credentials: Annotated[HTTPAuthorizationCredentials, Depends(bearer)]) -> None:
    if not compare_secrets(credentials.credentials, DEPLOY_TOKEN):
        raise HTTPException(
            401, "Unknown token", {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        )


@app.post("/deploy", security=[Depends(deployer)])
async def deploy() -> dict[str, str]:
    return {"status": "deploying"}
