from typing import Any

from pydantic import BaseModel, Field

from pegboard import App
from pegboard_validation import validation

app = App(plugins=[validation()])


class UserIn(BaseModel):
    username: str
    password: str
    full_name: str | None = Field(None, alias="fullName")


class UserOut(BaseModel):
    username: str
    full_name: str | None = Field(None, alias="fullName")


class Settings(BaseModel):
    theme: str = "light"
    font_size: int = 12
    beta: bool | None = None


@app.post("/users", status_code=201)
async def create_user(user: UserIn) -> UserOut:  # the annotation is the model
    return user  # type: ignore[return-value]  # password is dropped


@app.get("/users/{name}", response_model=UserOut, response_model_by_alias=False)
async def read_user(name: str) -> Any:
    return {"username": name, "fullName": name.title(), "password": "never sent"}


@app.patch("/settings", response_model_exclude_unset=True)
async def update_settings(changes: Settings) -> Settings:
    return changes  # only the fields the client sent come back


@app.get("/raw", response_model=None)
async def raw() -> UserOut:
    return {"anything": "goes"}  # type: ignore[return-value]  # not validated
