"""A pegboard app is a Starlette app: routes, mounts, state, URLs and test client."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, WebSocketRoute
from starlette.routing import Route as StarletteRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocket

from pegboard import App, HTMLResponse, Request
from pegboard.staticfiles import StaticFiles
from pegboard.templating import Jinja2Templates

ASSETS = Path(__file__).parent / "assets"


async def raw_endpoint(request: Request) -> PlainTextResponse:
    return PlainTextResponse(f"raw {request.path_params.get('x', '')}")


async def raw_socket(websocket: WebSocket) -> None:
    await websocket.accept()
    await websocket.send_text("raw socket")
    await websocket.close()


def test_starlette_routes_in_routes_argument():
    app = App(
        routes=[
            StarletteRoute("/raw/{x}", raw_endpoint),
            WebSocketRoute("/raw-ws", raw_socket),
            Mount(
                "/group", routes=[StarletteRoute("/inner", raw_endpoint, name="inner")], name="grp"
            ),
        ]
    )
    client = TestClient(app)
    assert client.get("/raw/1").text == "raw 1"
    assert client.get("/group/inner").text == "raw "
    with client.websocket_connect("/raw-ws") as ws:
        assert ws.receive_text() == "raw socket"
    assert app.url_path_for("grp:inner") == "/group/inner"


def test_mount_any_asgi_app():
    async def asgi(scope, receive, send):  # type: ignore[no-untyped-def]
        body = f"root_path={scope['root_path']} path={scope['path']}".encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})

    app = App()
    app.mount("/legacy", asgi)
    assert TestClient(app).get("/legacy/x").text == "root_path=/legacy path=/legacy/x"


def test_mounted_starlette_and_pegboard_sub_apps_see_their_root_path():
    async def where(request: Request) -> PlainTextResponse:
        return PlainTextResponse(str(request.url_for("where")))

    star = Starlette(routes=[StarletteRoute("/where", where, name="where")])
    sub = App()

    # url_for looks names up from the outermost router, as in Starlette.
    @sub.get("/where", name="sub_where")
    async def sub_where(request: Request) -> dict[str, str]:
        return {"url": str(request.url_for("sub_where")), "root": request.scope["root_path"]}

    app = App(routes=[Mount("/star", app=star), Mount("/v2", app=sub)])
    client = TestClient(app)
    assert client.get("/star/where").text == "http://testserver/star/where"
    assert client.get("/v2/where").json() == {"url": "http://testserver/v2/where", "root": "/v2"}


def test_root_path_behind_a_proxy():
    app = App(root_path="/api")

    @app.get("/items", name="items")
    async def items(request: Request) -> dict[str, str]:
        return {"url": str(request.url_for("items"))}

    # The proxy strips "/api" before forwarding.
    assert TestClient(app).get("/items").json() == {"url": "http://testserver/api/items"}


def test_app_state_and_request_state():
    app = App()
    app.state.greeting = "hi"

    @app.get("/state")
    async def state(request: Request) -> str:
        request.state.seen = True
        return request.app.state.greeting

    assert TestClient(app).get("/state").json() == "hi"


def test_static_files_and_templates():
    templates = Jinja2Templates(directory=ASSETS / "templates")
    app = App()
    app.mount("/static", StaticFiles(directory=ASSETS / "static"), name="static")

    @app.get("/hello/{name}", response_class=HTMLResponse)
    async def hello(request: Request, name: str) -> HTMLResponse:
        return templates.TemplateResponse(request, "hello.html", {"name": name})

    client = TestClient(app)
    assert "color: red" in client.get("/static/site.css").text
    page = client.get("/hello/ann")
    assert page.headers["content-type"].startswith("text/html")
    assert "Hello, ann!" in page.text
    assert 'href="http://testserver/static/site.css"' in page.text


def test_pegboard_app_mounted_inside_starlette():
    sub = App()

    @sub.get("/ping")
    async def ping() -> str:
        return "pong"

    host = Starlette(routes=[Mount("/pb", app=sub)])
    assert TestClient(host).get("/pb/ping").json() == "pong"


def test_root_path_applies_to_mounted_apps_like_uvicorns_root_path():
    sub = App()

    @sub.get("/where", name="sub_where_root")
    async def where(request: Request) -> dict[str, str]:
        return {"url": str(request.url_for("sub_where_root")), "root": request.scope["root_path"]}

    main = App(root_path="/api")
    main.mount("/v2", sub)
    client = TestClient(main)
    expected = {"url": "http://testserver/api/v2/where", "root": "/api/v2"}
    assert client.get("/v2/where").json() == expected  # the proxy stripped /api
    assert client.get("/api/v2/where").json() == expected  # or it did not


def test_root_path_of_a_mounted_app_defers_to_the_mount():
    sub = App(root_path="/ignored-when-mounted")

    @sub.get("/w")
    async def w(request: Request) -> str:
        return request.scope["root_path"]

    assert TestClient(App(routes=[Mount("/v2", app=sub)])).get("/v2/w").json() == "/v2"
