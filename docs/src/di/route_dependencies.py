from pegboard import App, HTTPException, Request, Router
from pegboard_di import Depends, di

AUDIT: list[str] = []


async def audit(request: Request) -> None:
    AUDIT.append(f"{request.method} {request.url.path}")


async def require_admin(request: Request) -> None:
    if request.headers.get("x-role") != "admin":
        raise HTTPException(403, "Admins only")


# Run for every route of the app, of the router, of one route; values are dropped.
app = App(plugins=[di()], dependencies=[Depends(audit)])
admin = Router(prefix="/admin", dependencies=[Depends(require_admin)])


@admin.get("/stats")
async def stats() -> dict[str, int]:
    return {"users": 2}


@app.get("/ping")
async def ping() -> str:
    return "pong"


app.include_router(admin)
