from __future__ import annotations

import sys
import textwrap
from importlib.metadata import EntryPoint
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pegboard import plugins as plugins_module
from pegboard.cli import cli, find_app
from pegboard.cli import listing as listing_module
from pegboard.cli.listing import table

APP_SOURCE = textwrap.dedent(
    """
    from pegboard import App, Router, Request
    from starlette.routing import Route, Mount

    async def raw(request):
        from starlette.responses import PlainTextResponse
        return PlainTextResponse("raw")

    app = App(routes=[Route("/raw", raw), Mount("/static", routes=[])])
    users = Router(prefix="/users", tags=["users"])

    @users.get("/{user_id:int}", name="read_user")
    async def read_user(user_id: int, request: Request):
        return {"id": user_id}

    app.include_router(users)

    def make():
        return app
    """
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PEGBOARD_APP", raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    for name in ("main", "app", "service"):
        sys.modules.pop(name, None)
    return tmp_path


def test_find_app_forms(project: Path):
    (project / "main.py").write_text(APP_SOURCE)
    assert find_app(None) == ("main:app", str(project))
    assert find_app("main.py:make") == ("main:make", str(project))
    assert find_app("pkg.module") == ("pkg.module:app", str(project))
    (project / "sub").mkdir()
    (project / "sub" / "service.py").write_text(APP_SOURCE)
    assert find_app("sub/service.py") == ("service:app", str(project / "sub"))


def test_find_app_prefers_the_environment_variable(project: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("PEGBOARD_APP", "service:app")
    assert find_app(None) == ("service:app", str(project))


def test_find_app_without_candidates_explains(project: Path):
    with pytest.raises(click.UsageError, match=r"no main\.py or app\.py"):
        find_app(None)
    with pytest.raises(click.UsageError, match="No such file"):
        find_app("missing.py")


def test_routes_command_lists_routes_with_params_and_options(project: Path):
    (project / "app.py").write_text(APP_SOURCE)
    result = CliRunner().invoke(cli, ["routes"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["METHOD", "PATH", "NAME", "HANDLER", "PARAMS", "OPTIONS"]
    assert "/users/{user_id:int}" in result.output
    assert "user_id:path request:Request" in result.output
    assert "tags=[users]" in result.output
    assert "(starlette route)" in result.output
    assert "MOUNT" in result.output


def test_routes_command_with_factory_and_bad_targets(project: Path):
    (project / "service.py").write_text(APP_SOURCE)
    assert CliRunner().invoke(cli, ["routes", "service:make", "--factory"]).exit_code == 0
    bad_module = CliRunner().invoke(cli, ["routes", "nosuchmodule:app"])
    assert bad_module.exit_code == 2
    assert "Cannot import 'nosuchmodule'" in bad_module.output
    bad_attr = CliRunner().invoke(cli, ["routes", "service:nothing"])
    assert "has no attribute 'nothing'" in bad_attr.output
    (project / "other.py").write_text("app = object()\n")
    assert "Expected a pegboard App" in CliRunner().invoke(cli, ["routes", "other.py"]).output


def test_plugins_command(project: Path, monkeypatch: pytest.MonkeyPatch):
    fake = {
        "tagger": EntryPoint("tagger", "tests.core.sample_plugins:tagger", "pegboard.plugins"),
        "broken": EntryPoint("broken", "no_such_module_xyz:plugin", "pegboard.plugins"),
    }
    monkeypatch.setattr(plugins_module, "installed_plugins", lambda: fake)
    monkeypatch.setattr(listing_module, "installed_plugins", lambda: fake)
    (project / "app.py").write_text("from pegboard import App\napp = App(plugins=['tagger'])\n")
    result = CliRunner().invoke(cli, ["plugins", "app.py"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line for line in result.output.splitlines()[2:] if line[0] != " "}
    assert rows["tagger"].split()[:5] == [
        "tagger",
        "1.2",
        "yes",
        "flavour",
        "tests.core.sample_plugins:tagger",
    ]
    assert "failed to load: ModuleNotFoundError" in rows["broken"]
    # Without APP, app.py is found as by the other commands.
    found = CliRunner().invoke(cli, ["plugins"])
    assert found.output == result.output
    (project / "app.py").unlink()
    listing = CliRunner().invoke(cli, ["plugins"])
    assert listing.exit_code == 0, listing.output
    assert listing.output.splitlines()[2].split()[:3] == ["broken", "?", "-"]


def test_plugins_command_fits_100_columns(project: Path):
    (project / "app.py").write_text(
        "from pegboard import App\napp = App(plugins=['validation', 'openapi'])\n"
    )
    pytest.importorskip("pydantic")
    result = CliRunner().invoke(cli, ["plugins"])
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 100
    # The route options that did not fit go on indented lines of their own.
    assert "response_model" in result.output


def test_table_wraps_one_column():
    rows = [["A", "B", "C"], ["x", "one two three four five six seven", "end"]]
    assert table(rows, width=28, wrap=1).splitlines() == [
        "A  B                     C",
        "-  --------------------  ---",
        "x  one two three four    end",
        "   five six seven",
    ]


def test_version(capsys: pytest.CaptureFixture[str]):
    result = CliRunner().invoke(cli, ["--version"])
    assert result.output.startswith("pegboard, version")
