"""The core's documentation: every code sample runs and does what its page says.

Each sample is a file under docs/src/<page>/ that the page includes with
pymdownx.snippets. None of them needs pydantic; the one that enables first-party
plugins is skipped where those cannot be imported.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable, Iterator
from importlib.metadata import EntryPoint
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from pegboard import (
    App,
    BackgroundTask,
    BackgroundTasks,
    Encoder,
    PlainTextResponse,
    PluginError,
    PluginInfo,
    RouteDefinitionError,
    StartupError,
    hookimpl,
    jsonable_encoder,
)
from pegboard import cli as cli_module
from pegboard import plugins as plugins_module
from pegboard import testing as testing_module
from pegboard.cli import plugin_commands
from pegboard.descriptions import ParameterDescription, ResponseDescription

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

#: The pages this file covers (the plugins' own pages have their own tests).
CORE_PAGES = [
    "index.md",
    "quickstart.md",
    "routing.md",
    "handlers.md",
    "errors.md",
    "lifespan.md",
    "starlette.md",
    "cli.md",
    "testing.md",
    "deployment.md",
    "plugins/index.md",
    "plugins/writing.md",
    "plugins/hooks.md",
    "fastapi.md",
]
# An include is --8<-- "path" or, for one marked section of a file, "path:section".
SNIPPET = re.compile(r'--8<-- "([^":]+)(?::[\w-]+)?"')

Load = Callable[[str], ModuleType]


def included_samples() -> list[str]:
    found: list[str] = []
    for page in CORE_PAGES:
        found.extend(SNIPPET.findall((DOCS / page).read_text()))
    return found


# -- the pages and their samples stay in step ----------------------------------------


def test_every_included_sample_exists():
    samples = included_samples()
    assert samples, "the core pages include no samples"
    missing = [s for s in samples if not (ROOT / s).is_file()]
    assert missing == []


def test_every_sample_file_is_on_a_page_and_in_this_test():
    included = set(included_samples())
    this_file = Path(__file__).read_text()
    dirs = {Path(s).parent for s in included}
    for directory in dirs:
        for path in sorted((ROOT / directory).glob("*.py")):
            relative = str(path.relative_to(ROOT))
            assert relative in included, f"{relative} is on no page"
            assert relative in this_file, f"{relative} is not exercised here"


def test_code_blocks_on_the_core_pages_are_included_files():
    # Python on these pages comes from sample files, never typed into the page.
    for page in CORE_PAGES:
        text = (DOCS / page).read_text()
        for block in re.findall(r"```python[^\n]*\n(.*?)```", text, flags=re.S):
            assert block.strip().startswith("--8<--"), f"{page}: inline Python {block[:60]!r}"


# -- helpers ------------------------------------------------------------------------


@pytest.fixture
def loadable_plugins(monkeypatch: pytest.MonkeyPatch) -> dict[str, EntryPoint]:
    """Only the installed plugins that load here, for check_plugin's 'alongside' pass.

    In an environment without an extra's dependencies (the core suite runs without
    pydantic) the entry point of that plugin exists but cannot be loaded.
    """
    found = {}
    for name, entry_point in plugins_module.installed_plugins().items():
        try:
            plugins_module.load_plugin(name)
        except Exception:
            continue
        found[name] = entry_point
    monkeypatch.setattr(plugins_module, "installed_plugins", lambda: found)
    monkeypatch.setattr(testing_module, "installed_plugins", lambda: found)
    return found


def run_sample_tests(pytester: pytest.Pytester, files: dict[str, str]) -> Any:
    """Copy docs samples into a fresh project under the names a reader would use."""
    for name, sample in files.items():
        (pytester.path / name).write_text((ROOT / sample).read_text())
        sys.modules.pop(Path(name).stem, None)  # a module of that name from another test
    return pytester.runpytest("-p", "no:cacheprovider", "-W", "error")


@pytest.fixture
def writing_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Make ``import pegboard_requestid`` find the sample plugin."""
    directory = ROOT / "docs/src/writing"
    monkeypatch.syspath_prepend(str(directory))
    names = ("pegboard_requestid", "sequential_ids", "pegboard_metrics", "pegboard_dbsession")
    for name in names:
        monkeypatch.delitem(sys.modules, name, raising=False)
    yield directory
    for name in names:
        sys.modules.pop(name, None)


# -- index and quickstart -----------------------------------------------------------


def test_index_core_alone(load_sample: Load):
    mod = load_sample("docs/src/index/app.py")
    assert mod.app.plugins == []
    assert TestClient(mod.app).get("/hello/ada").json() == {"hello": "ada"}


def test_quickstart_app(load_sample: Load):
    mod = load_sample("docs/src/quickstart/main.py")
    client = TestClient(mod.app, follow_redirects=False)
    assert client.get("/hello/ada").json() == {"hello": "ada"}
    cors = client.get("/hello/ada", headers={"origin": "https://example.org"})
    assert cors.headers["access-control-allow-origin"] == "*"
    # The router's "/" route lives at /users/; /users redirects there.
    assert client.post("/users", json={"name": "x"}).status_code == 307
    created = client.post("/users/", json={"name": "Ada"})
    assert created.status_code == 201
    assert created.json() == {"id": 1, "name": "Ada"}
    assert client.get("/users/1").json() == {"name": "Ada"}
    assert client.get("/users/2").json() == {"detail": "No user 2."}
    assert client.get("/users/abc").status_code == 404


