from typing import Annotated

from pegboard import App
from pegboard_di import Depends, di

CALLS: list[str] = []


async def get_settings() -> dict[str, str]:
    CALLS.append("settings")
    return {"greeting": "Hi"}


Settings = Annotated[dict[str, str], Depends(get_settings)]


async def greeter(settings: Settings, name: str) -> str:  # `name` is the path parameter
    return f"{settings['greeting']}, {name}"


async def fresh_settings(
    settings: Annotated[dict[str, str], Depends(get_settings, use_cache=False)],
) -> dict[str, str]:
    return settings


app = App(plugins=[di()])


@app.get("/greet/{name}")
async def greet(text: Annotated[str, Depends(greeter)], settings: Settings) -> dict[str, str]:
    # get_settings is needed twice here, and runs once for the request.
    return {"text": text, "greeting": settings["greeting"]}


@app.get("/fresh")
async def fresh(
    settings: Settings, again: Annotated[dict[str, str], Depends(fresh_settings)]
) -> bool:
    return settings is not again  # use_cache=False gave that position its own call
