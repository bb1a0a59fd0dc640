"""The Prometheus plugin with the core alone: what is counted, by which labels, and where."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.testclient import TestClient
from starlette.types import ASGIApp, Receive, Scope, Send

from benchmarks.server import free_port
from pegboard import (
    App,
    HTTPException,
    PluginError,
    Request,
    RequestValidationError,
    Response,
    Route,
    RouteDefinitionError,
)
from pegboard.testing import check_plugin
from pegboard_prometheus import STATE_KEY, prometheus

from .scraping import matching, parse, value

COUNT = "pegboard_requests_total"
HISTOGRAM = "pegboard_request_duration_seconds_count"
IN_PROGRESS = "pegboard_requests_in_progress"


class Conflict(Exception):
    pass


async def conflict_handler(request: Any, exc: Exception) -> PlainTextResponse:
    return PlainTextResponse("conflict", status_code=409)


def make_app(**options: Any) -> App:
    registry = options.pop("registry", CollectorRegistry())
    app = App(
        plugins=[prometheus(registry=registry, **options)],
        exception_handlers={Conflict: conflict_handler},
    )

    @app.get("/items/{item_id}")
    async def read_item(item_id: str) -> dict[str, str]:
        if item_id == "missing":
            raise HTTPException(404, "No such item")
        if item_id == "invalid":
            raise RequestValidationError(
                [{"type": "int_parsing", "loc": ["path", "item_id"], "msg": "no", "input": item_id}]
            )
        if item_id == "taken":
            raise Conflict()
        if item_id == "bug":
            raise RuntimeError("a bug")
        return {"id": item_id}

    @app.post("/items", status_code=201)
    async def create_item() -> str:
        return "made"

    @app.get("/teapot")
    async def teapot() -> Response:
        return Response("short and stout", status_code=418)

    @app.get("/health", metrics=False)
    async def health() -> str:
        return "ok"

    return app


def scrape(client: TestClient, path: str = "/metrics") -> Any:
    response = client.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return parse(response.text)


def test_counts_each_status_actually_sent_by_route_template():
    app = make_app()
    with TestClient(app, raise_server_exceptions=False) as client:
        for target in ["/items/1", "/items/2", "/items/3", "/items/missing", "/items/invalid"]:
            client.get(target)
        assert client.get("/items/taken").status_code == 409
        assert client.get("/items/bug").status_code == 500
        assert client.post("/items").status_code == 201
        assert client.get("/teapot").status_code == 418
        samples = scrape(client)
    route = "/items/{item_id}"
    assert matching(samples, COUNT) == {
        (COUNT, (("method", "GET"), ("route", route), ("status", "200"))): 3.0,
        (COUNT, (("method", "GET"), ("route", route), ("status", "404"))): 1.0,
        (COUNT, (("method", "GET"), ("route", route), ("status", "422"))): 1.0,
        (COUNT, (("method", "GET"), ("route", route), ("status", "409"))): 1.0,
        (COUNT, (("method", "GET"), ("route", route), ("status", "500"))): 1.0,
        (COUNT, (("method", "POST"), ("route", "/items"), ("status", "201"))): 1.0,
        (COUNT, (("method", "GET"), ("route", "/teapot"), ("status", "418"))): 1.0,
    }
    # The histogram saw the same requests; no raw path ever becomes a label.
    assert value(samples, HISTOGRAM, method="GET", route=route, status="200") == 3.0
    assert value(samples, HISTOGRAM, method="GET", route=route, status="500") == 1.0
    assert sum(matching(samples, HISTOGRAM).values()) == 9.0
    for (_, labels), count in matching(samples, COUNT).items():
        assert samples[(HISTOGRAM, labels)] == count
        bucket = tuple(sorted([*labels, ("le", "+Inf")]))
        assert samples[("pegboard_request_duration_seconds_bucket", bucket)] == count
    assert not [key for key in samples if ("route", "/items/1") in key[1]]
    # Nothing in progress once answered.
    assert value(samples, IN_PROGRESS, method="GET", route=route) == 0.0


def test_the_latency_histogram_measures_the_request():
    app = make_app(buckets=[0.05, 0.5])

    @app.get("/slow")
    def slow() -> str:
        threading.Event().wait(0.1)
        return "done"

    with TestClient(app) as client:
        client.get("/slow")
        samples = scrape(client)
    bucket = "pegboard_request_duration_seconds_bucket"
    labels = {"method": "GET", "route": "/slow", "status": "200"}
    assert value(samples, bucket, le="0.05", **labels) == 0.0
    assert value(samples, bucket, le="0.5", **labels) == 1.0
    assert value(samples, bucket, le="+Inf", **labels) == 1.0
    assert 0.1 <= value(samples, "pegboard_request_duration_seconds_sum", **labels) < 0.5  # type: ignore[operator]


def test_requests_in_progress_are_counted_while_they_run():
    registry = CollectorRegistry()
    app = make_app(registry=registry)
    seen: list[float | None] = []

    @app.get("/busy")
    async def busy() -> str:
        labels = {"method": "GET", "route": "/busy"}
        seen.append(registry.get_sample_value(IN_PROGRESS, labels))
        return "busy"

    with TestClient(app) as client:
        client.get("/busy")
        assert seen == [1.0]
        assert value(scrape(client), IN_PROGRESS, method="GET", route="/busy") == 0.0


def test_opted_out_routes_are_not_observed_at_all():
    app = make_app()
    with TestClient(app) as client:
        client.get("/health")
        samples = scrape(client)
        routes = {r.path: r for r in app.router.routes if isinstance(r, Route)}
    assert routes["/health"].compiled.observers == ()  # type: ignore[union-attr]
    assert routes["/metrics"].compiled.observers == ()  # type: ignore[union-attr]
    assert routes["/teapot"].compiled.observers != ()  # type: ignore[union-attr]
    assert matching(samples, COUNT, route="/health") == {}
    assert matching(samples, COUNT, route="/metrics") == {}


def test_the_app_can_opt_out_and_routes_opt_in():
    app = App(plugins=[prometheus(registry=CollectorRegistry())], metrics=False)

    @app.get("/counted", metrics=True)
    async def counted() -> str:
        return "yes"

    @app.get("/quiet")
    async def quiet() -> str:
        return "no"

    with TestClient(app) as client:
        client.get("/counted")
        client.get("/quiet")
        samples = scrape(client)
    assert set(matching(samples, COUNT)) == {
        (COUNT, (("method", "GET"), ("route", "/counted"), ("status", "200")))
    }


@pytest.mark.parametrize("bad", ["yes", 1, None])
def test_a_bad_metrics_option_fails_naming_the_route(bad: object):
    app = make_app()
    with pytest.raises(RouteDefinitionError, match=r"Route GET /x: metrics= must be True or False"):

        @app.get("/x", metrics=bad)
        async def x() -> str:
            return "x"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"path": "metrics"}, "must start with '/'"),
        ({"port": 0}, "give a TCP port"),
        ({"port": True}, "give a TCP port"),
        ({"buckets": [1.0, 0.5]}, "finite and increasing"),
        ({"buckets": []}, "list of numbers"),
        ({"buckets": ["fast"]}, "list of numbers"),
        ({"route_options": ["metrics"]}, "dict of route options"),
    ],
)
def test_bad_plugin_options_fail_at_startup(options: dict[str, Any], message: str):
    with pytest.raises(PluginError, match=message):
        prometheus(**options)


def test_unmatched_requests_are_left_out_by_default():
    app = make_app()
    with TestClient(app) as client:
        assert client.get("/nowhere").status_code == 404
        assert client.delete("/teapot").status_code == 405
        samples = scrape(client)
    assert matching(samples, COUNT, route="<unmatched>") == {}
    assert sum(matching(samples, COUNT).values()) == 0.0


def test_unmatched_requests_are_counted_when_asked():
    app = make_app(unmatched=True)
    with TestClient(app, follow_redirects=False) as client:
        assert client.get("/nowhere").status_code == 404
        assert client.get("/elsewhere").status_code == 404
        assert client.delete("/teapot").status_code == 405
        assert client.get("/teapot/").status_code == 307
        assert client.get("/teapot").status_code == 418
        assert client.get("/health").status_code == 200
        samples = scrape(client)
    assert matching(samples, COUNT) == {
        (COUNT, (("method", "GET"), ("route", "<unmatched>"), ("status", "404"))): 2.0,
        (COUNT, (("method", "DELETE"), ("route", "<unmatched>"), ("status", "405"))): 1.0,
        (COUNT, (("method", "GET"), ("route", "<unmatched>"), ("status", "307"))): 1.0,
        (COUNT, (("method", "GET"), ("route", "/teapot"), ("status", "418"))): 1.0,
    }


def test_metrics_route_is_not_in_the_openapi_document():
    from pegboard_openapi import openapi

    app = App(plugins=[prometheus(registry=CollectorRegistry()), openapi()])

    @app.get("/ping")
    async def ping() -> str:
        return "pong"

    with TestClient(app) as client:
        paths = client.get("/openapi.json").json()["paths"]
        assert client.get("/metrics").status_code == 200
    assert list(paths) == ["/ping"]


class TokenGuard:
    """Route middleware standing in for whatever guard the app has."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (b"authorization", b"Bearer scraper") not in scope["headers"]:
            await PlainTextResponse("Unauthorized", status_code=401)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def test_the_metrics_route_takes_route_options_to_guard_it():
    app = make_app(path="/internal/metrics", route_options={"middleware": [Middleware(TokenGuard)]})
    with TestClient(app) as client:
        assert client.get("/metrics").status_code == 404
        assert client.get("/internal/metrics").status_code == 401
        response = client.get("/internal/metrics", headers={"authorization": "Bearer scraper"})
    assert response.status_code == 200
    assert "pegboard_requests_total" in response.text


