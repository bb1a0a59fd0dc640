from starlette.routing import Mount

from pegboard import App
from pegboard_openapi import openapi

admin = App(plugins=[openapi(title="Admin", version="1.0")])


@admin.get("/users")
async def list_users() -> list[str]:
    return []


# /admin/openapi.json documents the admin app, with servers [{"url": "/admin"}];
# /openapi.json documents the main app only.
app = App(
    plugins=[openapi(title="Main", version="1.0", yaml_url="/openapi.yaml")],
    routes=[Mount("/admin", app=admin)],
)


@app.get("/items")
async def list_items() -> list[str]:
    return []
