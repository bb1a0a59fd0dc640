from typing import Annotated

from pegboard_apikey import ApiKey, Tenant, apikey

from pegboard import App
from pegboard_openapi import openapi

app = App(plugins=[apikey(["k-123"]), openapi(title="Reports", version="1.0")])


@app.get("/reports")
async def list_reports(
    key: Annotated[str, ApiKey()], tenant: Annotated[str, Tenant()]
) -> dict[str, str]:
    return {"tenant": tenant}
