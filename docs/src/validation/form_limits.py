from pegboard import App
from pegboard_validation import UploadFile, validation

app = App(
    plugins=[
        validation(
            max_form_fields=20,  # non-file fields per form
            max_form_files=5,  # files per multipart form
            max_form_part_size=64 * 1024,  # bytes in one non-file field
        )
    ],
    max_body_size=20 * 1024 * 1024,  # the whole body, files included (core option)
)


@app.post("/documents")
async def upload(document: UploadFile) -> dict[str, object]:
    return {"filename": document.filename, "size": document.size}
