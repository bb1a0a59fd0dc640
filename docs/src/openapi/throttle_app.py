from pegboard_throttle import throttle

from pegboard import App
from pegboard_openapi import openapi

app = App(plugins=[throttle(), openapi(title="Search", version="1.0")])


@app.get("/search", rate="2/minute")
async def search() -> list[str]:
    return []
