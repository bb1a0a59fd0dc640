import logging

from pydantic import BaseModel

from pegboard import App, JSONResponse, Request, RequestValidationError, Response
from pegboard_validation import request_validation_exception_handler, validation

app = App(plugins=[validation()])
log = logging.getLogger("myapp")


class Item(BaseModel):
    name: str
    price: float


@app.exception_handler(RequestValidationError)
async def validation_failed(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    log.info("bad request to %s: %s", request.url.path, exc.errors())
    if request.url.path.startswith("/v1/"):
        # The old API answered 400 with a flat list of messages.
        messages = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        return JSONResponse({"errors": messages, "received": exc.body}, status_code=400)
    return await request_validation_exception_handler(request, exc)  # the usual 422


@app.post("/v1/items")
async def create_v1(item: Item) -> Item:
    return item


@app.post("/v2/items")
async def create_v2(item: Item) -> Item:
    return item
