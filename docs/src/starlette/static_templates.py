from pathlib import Path

from pegboard import App, HTMLResponse, Request
from pegboard.staticfiles import StaticFiles
from pegboard.templating import Jinja2Templates

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")

app = App()
app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")


@app.get("/hello/{name}")
async def hello(request: Request, name: str) -> HTMLResponse:
    return templates.TemplateResponse(request, "hello.html", {"name": name})