def test_openmetrics_is_served_when_asked_for():
    app = make_app()
    with TestClient(app) as client:
        client.get("/teapot")
        response = client.get("/metrics", headers={"accept": "application/openmetrics-text"})
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    assert response.text.endswith("# EOF\n")


def test_a_separate_port_serves_the_metrics_for_the_lifespan():
    port = free_port()
    app = make_app(port=port)
    with TestClient(app) as client:
        assert client.get("/metrics").status_code == 404  # only on the port
        client.get("/teapot")
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as answer:
            samples = parse(answer.read().decode())
        assert value(samples, COUNT, method="GET", route="/teapot", status="418") == 1.0
        assert app.stash[STATE_KEY].server is not None
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2)


def test_a_taken_port_fails_the_startup():
    import socket

    from pegboard import StartupError

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        app = make_app(port=port)
        with pytest.raises(StartupError, match=f"cannot listen on 127.0.0.1:{port}"):  # noqa: SIM117
            with TestClient(app):
                pass


def test_in_multiprocess_mode_a_taken_port_is_left_to_the_worker_serving_it():
    import socket

    from pegboard_prometheus.exposition import MetricsServer

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = MetricsServer(port, "127.0.0.1", CollectorRegistry(), shared=True)
        server.start()  # no error: another worker holds the port
        server.stop()
        with pytest.raises(PluginError, match="Choose a free port"):
            MetricsServer(port, "127.0.0.1", CollectorRegistry(), shared=False).start()


