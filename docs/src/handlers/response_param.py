from pegboard import App, Response

app = App()
SETTINGS: dict[str, str] = {}


@app.post("/login")
async def login(response: Response) -> dict[str, bool]:
    response.set_cookie("session", "s3cr3t", httponly=True)
    response.headers["X-Login"] = "ok"
    return {"ok": True}


@app.put("/settings/{key}/{value}")
async def save_setting(key: str, value: str, response: Response) -> dict[str, str]:
    if key not in SETTINGS:
        response.status_code = 201  # overrides the route's status (200) for this request
    SETTINGS[key] = value
    return SETTINGS
