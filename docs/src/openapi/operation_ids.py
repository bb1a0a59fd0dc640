from pegboard import App, RouteInfo, Router
from pegboard_openapi import openapi


def client_friendly(route: RouteInfo, method: str) -> str:
    """Operation ids a client generator turns into readable method names."""
    tag = route.option("tags", ["default"])[0]
    return f"{tag}-{route.name}"


app = App(plugins=[openapi(generate_operation_id=client_friendly)])
users = Router(prefix="/users", tags=["users"])
teams = Router(prefix="/teams", tags=["teams"])


@users.get("/")
async def list_all() -> list[str]:
    return []


@teams.get("/")
async def list_all_teams() -> list[str]:
    return []


@teams.get("/{team_id}", operation_id="getTeam")
async def read(team_id: str) -> dict[str, str]:
    return {"id": team_id}


app.include_router(users)
app.include_router(teams)
