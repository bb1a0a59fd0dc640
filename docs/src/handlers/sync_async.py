import hashlib
import time

from pegboard import App, Request

app = App()


@app.post("/digest")
async def digest(request: Request) -> str:
    body = await request.body()
    return hashlib.sha256(body).hexdigest()


@app.get("/report/{name}")
def report(name: str) -> dict[str, str]:
    # A plain `def` runs in a thread pool: blocking here doesn't stall other requests.
    time.sleep(0.01)
    return {"report": name, "status": "ready"}
