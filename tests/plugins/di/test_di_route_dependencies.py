"""dependencies=[...] on the app, routers and routes."""

from starlette.testclient import TestClient

from pegboard import App, HTTPException, Request, Router
from pegboard_di import Depends, di


def test_app_router_and_route_dependencies_run_outermost_first():
    events: list[str] = []

    def note(name: str):  # type: ignore[no-untyped-def]
        async def dependency(request: Request) -> str:
            events.append(f"{name} {request.url.path}")
            return "dropped"

        dependency.__qualname__ = name
        return dependency

    audit, router_check, route_check = note("audit"), note("router"), note("route")

    app = App(plugins=[di()], dependencies=[Depends(audit)])
    router = Router(prefix="/admin", dependencies=[Depends(router_check)])

    @router.get("/stats", dependencies=[Depends(route_check)])
    async def stats() -> str:
        events.append("handler")
        return "ok"

    app.include_router(router)

    @app.get("/public")
    async def public() -> str:
        return "ok"

    with TestClient(app) as client:
        assert client.get("/admin/stats").json() == "ok"
        assert events == [
            "audit /admin/stats",
            "router /admin/stats",
            "route /admin/stats",
            "handler",
        ]
        events.clear()
        assert client.get("/public").json() == "ok"
        assert events == ["audit /public"]


def test_the_same_marker_at_several_levels_runs_once():
    calls: list[int] = []

    async def verify() -> None:
        calls.append(1)

    app = App(plugins=[di()], dependencies=[Depends(verify)])
    router = Router(dependencies=[Depends(verify)])

    @router.get("/", dependencies=[Depends(verify)])
    async def handler(_: None = Depends(verify)) -> str:
        return "ok"

    app.include_router(router)
    with TestClient(app) as client:
        client.get("/")
    assert calls == [1]


def test_route_dependencies_can_refuse_the_request():
    async def verify_key(request: Request) -> None:
        if request.headers.get("x-key") != "secret":
            raise HTTPException(401, "bad key")

    app = App(plugins=[di()])

    @app.get("/", dependencies=[Depends(verify_key)])
    async def handler() -> str:
        return "ok"

    with TestClient(app) as client:
        assert client.get("/").status_code == 401
        assert client.get("/", headers={"x-key": "secret"}).json() == "ok"
