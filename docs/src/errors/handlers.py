import logging

from starlette.exceptions import HTTPException as StarletteHTTPException

from pegboard import App, HTTPException, JSONResponse, Request, Response
from pegboard.exception_handlers import http_exception_handler

logger = logging.getLogger("shop")


class OutOfStock(Exception):
    def __init__(self, item: str) -> None:
        self.item = item


async def not_found(request: Request, exc: Exception) -> Response:
    return JSONResponse({"detail": "Nothing here.", "path": request.url.path}, 404)


app = App(exception_handlers={404: not_found})


@app.exception_handler(OutOfStock)
async def out_of_stock(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, OutOfStock)
    return JSONResponse({"detail": f"{exc.item} is sold out."}, status_code=409)


# Starlette's HTTPException also covers the router's 405s. Handlers by status
# code win over handlers by class, so 404s still go to not_found.
@app.exception_handler(StarletteHTTPException)
async def log_http_errors(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    logger.info("HTTP %s on %s", exc.status_code, request.url.path)
    return await http_exception_handler(request, exc)  # then render as usual


@app.post("/buy/{item}")
async def buy(item: str) -> None:
    if item == "gift-card":
        raise HTTPException(403, "Gift cards are not for sale.")
    raise OutOfStock(item)
