"""``pegboard run`` and ``pegboard dev``: what each server is given, and the errors."""

from __future__ import annotations

import socket
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from pegboard.cli import cli
from pegboard.cli import serve as serve_module
from pegboard.cli import servers as servers_module
from pegboard.cli.servers import ServerSettings

APP = textwrap.dedent(
    """
    from pegboard import App

    app = App(max_body_size=64 * 1024)

    @app.get("/")
    async def home():
        return {"ok": True}

    def make():
        return app
    """
)

SYNTAX_ERROR = "from pegboard import App\n\ndef broken(:\n    pass\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PEGBOARD_APP", raising=False)
    monkeypatch.delenv("PEGBOARD_TRACEBACK", raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    for name in ("main", "app", "service", "broken", "raising"):
        sys.modules.pop(name, None)
    (tmp_path / "main.py").write_text(APP)
    return tmp_path


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """What ``serve`` was asked to do, instead of serving."""
    calls: list[dict[str, Any]] = []

    def record(settings: ServerSettings, import_string: str, app_dir: str, app: Any) -> None:
        calls.append(
            {"settings": settings, "import_string": import_string, "app_dir": app_dir, "app": app}
        )

    monkeypatch.setattr(serve_module, "serve", record)
    monkeypatch.setattr(serve_module, "require_server", lambda name: None)
    return calls


def test_run_defaults_and_options(project: Path, served: list[dict[str, Any]]):
    runner = CliRunner()
    assert runner.invoke(cli, ["run", "--port", "9001"]).exit_code == 0
    call = served[0]
    assert call["import_string"] == "main:app"
    assert call["app_dir"] == str(project)
    settings = call["settings"]
    assert (settings.server, settings.host, settings.port) == ("uvicorn", "127.0.0.1", 9001)
    # The WebSocket limit follows the app's body limit unless given.
    assert settings.ws_max_size == 64 * 1024
    args = ["run", "--server", "granian", "--workers", "2", "--header-timeout", "2.5"]
    args += ["--keep-alive", "3", "--max-header-size", "8192", "--max-connections", "50"]
    args += ["--ws-max-size", "1000", "--http", "httptools", "--root-path", "/api"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    settings = served[1]["settings"]
    assert settings == ServerSettings(
        server="granian",
        workers=2,
        root_path="/api",
        http="httptools",
        header_timeout=2.5,
        keep_alive_timeout=3,
        max_header_size=8192,
        max_connections=50,
        ws_max_size=1000,
    )
    assert runner.invoke(cli, ["run", "--reload", "--workers", "2"]).exit_code == 2
    assert runner.invoke(cli, ["run", "--header-timeout", "0"]).exit_code == 2


def test_dev_reloads_with_debug_logging(project: Path, served: list[dict[str, Any]]):
    assert CliRunner().invoke(cli, ["dev", "--server", "granian"]).exit_code == 0
    settings = served[0]["settings"]
    assert settings.reload is True
    assert settings.log_level == "debug"
    assert settings.app_log_level == "debug"
    assert settings.server == "granian"


def test_uvicorn_gets_the_limits(project: Path, monkeypatch: pytest.MonkeyPatch):
    uvicorn = pytest.importorskip("uvicorn")  # the server extra; absent from .venv-core
    calls: list[tuple[Any, dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append((app, kw)))
    monkeypatch.setattr(
        servers_module, "_serve_uvicorn_workers", lambda app, **kw: calls.append((app, kw))
    )
    runner = CliRunner()
    assert runner.invoke(cli, ["run", "--max-header-size", "4096"]).exit_code == 0
    assert runner.invoke(cli, ["run", "--workers", "2"]).exit_code == 0
    assert runner.invoke(cli, ["run", "service.py:make", "--factory"]).exit_code == 2
    (project / "service.py").write_text(APP)
    assert runner.invoke(cli, ["run", "service.py:make", "--factory", "--reload"]).exit_code == 0
    served_app, options = calls[0]
    # A single process serves the app imported (and checked) by the command itself.
    from main import app

    assert served_app is app
    assert options["factory"] is False
    assert options["http"] == "h11"
    assert options["h11_max_incomplete_event_size"] == 4096
    assert options["timeout_keep_alive"] == 5
    assert options["limit_concurrency"] == 1000
    assert options["ws_max_size"] == 64 * 1024
    workers_app, workers_options = calls[1]
    assert workers_app == "main:app"
    assert workers_options["workers"] == 2
    assert workers_options["app_dir"] == str(project)
    reload_app, reload_options = calls[2]
    assert reload_app == "service:make"
    assert reload_options["factory"] is True
    assert reload_options["reload"] is True


def test_granian_gets_the_limits(project: Path, monkeypatch: pytest.MonkeyPatch):
    granian = pytest.importorskip("granian")  # the granian extra
    created: list[tuple[str, dict[str, Any]]] = []

    class Recorder:
        def __init__(self, target: str, **options: Any) -> None:
            created.append((target, options))

        def serve(self) -> None:
            pass

    monkeypatch.setattr(granian, "Granian", Recorder)
    args = ["run", "--server", "granian", "--header-timeout", "2", "--max-header-size", "4096"]
    result = CliRunner().invoke(cli, [*args, "--root-path", "/api", "--max-connections", "7"])
    assert result.exit_code == 0, result.output
    target, options = created[0]
    assert target == f"{project / 'main'}:app"
    assert options["interface"].value == "asgi"
    assert options["http1_settings"].header_read_timeout == 2000
    # hyper's read buffer has a floor of 8 KiB; the head must fit in it.
    assert options["http1_settings"].max_buffer_size == 8192
    assert options["http2_settings"].max_headers_size == 4096
    assert options["backpressure"] == 7
    assert options["url_path_prefix"] == "/api"
    assert options["working_dir"] == project


LOGGING_APP = textwrap.dedent(
    """
    from pegboard import ACCESS_LOG, App, PluginInfo, hookimpl

    class AccessLogger:
        plugin_info = PluginInfo(name="access-logger")

        @hookimpl
        def pegboard_configure(self, app):
            app.stash[ACCESS_LOG] = "access-logger"

    app = App(plugins=[AccessLogger()])
    """
)


def test_the_servers_access_log_is_off_when_a_plugin_writes_one(
    project: Path, served: list[dict[str, Any]]
):
    runner = CliRunner()
    assert runner.invoke(cli, ["run"]).exit_code == 0
    assert served[-1]["settings"].access_log is None  # the server's own default
    assert runner.invoke(cli, ["run", "--no-access-log"]).exit_code == 0
    assert served[-1]["settings"].access_log is False
    (project / "logged.py").write_text(LOGGING_APP)
    assert runner.invoke(cli, ["run", "logged.py"]).exit_code == 0
    assert served[-1]["settings"].access_log is False
    assert runner.invoke(cli, ["dev", "logged.py"]).exit_code == 0
    assert served[-1]["settings"].access_log is False
    # Asking for it explicitly still wins.
    assert runner.invoke(cli, ["run", "logged.py", "--access-log"]).exit_code == 0
    assert served[-1]["settings"].access_log is True


def test_each_server_is_told_about_the_access_log():
    off = ServerSettings(access_log=False)
    assert servers_module.uvicorn_options(off)["access_log"] is False
    assert "access_log" not in servers_module.uvicorn_options(ServerSettings())
    pytest.importorskip("granian")
    assert servers_module.granian_options(off, ".")["log_access"] is False
    assert "log_access" not in servers_module.granian_options(ServerSettings(), ".")


@pytest.mark.parametrize(("server", "extra"), [("uvicorn", "server"), ("granian", "granian")])
def test_a_missing_server_names_its_extra(
    project: Path, monkeypatch: pytest.MonkeyPatch, server: str, extra: str
):
    monkeypatch.setitem(sys.modules, server, None)
    result = CliRunner().invoke(cli, ["run", "--server", server])
    assert result.exit_code == 1
    assert f"pip install 'pegboard[{extra}]'" in result.output


@pytest.mark.parametrize("command", ["run", "routes", "plugins", "dev"])
def test_a_syntax_error_shows_file_line_and_message(
    project: Path, served: list[dict[str, Any]], command: str
):
    (project / "broken.py").write_text(SYNTAX_ERROR)
    result = CliRunner().invoke(cli, [command, "broken.py"])
    assert result.exit_code == 1
    assert f'File "{project / "broken.py"}", line 3' in result.output
    assert "SyntaxError: invalid syntax" in result.output
    assert "Traceback" not in result.output
    assert "--traceback" in result.output
    assert len(result.output.splitlines()) <= 8
    assert served == []
    full = CliRunner().invoke(cli, [command, "broken.py", "--traceback"])
    assert full.exit_code == 1
    assert "Traceback (most recent call last)" in full.output
    assert "importlib" in full.output


def test_an_exception_at_import_shows_where(project: Path):
    (project / "raising.py").write_text(
        "from pegboard import App\n\napp = App(plugins=['no-such-plugin'])\n"
    )
    result = CliRunner().invoke(cli, ["routes", "raising.py"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "Error: Cannot import 'raising':"
    assert f'File "{project / "raising.py"}", line 3, in <module>' in lines[1]
    assert lines[3].startswith("PluginError: No installed plugin is named 'no-such-plugin'")
    assert result.output.count("Error:") == 1 + lines[3].count("Error:")


def test_run_reports_a_bad_module_in_pegboards_words(project: Path, served: list[dict[str, Any]]):
    result = CliRunner().invoke(cli, ["run", "nosuchmodule:app"])
    assert result.exit_code == 2
    assert "Error: Cannot import 'nosuchmodule'" in result.output
    assert "ASGI app" not in result.output
    routes = CliRunner().invoke(cli, ["routes", "nosuchmodule:app"])
    assert routes.output.splitlines()[-1] == result.output.splitlines()[-1]
    missing_attr = CliRunner().invoke(cli, ["run", "main:nothing"])
    assert "Module 'main' has no attribute 'nothing'." in missing_attr.output
    assert served == []


def test_a_port_in_use_fails_before_the_app_starts(project: Path, served: list[dict[str, Any]]):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["run", "--port", str(port)])
    assert result.exit_code == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in result.output
    assert f"--port {port + 1}" in result.output
    assert served == []


def test_the_banner_shows_on_a_terminal_only(
    project: Path, served: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
):
    (project / "docs_app.py").write_text(
        "from pegboard import App\nfrom starlette.routing import Route\n"
        "async def page(request): ...\n"
        "app = App(routes=[Route('/openapi.json', page, name='openapi'),"
        " Route('/docs', page, name='swagger_html')])\n"
    )
    plain = CliRunner().invoke(cli, ["run", "docs_app.py", "--port", "8123"])
    assert "serving" not in plain.output
    monkeypatch.setattr(serve_module, "is_terminal", lambda: True)
    shown = CliRunner().invoke(cli, ["run", "docs_app.py", "--port", "8123"])
    assert shown.output.splitlines() == [
        "pegboard: serving docs_app:app at http://127.0.0.1:8123 (uvicorn)",
        "          docs: http://127.0.0.1:8123/openapi.json  http://127.0.0.1:8123/docs",
    ]
    workers = CliRunner().invoke(cli, ["run", "--workers", "3", "--server", "granian"])
    assert (
        workers.output
        == "pegboard: serving main:app at http://127.0.0.1:8000 (granian, 3 workers)\n"
    )
