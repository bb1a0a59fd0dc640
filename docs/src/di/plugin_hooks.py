from collections.abc import Hashable, Sequence
from typing import Annotated, Any

import attrs

from pegboard import (
    App,
    HTTPException,
    ParamInfo,
    PluginInfo,
    Request,
    Resolver,
    RouteInfo,
    RouteOption,
    hookimpl,
)
from pegboard_di import Depends, dependency_resolver, di


@attrs.frozen
class Needs(Depends):
    """Depends, plus the permissions this position in the graph requires."""

    permissions: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=tuple)


class Required:
    """Asked for by a dependency: every permission required above it in the chain."""

    def __init__(self, permissions: tuple[str, ...]) -> None:
        self.permissions = permissions


def required_by(chain: tuple[Depends, ...]) -> tuple[str, ...]:
    return tuple(
        sorted({p for marker in chain if isinstance(marker, Needs) for p in marker.permissions})
    )


class PermissionsPlugin:
    plugin_info = PluginInfo(
        name="permissions",
        requires=("di",),
        route_options=(RouteOption("permissions", "extend", "Permissions the route needs."),),
    )

    @hookimpl
    def pegboard_di_resolve_parameter(
        self, param: ParamInfo, chain: tuple[Depends, ...]
    ) -> Resolver | None:
        if param.type is not Required:
            return None
        return Resolver.constant(Required(required_by(chain)), label="permissions")

    @hookimpl
    def pegboard_di_cache_key(self, chain: tuple[Depends, ...]) -> Hashable | None:
        return required_by(chain) or None  # one cached check per set of permissions

    @hookimpl
    def pegboard_route_guards(self, app: App, route: RouteInfo) -> Sequence[Resolver]:
        needed = route.option("permissions", ())
        if not needed:
            return ()
        marker = Needs(check_permissions, permissions=needed)
        return [dependency_resolver(app, route, marker, origin="permissions=[...]")]


async def check_permissions(required: Required, request: Request) -> set[str]:
    granted = set(request.headers.get("x-permissions", "").split(","))
    missing = [p for p in required.permissions if p not in granted]
    if missing:
        raise HTTPException(403, f"Missing permissions: {', '.join(missing)}")
    return granted


app = App(plugins=[di(), PermissionsPlugin()])


@app.get("/reports", permissions=["reports:read"])
async def reports() -> list[str]:
    return ["q1", "q2"]


@app.delete("/reports/{name}")
async def delete_report(
    name: str,
    granted: Annotated[set[str], Needs(check_permissions, permissions=["reports:delete"])],
) -> dict[str, Any]:
    return {"deleted": name, "as": sorted(granted)}