def test_quickstart_tests_pass(pytester: pytest.Pytester):
    result = run_sample_tests(
        pytester,
        {
            "main.py": "docs/src/quickstart/main.py",
            "test_main.py": "docs/src/quickstart/test_main.py",
        },
    )
    result.assert_outcomes(passed=2)


# -- routing ------------------------------------------------------------------------


def test_routing_methods(load_sample: Load):
    mod = load_sample("docs/src/routing/methods.py")
    client = TestClient(mod.app)
    assert client.get("/items").json() == ["hammer", "saw"]
    created = client.post("/items", json={"name": "drill"})
    assert (created.status_code, created.json()) == (201, {"name": "drill"})
    assert client.get("/ping").json() == "GET"
    assert client.post("/ping").json() == "POST"
    assert mod.app.url_path_for("ping") == "/ping"
    assert client.get("/health").json() == "ok"
    head = client.head("/items")
    assert head.status_code == 200
    assert head.content == b""
    refused = client.post("/health")
    assert refused.status_code == 405
    assert refused.json() == {"detail": "Method Not Allowed"}
    assert set(refused.headers["allow"].split(", ")) == {"GET", "HEAD"}
    missing = client.get("/nothing")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not Found"})


def test_routing_path_params(load_sample: Load):
    mod = load_sample("docs/src/routing/path_params.py")
    client = TestClient(mod.app)
    assert client.get("/users/ada").json() == {"username": "ada"}
    assert client.get("/items/42").json() == {"item_id": 42}
    assert client.get("/items/forty-two").status_code == 404
    order = "12345678-1234-5678-1234-567812345678"
    assert client.get(f"/orders/{order}").json() == {"order_id": order}
    assert client.get("/files/css/site.css").json() == {"path": "css/site.css"}


def test_routing_path_param_without_convertor_is_refused():
    app = App()

    @app.get("/items/{item_id}")
    async def item(item_id: int) -> int:
        return item_id

    with pytest.raises(RouteDefinitionError, match=r"Use a path convertor \('\{item_id:int\}'\)"):
        app.build()


def test_routing_routers(load_sample: Load):
    mod = load_sample("docs/src/routing/routers.py")
    assert [route.path for route in mod.app.routes] == [
        "/api/v1/users/",
        "/api/v1/users/{username}",
    ]
    assert mod.app.routes[1].info.options["tags"] == ["api", "users", "profile"]
    client = TestClient(mod.app)
    assert client.get("/api/v1/users/").json() == ["ada", "grace"]
    assert client.get("/api/v1/users/ada").json() == {"username": "ada"}


def test_routing_options_merge(load_sample: Load):
    mod = load_sample("docs/src/routing/options.py")
    daily, summary, upload = mod.app.routes
    assert daily.info.options["tags"] == ["api", "reports", "daily"]
    assert summary.info.options["tags"] == ["api", "reports"]
    assert upload.info.options["max_body_size"] == 10 * 1024 * 1024
    assert daily.info.options["max_body_size"] == 64 * 1024
    client = TestClient(mod.app)
    text = client.get("/reports/daily")
    assert text.headers["content-type"].startswith("text/plain")
    assert text.text == "all quiet"
    assert client.get("/reports/summary").json() == {"incidents": 0}
    assert client.post("/reports/upload", content=b"x" * 100_000).text == "stored"


def test_routing_route_wrappers(load_sample: Load):
    import gzip

    mod = load_sample("docs/src/routing/route_wrappers.py")
    client = TestClient(mod.app)
    home = client.get("/")
    assert home.json() == {"message": "timed"}
    assert float(home.headers["x-response-time"]) >= 0
    packed = gzip.compress(b"x" * 1000)
    sent = client.post("/uploads/", content=packed, headers={"Content-Encoding": "gzip"})
    assert sent.json() == {"size": 1000}
    assert client.post("/uploads/", content=b"abc").json() == {"size": 3}
    assert "x-response-time" not in sent.headers


def test_routing_websockets(load_sample: Load):
    mod = load_sample("docs/src/routing/websockets.py")
    with TestClient(mod.app).websocket_connect("/ws/lobby") as ws:
        ws.send_text("hi")
        assert ws.receive_json() == {"room": "lobby", "message": "hi"}
        ws.send_text("again")
        assert ws.receive_json() == {"room": "lobby", "message": "again"}


def test_routing_slashes(load_sample: Load):
    mod = load_sample("docs/src/routing/slashes.py")
    redirect = TestClient(mod.app, follow_redirects=False).get("/books")
    assert redirect.status_code == 307
    assert redirect.headers["location"] == "http://testserver/books/"
    assert TestClient(mod.app).get("/books").json() == ["Dune"]
    assert TestClient(mod.strict, follow_redirects=False).get("/books").status_code == 404


def test_routing_names(load_sample: Load):
    mod = load_sample("docs/src/routing/names.py")
    response = TestClient(mod.app).get("/users/3/posts/hello")
    assert response.json() == {"self": "http://testserver/users/3/posts/hello"}


def test_routing_routes_cannot_be_added_after_start(load_sample: Load):
    mod = load_sample("docs/src/routing/methods.py")
    TestClient(mod.app).get("/items")
    with pytest.raises(RouteDefinitionError, match="after the app has started"):
        mod.app.add_api_route("/late", mod.health)


