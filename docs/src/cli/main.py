from pegboard import App, Request, Router

app = App()


@app.get("/")
async def home() -> str:
    return "home"


users = Router(prefix="/users", tags=["users"])


@users.get("/{user_id:int}", name="read_user")
async def read_user(user_id: int, request: Request) -> dict[str, int]:
    return {"id": user_id}


app.include_router(users)


def create_app() -> App:
    return app
