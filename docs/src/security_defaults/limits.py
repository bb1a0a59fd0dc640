"""Tighter limits for a small JSON API, and a larger one only where uploads go."""

from typing import Annotated

from pegboard import App, Router
from pegboard_validation import File, Form, UploadFile, validation

app = App(
    plugins=[validation(max_form_fields=20, max_form_files=1, max_form_part_size=16 * 1024)],
    max_body_size=64 * 1024,  # every route: 64 KiB
)

uploads = Router(prefix="/uploads", max_body_size=20 * 1024 * 1024)  # these: 20 MiB


@app.post("/notes")
async def add_note(text: Annotated[str, Form(max_length=10_000)]) -> dict[str, int]:
    return {"length": len(text)}


@uploads.post("")
async def upload(file: Annotated[UploadFile, File()]) -> dict[str, int]:
    return {"size": len(await file.read())}


app.include_router(uploads)