# -- handlers -----------------------------------------------------------------------


def test_handlers_sync_and_async(load_sample: Load):
    mod = load_sample("docs/src/handlers/sync_async.py")
    client = TestClient(mod.app)
    digest = client.post("/digest", content=b"abc").json()
    assert digest == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert client.get("/report/q3").json() == {"report": "q3", "status": "ready"}


def test_handlers_raw_json(load_sample: Load):
    mod = load_sample("docs/src/handlers/raw_json.py")
    client = TestClient(mod.app)
    assert client.post("/echo", content=b'{"a": [1]}').json() == {"a": [1]}
    response = client.post("/echo", content=b"[" * 100_000)
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid JSON body: nested too deeply"}


def test_handlers_parameters(load_sample: Load):
    mod = load_sample("docs/src/handlers/parameters.py")
    response = TestClient(mod.app).get("/items/5", headers={"user-agent": "docs"})
    assert response.json() == {"item_id": 5, "user_agent": "docs"}
    assert response.headers["cache-control"] == "max-age=60"
    assert mod.LOG == ["item 5 read"]


def test_handlers_return_values(load_sample: Load):
    mod = load_sample("docs/src/handlers/returns.py")
    client = TestClient(mod.app)
    events = client.get("/events")
    assert events.headers["content-type"] == "application/json"
    assert events.json() == [{"name": "launch", "starts": "2030-05-01"}]
    assert client.post("/events").status_code == 201
    deleted = client.delete("/events/launch")
    assert (deleted.status_code, deleted.content) == (204, b"")
    banner = client.get("/banner")
    assert banner.text == "<h1>Launch day</h1>"
    assert banner.headers["content-type"].startswith("text/html")
    assert banner.headers["cache-control"] == "no-store"


def test_handlers_response_class(load_sample: Load):
    mod = load_sample("docs/src/handlers/response_class.py")
    client = TestClient(mod.app)
    motd = client.get("/motd")
    assert motd.headers["content-type"].startswith("text/plain")
    assert motd.text == "Back up at 10:00."
    about = client.get("/pages/about")
    assert about.headers["content-type"].startswith("text/html")
    assert about.text == "<h1>About</h1>"
    assert client.get("/pages/about.json").json() == {"title": "About"}
    moved = client.get("/docs", follow_redirects=False)
    assert (moved.status_code, moved.headers["location"]) == (307, "https://example.com/docs")


def test_handlers_response_parameter(load_sample: Load):
    mod = load_sample("docs/src/handlers/response_param.py")
    client = TestClient(mod.app)
    login = client.post("/login")
    assert login.json() == {"ok": True}
    assert login.headers["x-login"] == "ok"
    assert "session=s3cr3t" in login.headers["set-cookie"]
    assert "HttpOnly" in login.headers["set-cookie"]
    first = client.put("/settings/theme/dark")
    assert (first.status_code, first.json()) == (201, {"theme": "dark"})
    again = client.put("/settings/theme/light")
    assert (again.status_code, again.json()) == (200, {"theme": "light"})


def test_handlers_background_tasks(load_sample: Load):
    mod = load_sample("docs/src/handlers/background.py")
    response = TestClient(mod.app).post("/signup/ada@example.com")
    assert response.json() == {"status": "welcome mail queued"}
    assert mod.OUTBOX == ["ada@example.com"]


def test_handlers_streaming(load_sample: Load):
    mod = load_sample("docs/src/handlers/streaming.py")
    client = TestClient(mod.app)
    logs = client.get("/logs")
    assert logs.headers["content-type"] == "application/jsonl"
    assert logs.text == (
        '{"line":1,"text":"started"}\n{"line":2,"text":"working"}\n{"line":3,"text":"done"}\n'
    )
    clock = client.get("/clock")
    assert clock.headers["content-type"].startswith("text/event-stream")
    assert clock.headers["cache-control"] == "no-cache"
    assert clock.text == (
        ": connected\n\n"
        'data: {"tick":0}\n\n'
        'data: {"tick":1}\n\n'
        'data: {"tick":2}\n\n'
        'event: close\nid: 3\nretry: 5000\ndata: "bye"\n\n'
    )


def test_handlers_jsonable_encoder(load_sample: Load):
    mod = load_sample("docs/src/handlers/jsonable.py")
    assert mod.data == {
        "id": "12345678-1234-5678-1234-567812345678",
        "issued": "2030-01-31T09:30:00",
        "total": 19.9,
        "tags": ["paid"],
    }


def test_handlers_body_size(load_sample: Load):
    mod = load_sample("docs/src/handlers/body_size.py")
    client = TestClient(mod.app)
    assert client.post("/notes", content=b"x" * 1024).json() == 1024
    refused = client.post("/notes", content=b"x" * (64 * 1024 + 1))
    assert refused.status_code == 413
    assert refused.json() == {"detail": "Request body is larger than the limit of 65536 bytes."}
    assert client.post("/photos", content=b"x" * (2 * 1024 * 1024)).json() == 2 * 1024 * 1024


# -- errors -------------------------------------------------------------------------


