import os

from pegboard import App, HTTPException, Request
from pegboard_di import Depends, di
from pegboard_prometheus import prometheus

SCRAPE_TOKEN = os.environ.get("SCRAPE_TOKEN", "change-me")


def scraper_only(request: Request) -> None:
    if request.headers.get("authorization") != f"Bearer {SCRAPE_TOKEN}":
        raise HTTPException(401, "Not authenticated", headers={"WWW-Authenticate": "Bearer"})


app = App(
    plugins=[
        di(),
        prometheus(
            path="/internal/metrics",
            route_options={"dependencies": [Depends(scraper_only)]},
        ),
    ]
)


@app.get("/")
async def home() -> str:
    return "welcome"
