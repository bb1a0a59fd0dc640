from typing import Annotated

from pydantic import BaseModel, Field

from pegboard import App, HTTPException
from pegboard_docs import swagger_ui
from pegboard_openapi import openapi
from pegboard_validation import Path, Query, validation

app = App(plugins=[validation(), openapi(title="Users"), swagger_ui()])

USERS: dict[int, dict[str, object]] = {}


class UserIn(BaseModel):
    name: str = Field(min_length=1, max_length=50)
    email: str


class UserOut(BaseModel):
    id: int
    name: str


@app.post("/users", status_code=201)
async def create_user(user: UserIn) -> UserOut:
    user_id = len(USERS) + 1
    USERS[user_id] = {"id": user_id, **user.model_dump()}
    return UserOut(id=user_id, name=user.name)  # the email stays on the server


@app.get("/users")
async def list_users(limit: Annotated[int, Query(ge=1, le=100)] = 10) -> list[UserOut]:
    return [UserOut.model_validate(user) for user in list(USERS.values())[:limit]]


@app.get("/users/{user_id}")
async def read_user(user_id: Annotated[int, Path(ge=1)]) -> UserOut:
    if user_id not in USERS:
        raise HTTPException(404, "No such user")
    return UserOut.model_validate(USERS[user_id])