def test_errors_http_exception(load_sample: Load):
    mod = load_sample("docs/src/errors/http_exception.py")
    client = TestClient(mod.app)
    assert client.get("/items/hammer").json() == {"stock": 12}
    missing = client.get("/items/anvil")
    assert (missing.status_code, missing.json()) == (404, {"detail": "No item named 'anvil'."})
    conflict = client.post("/items/hammer/reserve")
    assert conflict.status_code == 409
    assert conflict.json() == {"detail": {"reason": "out of stock", "item": "hammer"}}
    assert conflict.headers["retry-after"] == "3600"


def test_errors_exception_handlers(load_sample: Load, caplog: pytest.LogCaptureFixture):
    mod = load_sample("docs/src/errors/handlers.py")
    client = TestClient(mod.app)
    with caplog.at_level(logging.INFO, logger="shop"):
        assert client.post("/buy/hammer").json() == {"detail": "hammer is sold out."}
        forbidden = client.post("/buy/gift-card")
        assert forbidden.status_code == 403
        assert forbidden.json() == {"detail": "Gift cards are not for sale."}
        assert client.get("/buy/hammer").status_code == 405
        nope = client.get("/nope")
    assert (nope.status_code, nope.json()) == (404, {"detail": "Nothing here.", "path": "/nope"})
    assert [r.getMessage() for r in caplog.records] == [
        "HTTP 403 on /buy/gift-card",
        "HTTP 405 on /buy/hammer",
    ]


def test_errors_server_errors_leak_nothing(load_sample: Load):
    mod = load_sample("docs/src/errors/server_errors.py")
    response = TestClient(mod.app, raise_server_exceptions=False).get("/report")
    assert (response.status_code, response.json()) == (500, {"detail": "Internal Server Error"})
    assert "hunter2" not in response.text
    with pytest.raises(RuntimeError, match="hunter2"):  # re-raised for the server's log
        TestClient(mod.app).get("/report")


def test_errors_definition_errors_at_build(load_sample: Load):
    mod = load_sample("docs/src/errors/definition.py")
    with pytest.raises(RouteDefinitionError) as info:
        mod.app.build()
    message = str(info.value)
    assert message.startswith("Parameter 'limit' of ")
    assert message.endswith(
        "(GET /items) is not a path parameter; enable the validation plugin to read query "
        "parameters, headers, cookies and bodies: App(plugins=[validation()])."
    )


# -- lifespan -----------------------------------------------------------------------


def test_lifespan_state(load_sample: Load):
    mod = load_sample("docs/src/lifespan/lifespan.py")
    with TestClient(mod.app) as client:
        assert mod.EVENTS == ["connected"]
        assert client.get("/status").json() == {"db": True}
    assert mod.EVENTS == ["connected", "disconnected"]


def test_lifespan_order(load_sample: Load):
    mod = load_sample("docs/src/lifespan/order.py")
    assert mod.app.plugins == ["cache", "jobs"]
    with TestClient(mod.app):
        mod.EVENTS.append("serving")
    assert mod.EVENTS == [
        "lifespan: enter",
        "cache: startup",
        "jobs: startup",
        "serving",
        "jobs: shutdown",
        "cache: shutdown",
        "lifespan: exit",
    ]


def test_lifespan_deprecated_events(load_sample: Load):
    with pytest.warns(DeprecationWarning, match="on_event"):
        mod = load_sample("docs/src/lifespan/events.py")
    with TestClient(mod.app) as client:
        assert client.get("/items/foo").json() == "Fighters"
    assert mod.items == {}


def test_lifespan_failing_startup(load_sample: Load):
    mod = load_sample("docs/src/lifespan/failing.py")
    with pytest.raises(StartupError) as info, TestClient(mod.app):
        pass
    assert str(info.value) == (
        "Plugin 'broker' failed during startup: "
        "ConnectionError: amqp://queue:5672 refused the connection"
    )


# -- Starlette interop --------------------------------------------------------------


def test_starlette_middleware(load_sample: Load):
    mod = load_sample("docs/src/starlette/middleware.py")
    client = TestClient(mod.app)
    report = client.get("/report", headers={"accept-encoding": "gzip"})
    assert report.headers["content-encoding"] == "gzip"
    assert report.headers["server"] == "pegboard"
    assert report.json()["text"].startswith("quarterly numbers")
    assert client.get("/missing").headers["server"] == "pegboard"
    bad_host = TestClient(mod.app, base_url="http://evil.example").get("/report")
    assert bad_host.status_code == 400


def test_starlette_middleware_function(load_sample: Load):
    mod = load_sample("docs/src/starlette/middleware_function.py")
    client = TestClient(mod.app)
    for path in ("/", "/missing"):
        assert float(client.get(path).headers["x-process-time"]) >= 0
    with pytest.raises(ValueError, match="'http'"):
        mod.app.middleware("websocket")


def test_starlette_routes(load_sample: Load):
    mod = load_sample("docs/src/starlette/routes.py")
    client = TestClient(mod.app)
    assert client.get("/legacy/1").text == "legacy 1"
    assert client.get("/old/page/2").text == "legacy 2"
    assert client.get("/new/3").json() == {"new": "3"}
    with client.websocket_connect("/echo") as ws:
        ws.send_text("ping")
        assert ws.receive_text() == "ping"


def test_starlette_mounting(load_sample: Load):
    mod = load_sample("docs/src/starlette/mounting.py")
    client = TestClient(mod.app)
    assert client.get("/v2/whoami").json() == {
        "root_path": "/v2",
        "url": "http://testserver/v2/whoami",
    }
    assert client.get("/legacy/").text == "legacy"


