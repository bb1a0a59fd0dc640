"""Setting a cookie yourself: say HttpOnly, Secure and SameSite explicitly."""

from pegboard import App, Response

app = App()


@app.post("/preferences")
async def save_preferences(response: Response) -> dict[str, str]:
    response.set_cookie(
        "theme",
        "dark",
        max_age=365 * 24 * 3600,
        httponly=True,  # Starlette's default is False: scripts could read it
        secure=True,  # Starlette's default is False
        samesite="strict",  # Starlette's default is "lax"
    )
    return {"theme": "dark"}
