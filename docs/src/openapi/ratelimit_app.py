from pegboard_ratelimit import ratelimit

from pegboard import App
from pegboard_openapi import openapi

app = App(plugins=[ratelimit(), openapi(title="Search", version="1.0")])


@app.get("/search", rate="2/minute")
async def search() -> list[str]:
    return []
