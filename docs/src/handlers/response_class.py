from pegboard import App, HTMLResponse, PlainTextResponse, RedirectResponse, Router

app = App(response_class=PlainTextResponse)  # the default for every route


@app.get("/motd")
async def motd() -> str:
    return "Back up at 10:00."


pages = Router(prefix="/pages", response_class=HTMLResponse)  # for this router


@pages.get("/about")
async def about() -> str:
    return "<h1>About</h1>"


@pages.get("/about.json", response_class=None)  # None: back to JSON
async def about_json() -> dict[str, str]:
    return {"title": "About"}


@app.get("/docs", response_class=RedirectResponse)  # 307, the class's own default
async def docs() -> str:
    return "https://example.com/docs"


app.include_router(pages)
