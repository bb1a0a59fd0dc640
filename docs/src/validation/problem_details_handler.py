from pegboard import App, HTTPException, RequestValidationError
from pegboard_validation import problem_details_handler, validation

app = App(plugins=[validation()])

# The same handler, installed by hand: here for validation errors only.
app.add_exception_handler(RequestValidationError, problem_details_handler)


@app.get("/items/{item_id}")
async def read(item_id: int) -> dict[str, int]:
    if item_id > 100:
        raise HTTPException(404, "No item with this id")  # still {"detail": ...}
    return {"item_id": item_id}
