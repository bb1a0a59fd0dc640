from typing import Annotated

from pegboard import App, HTTPException, Request
from pegboard_di import Depends, di

USERS = {"t-ada": {"name": "ada"}, "t-bob": {"name": "bob"}}


async def current_user(request: Request) -> dict[str, str]:
    token = request.headers.get("x-token", "")
    if token not in USERS:
        raise HTTPException(401, "Unknown token")
    return USERS[token]


def greeting(user: Annotated[dict[str, str], Depends(current_user)]) -> str:
    return f"Hello, {user['name']}!"  # a plain `def` runs in the thread pool


app = App(plugins=[di()])


@app.get("/me")
async def me(user: Annotated[dict[str, str], Depends(current_user)]) -> dict[str, str]:
    return user


@app.get("/hello")
async def hello(text: str = Depends(greeting)) -> str:  # as a default value works too
    return text
