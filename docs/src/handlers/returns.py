import dataclasses
import datetime

from pegboard import App, HTMLResponse

app = App()


@dataclasses.dataclass
class Event:
    name: str
    starts: datetime.date


@app.get("/events")
async def events() -> list[Event]:
    return [Event("launch", datetime.date(2030, 5, 1))]


@app.post("/events", status_code=201)
async def create_event() -> dict[str, bool]:
    return {"created": True}


@app.delete("/events/{name}", status_code=204)
async def delete_event(name: str) -> None:
    return None


@app.get("/banner")
async def banner() -> HTMLResponse:
    return HTMLResponse("<h1>Launch day</h1>", headers={"Cache-Control": "no-store"})
