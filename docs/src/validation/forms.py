from typing import Annotated

from pegboard import App
from pegboard_validation import File, Form, UploadFile, validation

app = App(plugins=[validation()])


@app.post("/login")
async def login(
    username: Annotated[str, Form()],
    password: Annotated[str, Form(min_length=8)],
    remember: Annotated[bool, Form()] = False,
) -> dict[str, object]:
    return {"username": username, "remember": remember}


@app.post("/photos")
async def upload(
    photo: UploadFile,  # a file: name, content type, await read()
    extras: Annotated[list[UploadFile], File(default_factory=list)],
    caption: Annotated[str, Form(max_length=200)] = "",
    thumbnail: Annotated[bytes | None, File()] = None,  # read into memory
) -> dict[str, object]:
    data = await photo.read()
    return {
        "filename": photo.filename,
        "content_type": photo.content_type,
        "size": len(data),
        "caption": caption,
        "thumbnail": len(thumbnail) if thumbnail else 0,
        "extras": [f.filename for f in extras],
    }
