from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from pegboard import App, Request

# A pegboard app with plugins of its own, mounted under /v2.
v2 = App()


@v2.get("/whoami", name="v2_whoami")
async def whoami(request: Request) -> dict[str, str]:
    return {"root_path": request.scope["root_path"], "url": str(request.url_for("v2_whoami"))}


# Any ASGI app mounts too: a Starlette app, or a plain ASGI callable.
async def legacy_home(request: Request) -> PlainTextResponse:
    return PlainTextResponse("legacy")


legacy = Starlette(routes=[Route("/", legacy_home)])

app = App()
app.mount("/v2", v2)
app.mount("/legacy", legacy)