def test_starlette_static_files_and_templates(load_sample: Load):
    pytest.importorskip("jinja2")
    mod = load_sample("docs/src/starlette/static_templates.py")
    client = TestClient(mod.app)
    assert "color: teal" in client.get("/static/site.css").text
    page = client.get("/hello/ada")
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>Hello, ada!</h1>" in page.text
    assert 'href="http://testserver/static/site.css"' in page.text


def test_starlette_root_path(load_sample: Load):
    mod = load_sample("docs/src/starlette/root_path.py")
    client = TestClient(mod.app)
    expected = {"self": "http://testserver/shop/items"}
    assert client.get("/items").json() == expected  # the proxy stripped the prefix
    assert client.get("/shop/items").json() == expected  # or it did not


def test_starlette_state(load_sample: Load):
    mod = load_sample("docs/src/starlette/state.py")
    assert TestClient(mod.app).get("/greet/ada").json() == "Hello, ada!"


def test_starlette_pegboard_inside_starlette(load_sample: Load):
    mod = load_sample("docs/src/starlette/inside_starlette.py")
    with TestClient(mod.app) as client:
        # pegboard's lifespan ran inside Starlette's: routes compiled before any request.
        assert mod.api.routes[0].compiled is not None
        assert client.get("/api/ping").json() == "pong"


# -- CLI ----------------------------------------------------------------------------


