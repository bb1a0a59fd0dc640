from pegboard import App, Router

users = Router(prefix="/users", tags=["users"])


@users.get("/")
async def list_users() -> list[str]:
    return ["ada", "grace"]


@users.get("/{username}", tags=["profile"])
async def read_user(username: str) -> dict[str, str]:
    return {"username": username}


api = Router(prefix="/v1")
api.include_router(users)

app = App(tags=["api"])
app.include_router(api, prefix="/api")
