from pathlib import Path
from typing import Annotated

from pegboard import App, HTMLResponse, RedirectResponse, Request
from pegboard.templating import Jinja2Templates
from pegboard_csrf import CSRFToken, csrf
from pegboard_sessions import Session, sessions
from pegboard_validation import Form, validation

app = App(plugins=[validation(), sessions(), csrf()])
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


@app.get("/comments")
async def comments(request: Request, token: CSRFToken, session: Session) -> HTMLResponse:
    context = {"csrf_token": token, "comments": session.get("comments", [])}
    return templates.TemplateResponse(request, "comments.html", context)


@app.post("/comments")  # POST: checked before the handler runs
async def add_comment(text: Annotated[str, Form()], session: Session) -> RedirectResponse:
    session["comments"] = [*session.get("comments", []), text]
    return RedirectResponse("/comments", status_code=303)
