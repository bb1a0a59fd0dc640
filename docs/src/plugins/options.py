from pegboard import App, PluginInfo, RouteDefinitionError, RouteOption, Router


class Audit:
    """Declares the route options it reads; that's all the core needs to know."""

    plugin_info = PluginInfo(
        name="audit",
        route_options=(
            RouteOption("audit", "replace", "False: don't record this route."),
            RouteOption("audit_fields", "extend", "Request fields to record."),
        ),
    )


app = App(plugins=[Audit()], audit_fields=["user"])
admin = Router(prefix="/admin", audit_fields=["ip"])


@admin.delete("/users/{name}", audit_fields=["name"])
async def delete_user(name: str) -> None:
    return None


@admin.get("/health", audit=False)
async def health() -> str:
    return "ok"


app.include_router(admin)
# The route sees the options merged: audit_fields == ["user", "ip", "name"].

try:
    App().add_api_route("/x", health, audit=False)
except RouteDefinitionError as exc:
    message = str(exc)  # "Route GET /x uses option 'audit', which no enabled plugin declares. ..."