def test_apps_sharing_a_registry_share_its_metrics():
    registry = CollectorRegistry()
    first, second = make_app(registry=registry), make_app(registry=registry)
    with TestClient(first) as one, TestClient(second) as two:
        one.get("/teapot")
        two.get("/teapot")
        samples = scrape(two)
    assert value(samples, COUNT, method="GET", route="/teapot", status="418") == 2.0
    with pytest.raises(PluginError, match="namespace= or its own registry="):
        make_app(registry=registry, buckets=[0.1, 1.0])
    make_app(registry=registry, namespace="other", buckets=[0.1, 1.0])


def test_a_namespace_renames_the_metrics():
    app = make_app(namespace="shop")
    with TestClient(app) as client:
        client.get("/teapot")
        samples = scrape(client)
    assert value(samples, "shop_requests_total", method="GET", route="/teapot", status="418") == 1.0
    assert matching(samples, COUNT) == {}


def test_a_multiprocess_dir_that_is_missing_fails_at_startup(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "nope"))
    with pytest.raises(PluginError, match=r"is not a writable directory\. Create it"):
        make_app()


def test_a_client_leaving_before_the_response_is_counted_as_disconnected():
    registry = CollectorRegistry()
    app = make_app(registry=registry)

    @app.post("/upload")
    async def upload(request: Request) -> str:
        await request.body()
        return "stored"

    with TestClient(app):  # started; now one request whose client is gone
        import anyio

        async def gone() -> dict[str, Any]:
            return {"type": "http.disconnect"}

        async def ignore(message: Any) -> None:
            raise AssertionError(f"nothing should be sent: {message}")

        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/upload",
            "raw_path": b"/upload",
            "root_path": "",
            "query_string": b"",
            "headers": [(b"host", b"test"), (b"content-length", b"5")],
            "client": ("127.0.0.1", 1),
            "server": ("test", 80),
            "state": {},
        }
        anyio.run(app, scope, gone, ignore)
    labels = {"method": "POST", "route": "/upload", "status": "disconnected"}
    assert registry.get_sample_value(COUNT, labels) == 1.0


def test_enabled_by_name_and_beside_the_other_plugins():
    app = App(plugins=["prometheus"])
    assert isinstance(app.stash[STATE_KEY].exposed, CollectorRegistry)
    check_plugin(lambda: prometheus(registry=CollectorRegistry()))
