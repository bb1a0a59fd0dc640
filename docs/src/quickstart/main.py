from starlette.middleware.cors import CORSMiddleware

from pegboard import App, HTTPException, Request, Router

app = App(plugins=[])
app.add_middleware(CORSMiddleware, allow_origins=["*"])

USERS: dict[int, dict[str, str]] = {}


@app.get("/hello/{name}")
async def hello(name: str) -> dict[str, str]:
    return {"hello": name}


users = Router(prefix="/users", tags=["users"])


@users.post("/", status_code=201)
async def create_user(request: Request) -> dict[str, object]:
    data = await request.json()
    user_id = len(USERS) + 1
    USERS[user_id] = {"name": data["name"]}
    return {"id": user_id, **USERS[user_id]}


@users.get("/{user_id:int}")
def read_user(user_id: int) -> dict[str, str]:
    if user_id not in USERS:
        raise HTTPException(404, f"No user {user_id}.")
    return USERS[user_id]


app.include_router(users)