@pytest.fixture
def cli_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    directory = ROOT / "docs/src/cli"
    monkeypatch.chdir(directory)
    monkeypatch.delenv("PEGBOARD_APP", raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    sys.modules.pop("main", None)
    yield directory
    sys.modules.pop("main", None)  # the CLI imported docs/src/cli/main.py as "main"


def test_cli_routes_output_matches_the_page(cli_dir: Path, load_sample: Load):
    load_sample("docs/src/cli/main.py")  # the sample imports cleanly on its own too
    result = CliRunner().invoke(cli_module.cli, ["routes", "main.py"])
    assert result.exit_code == 0, result.output
    expected = (cli_dir / "routes.txt").read_text()
    assert result.output == expected
    sys.modules.pop("main", None)
    factory = CliRunner().invoke(cli_module.cli, ["routes", "main:create_app", "--factory"])
    assert factory.output == expected


def test_cli_plugin_commands(load_sample: Load, monkeypatch: pytest.MonkeyPatch):
    tomllib = pytest.importorskip("tomllib")
    mod = load_sample("docs/src/cli/commands.py")
    declared = tomllib.loads((DOCS / "src/cli/commands.toml").read_text())["project"]
    commands = declared["entry-points"]["pegboard.commands"]
    assert commands == {"greet": "pegboard_greeter:greet"}
    fake = {"greet": EntryPoint("greet", f"{mod.__name__}:greet", "pegboard.commands")}
    monkeypatch.setattr(plugin_commands, "installed_commands", lambda: fake)
    result = testing_module.invoke_cli("greet", "ada")
    assert result.exit_code == 0, result.output
    assert result.output == "Hello, ada!\n"
    with pytest.raises(TypeError):
        mod.greeter()  # the factory needs its argument; the command did not


# -- testing ------------------------------------------------------------------------


def test_testing_samples_pass(pytester: pytest.Pytester, load_sample: Load):
    load_sample("docs/src/testing/main.py")
    result = run_sample_tests(
        pytester,
        {
            "main.py": "docs/src/testing/main.py",
            "conftest.py": "docs/src/testing/conftest.py",
            "test_main.py": "docs/src/testing/test_main.py",
        },
    )
    result.assert_outcomes(passed=4)


def test_testing_async_sample_passes(pytester: pytest.Pytester):
    result = run_sample_tests(
        pytester,
        {
            "main.py": "docs/src/testing/main.py",
            "conftest.py": "docs/src/testing/conftest.py",
            "test_async.py": "docs/src/testing/test_async.py",
        },
    )
    result.assert_outcomes(passed=2)


def test_testing_make_app_sample_passes(pytester: pytest.Pytester):
    result = run_sample_tests(pytester, {"test_labels.py": "docs/src/testing/make_app.py"})
    result.assert_outcomes(passed=1)


# -- deployment -----------------------------------------------------------------------


def test_deployment_health_checks(load_sample: Load, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ROOT_PATH", "/shop")
    mod = load_sample("docs/src/deployment/main.py")
    assert mod.app.root_path == "/shop"
    with TestClient(mod.app) as client:
        assert client.get("/health").json() == {"status": "ok"}
        assert client.get("/shop/ready").json() == {"status": "ready"}
        client.app_state["db"].connected = False  # the database went away
        response = client.get("/ready")
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable"}
        assert client.get("/health").status_code == 200  # alive all the same


# -- plugins: concepts and enabling ---------------------------------------------------


def test_plugins_first_party(load_sample: Load):
    try:
        from pegboard_openapi import openapi  # noqa: F401
        from pegboard_validation import validation  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"first-party plugins not importable here: {exc}")
    mod = load_sample("docs/src/plugins/first_party.py")
    assert mod.app.plugins == ["validation", "openapi"]
    assert mod.same.plugins == ["validation", "openapi"]
    assert TestClient(mod.app).get("/items?limit=3").json() == {"limit": 3}


def test_plugins_core_only(load_sample: Load):
    mod = load_sample("docs/src/plugins/core_only.py")
    assert "enable the validation plugin to read query parameters" in mod.message


def test_plugins_requirements(load_sample: Load):
    mod = load_sample("docs/src/plugins/requirements.py")
    assert mod.app.plugins == ["cache", "sessions"]
    assert mod.message == (
        "Plugin 'sessions' requires 'cache', which is not enabled. "
        "Add cache() to App(plugins=[...]), before sessions()."
    )
    with pytest.raises(PluginError, match="both named 'cache'"):
        App(plugins=[mod.Cache(), mod.Cache()])


def test_plugins_route_options(load_sample: Load):
    mod = load_sample("docs/src/plugins/options.py")
    delete_user, health = mod.app.routes
    assert delete_user.info.options["audit_fields"] == ["user", "ip", "name"]
    assert "audit" not in delete_user.info.options
    assert health.info.option("audit") is False
    assert mod.message.startswith(
        "Route GET /x uses option 'audit', which no enabled plugin declares."
    )


def test_plugins_ordering(load_sample: Load):
    mod = load_sample("docs/src/plugins/ordering.py")
    assert mod.CALLS == ["second: configure", "first: configure"]
    with TestClient(mod.app):
        pass
    assert mod.CALLS[2:] == [
        "first: startup",
        "second: startup",
        "second: shutdown",
        "first: shutdown",
    ]


def test_plugins_installed_is_not_enabled():
    # Whatever is installed, a new app enables nothing but the core.
    app = App()
    assert app.plugins == []
    assert [name for name, _ in app.plugin_manager.list_name_plugin()] == list(
        plugins_module.DEFAULT_PLUGINS
    )


# -- plugins: writing one -----------------------------------------------------------


def test_writing_requestid_app(writing_dir: Path, load_sample: Load):
    mod = load_sample("docs/src/writing/app.py")
    client = TestClient(mod.app)
    order = client.get("/orders/7")
    assert order.json() == {"order": 7, "request_id": order.headers["x-request-id"]}
    assert re.fullmatch(r"[0-9a-f]{32}", order.headers["x-request-id"])
    kept = client.get("/orders/7", headers={"X-Request-ID": "trace-42"})
    assert kept.json()["request_id"] == "trace-42"
    assert kept.headers["x-request-id"] == "trace-42"
    assert client.get("/missing").headers["x-request-id"]

    refused = client.post("/internal/sync")
    assert refused.status_code == 422
    assert refused.json() == {
        "detail": [
            {
                "type": "missing",
                "loc": ["header", "x-request-id"],
                "msg": "Field required",
                "input": None,
            }
        ]
    }
    assert refused.headers["x-request-id"]
    bad = client.post("/internal/sync", headers={"X-Request-ID": "a b"})
    assert bad.json()["detail"][0]["type"] == "string_pattern_mismatch"
    ok = client.post("/internal/sync", headers={"X-Request-ID": "job-1"})
    assert ok.json() == {"synced": True}


def test_writing_requestid_describes_itself(writing_dir: Path, load_sample: Load):
    mod = load_sample("docs/src/writing/app.py")
    mod.app.build()
    order, sync = mod.app.routes
    assert order.compiled.arguments["request_id"].label == "request id"
    assert order.compiled.guards == ()
    (described,) = [d for d in sync.compiled.descriptions if isinstance(d, ParameterDescription)]
    assert (described.name, described.location, described.required) == (
        "X-Request-ID",
        "header",
        True,
    )
    assert described.schema is not None
    assert described.schema.schema["pattern"] == "^[A-Za-z0-9._:-]{1,128}$"


def test_writing_requestid_per_app_state(writing_dir: Path, load_sample: Load):
    plugin_mod = load_sample("docs/src/writing/pegboard_requestid.py")
    plugin = plugin_mod.requestid(header="X-Trace")
    first, second = App(plugins=[plugin]), App(plugins=[plugin])
    assert first.stash[plugin_mod.SETTINGS].header == "X-Trace"
    assert first.stash[plugin_mod.SETTINGS] is not second.stash[plugin_mod.SETTINGS]


def test_writing_unknown_marker_parameter_without_the_plugin(writing_dir: Path):
    from pegboard_requestid import RequestId

    app = App()

    @app.get("/")
    async def home(request_id: str = RequestId()) -> str:  # a marker as default works too
        return request_id

    with pytest.raises(RouteDefinitionError, match=r"uses RequestId\(\)"):
        app.build()


def test_writing_sequential_ids(writing_dir: Path, load_sample: Load):
    from pegboard_requestid import requestid

    mod = load_sample("docs/src/writing/sequential_ids.py")
    app = App(plugins=[requestid(), mod.SequentialIds()])
    client = TestClient(app)
    assert client.get("/a").headers["x-request-id"] == "req-1"
    assert client.get("/b").headers["x-request-id"] == "req-2"
    # optionalhook: fine in an app where nobody defines the hook.
    assert App(plugins=[mod.SequentialIds()]).plugins == ["sequential-ids"]


def test_writing_sample_tests_pass(
    pytester: pytest.Pytester, loadable_plugins: dict[str, EntryPoint]
):
    result = run_sample_tests(
        pytester,
        {
            "pegboard_requestid.py": "docs/src/writing/pegboard_requestid.py",
            "test_requestid.py": "docs/src/writing/test_requestid.py",
        },
    )
    result.assert_outcomes(passed=5)


def test_writing_entry_point(writing_dir: Path, monkeypatch: pytest.MonkeyPatch):
    tomllib = pytest.importorskip("tomllib")
    project = tomllib.loads((writing_dir / "pyproject.toml").read_text())
    ((name, value),) = project["project"]["entry-points"]["pegboard.plugins"].items()
    assert (name, value) == ("requestid", "pegboard_requestid:requestid")
    fake = {name: EntryPoint(name, value, "pegboard.plugins")}
    monkeypatch.setattr(plugins_module, "installed_plugins", lambda: fake)
    assert App(plugins=["requestid"]).plugins == ["requestid"]


def test_writing_csv_encoder(load_sample: Load):
    mod = load_sample("docs/src/writing/csv_responses.py")
    response = TestClient(mod.app).get("/scores")
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.splitlines() == ["name,score", "ada,3", "grace,5"]
    (described,) = mod.app.routes[0].compiled.descriptions
    assert isinstance(described, ResponseDescription)
    assert list(described.content) == ["text/csv"]

    class Shouting:  # enabled later, so asked before csv were it not for tryfirst
        plugin_info = PluginInfo(name="shouting")

        @hookimpl
        def pegboard_encode_response(self, app: Any, route: Any) -> Encoder:
            return Encoder(lambda value: PlainTextResponse(str(value).upper()))

    app = App(plugins=[mod.CsvResponses(), Shouting()])
    app.add_api_route("/rows", mod.scores, csv=True)
    app.add_api_route("/plain", mod.scores)
    client = TestClient(app)
    assert client.get("/rows").text.startswith("name,score")
    assert client.get("/plain").text.startswith("[{'NAME'")


def test_writing_metrics_plugin_records_what_clients_get(writing_dir: Path, load_sample: Load):
    pytest.importorskip("pydantic")
    mod = load_sample("docs/src/writing/metrics_app.py")
    load_sample("docs/src/writing/pegboard_metrics.py")  # shown on the page too
    client = TestClient(mod.app, raise_server_exceptions=False)
    sent = [
        client.get("/items/1").status_code,
        client.get("/items/2").status_code,
        client.post("/items", json={"name": "pen"}).status_code,
        client.get("/items/0").status_code,
        client.get("/items/abc").status_code,
        client.post("/items", json={}).status_code,
        client.get("/items/13").status_code,
        client.get("/health").status_code,
    ]
    assert sent == [200, 200, 201, 404, 422, 422, 500, 200]
    assert mod.measured.responses == {
        ("GET", "/items/{item_id}", 200): 2,
        ("POST", "/items", 201): 1,
        ("GET", "/items/{item_id}", 404): 1,
        ("GET", "/items/{item_id}", 422): 1,
        ("POST", "/items", 422): 1,
        ("GET", "/items/{item_id}", 500): 1,
    }
    assert set(mod.measured.seconds) == {"/items/{item_id}", "/items"}
    assert all(seconds > 0 for seconds in mod.measured.seconds.values())


def test_writing_metrics_plugin_adds_nothing_to_other_routes(writing_dir: Path, load_sample: Load):
    pytest.importorskip("pydantic")
    mod = load_sample("docs/src/writing/metrics_app.py")
    with TestClient(mod.app):
        routes = {r.path: r for r in mod.app.routes}
        health = routes["/health"]
        assert health.compiled.observers == ()
        assert health.app is health.compiled.app
        assert "observed" not in health.app.__qualname__
        assert routes["/items"].compiled.observers != ()


def test_writing_session_commits_before_the_response(writing_dir: Path, load_sample: Load):
    pytest.importorskip("sqlalchemy")
    pytest.importorskip("aiosqlite")
    load_sample("docs/src/writing/pegboard_dbsession.py")
    mod = load_sample("docs/src/writing/dbsession_app.py")
    with TestClient(mod.app, raise_server_exceptions=False) as client:
        assert client.post("/authors/ann").json() == {"id": 1, "name": "ann"}
        ok = client.post("/authors/1/books/Dune")
        assert (ok.status_code, ok.json()) == (200, {"title": "Dune", "author_id": 1})
        failed = client.post("/authors/99/books/Ghost")  # the commit fails: no author 99
        assert failed.status_code == 500
        assert client.get("/books").json() == ["Dune"]


def test_writing_session_with_request_scope_would_answer_200_for_a_failed_commit(
    writing_dir: Path, load_sample: Load
):
    """Why the sample uses scope="function": the default tears down after sending."""
    pytest.importorskip("sqlalchemy")
    pytest.importorskip("aiosqlite")
    mod = load_sample("docs/src/writing/dbsession_app.py")
    app = App(plugins=[mod.di(), mod.db], lifespan=mod.lifespan)

    async def add_book(
        author_id: int, title: str, session: Any = mod.Depends(mod.db.session)
    ) -> str:
        session.add(mod.Book(title=title, author_id=author_id))
        return title

    app.add_api_route("/authors/{author_id:int}/books/{title}", add_book, methods=["POST"])
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.post("/authors/99/books/Ghost").status_code == 200


def test_writing_route_middleware(load_sample: Load):
    mod = load_sample("docs/src/writing/timing.py")
    client = TestClient(mod.app)
    assert re.fullmatch(r"search;dur=\d+\.\d", client.get("/search").headers["server-timing"])
    assert "server-timing" not in client.get("/health").headers


# -- hook reference and FastAPI page ------------------------------------------------


def test_hook_reference_lists_every_core_hook():
    from pegboard import hookspecs

    page = (DOCS / "plugins/hooks.md").read_text()
    assert "::: pegboard.hookspecs" in page
    for name in hookspecs.__all__:
        if name.startswith("pegboard_"):
            assert f"`{name}`" in page, f"{name} is missing from the table of hooks"


def test_handlers_background_of_a_returned_response_runs_first():
    done: list[str] = []
    app = App()

    @app.get("/")
    async def handler(tasks: BackgroundTasks) -> PlainTextResponse:
        tasks.add_task(done.append, "parameter")
        return PlainTextResponse("x", background=BackgroundTask(done.append, "response"))

    assert TestClient(app).get("/").text == "x"
    assert done == ["response", "parameter"]


def test_handlers_jsonable_encoder_other_objects():
    class Point:
        def __init__(self) -> None:
            self.x, self.y = 1, 2

    assert jsonable_encoder(Point()) == {"x": 1, "y": 2}
    assert jsonable_encoder(float("nan")) is None
    with pytest.raises(TypeError, match="not JSON serializable"):
        jsonable_encoder(object())


def test_fastapi_ported_app(load_sample: Load):
    mod = load_sample("docs/src/fastapi/ported.py")
    client = TestClient(mod.app, follow_redirects=False)
    item = client.get("/items/1")
    assert item.json() == {"name": "hammer", "added": "2030-01-01"}
    assert item.headers["cache-control"] == "max-age=60"
    audit = mod.AUDIT
    assert audit == [{"read": 1, "at": mod.datetime.date.today().isoformat()}]
    missing = client.get("/items/2")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Item not found"})
    assert missing.headers["x-error"] == "missing"
    assert client.get("/items/1/").status_code == 404  # redirect_slashes=False
    feed = client.get("/items/feed")
    assert feed.headers["content-type"].startswith("text/event-stream")
    assert feed.text == 'data: {"id":1,"name":"hammer","added":"2030-01-01"}\n\n'


def test_fastapi_port_worked_example_is_what_the_porter_writes():
    pytest.importorskip("libcst")
    pytest.importorskip("pegboard_validation")
    import types

    from pegboard.porting import port_source

    before = (ROOT / "docs/src/fastapi/port_before.py").read_text()
    after = (ROOT / "docs/src/fastapi/port_after.py").read_text()
    title = "# The same service after `pegboard port`: only the imports and App(...) changed.\n"
    assert port_source(before).split("\n", 1)[1] == after.removeprefix(title)
    module = types.ModuleType("port_after")
    exec(compile(after, "port_after.py", "exec"), module.__dict__)
    with TestClient(module.app) as client:
        assert client.get("/items/1").json() == {"name": "hammer", "price": 9.5}
        assert client.get("/items/2").status_code == 404
        assert client.post("/items/2", json={"name": "saw", "price": 3}).status_code == 401
        created = client.post(
            "/items/2", json={"name": "saw", "price": 3}, headers={"Authorization": "Bearer t"}
        )
        assert (created.status_code, created.json()) == (201, {"name": "saw", "price": 3.0})
        assert client.get("/openapi.json").json()["info"] == {"title": "Shop", "version": "2.0"}
        assert client.get("/docs").status_code == 200
        assert client.get("/redoc").status_code == 404


def test_fastapi_routes_added_to_an_included_router_are_not_in_the_app():
    from pegboard import Router

    router = Router(prefix="/r")
    app = App()
    app.include_router(router)

    @router.get("/late")
    async def late() -> str:
        return "late"

    assert TestClient(app).get("/r/late").status_code == 404


def test_errors_exception_handler_for_unhandled_errors():
    async def crash(request: Any, exc: Exception) -> PlainTextResponse:
        return PlainTextResponse("we are on it", status_code=500)

    app = App(exception_handlers={Exception: crash})

    @app.get("/")
    async def boom() -> None:
        raise ValueError

    response = TestClient(app, raise_server_exceptions=False).get("/")
    assert (response.status_code, response.text) == (500, "we are on it")


def test_quickstart_with_plugins(load_sample: Load):
    # The quickstart's last step enables plugins; pydantic is absent from .venv-core.
    pytest.importorskip("pydantic")
    app = load_sample("docs/src/quickstart/with_plugins.py").app
    with TestClient(app) as client:
        created = client.post("/users", json={"name": "Ada", "email": "ada@example.com"})
        assert created.status_code == 201
        assert created.json() == {"id": 1, "name": "Ada"}
        assert client.get("/users").json() == [{"id": 1, "name": "Ada"}]
        assert client.get("/users/1").json() == {"id": 1, "name": "Ada"}
        assert client.get("/users/2").status_code == 404
        assert client.get("/users/0").status_code == 422
        refused = client.get("/users?limit=0")
        assert refused.status_code == 422
        assert refused.json()["detail"][0]["loc"] == ["query", "limit"]
        assert client.post("/users", json={"name": ""}).status_code == 422
        assert client.get("/docs").status_code == 200
        document = client.get("/openapi.json").json()
    assert set(document["paths"]) == {"/users", "/users/{user_id}"}
