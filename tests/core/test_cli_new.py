"""``pegboard new project|plugin`` and the template lookup behind it (pegboard.scaffold).

What the templates generate, and whether it works, is tested end to end in
tests/e2e/test_templates.py; here, the command line and finding the templates.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pegboard import scaffold
from pegboard._version import __version__
from pegboard.cli import cli
from pegboard.scaffold import TemplateError, default_context, generate, template_dir

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cookiecutter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """cookiecutter, with its replay files and caches kept out of the user's home."""
    pytest.importorskip("cookiecutter.main", reason="needs pegboard[new]")
    config = tmp_path / "cookiecutter.yaml"
    config.write_text(f"cookiecutters_dir: {tmp_path / 'cc'}\nreplay_dir: {tmp_path / 'replay'}\n")
    monkeypatch.setenv("COOKIECUTTER_CONFIG", str(config))


def test_new_lists_both_templates():
    result = CliRunner().invoke(cli, ["new", "--help"])
    assert result.exit_code == 0
    assert "project" in result.output
    assert "plugin" in result.output
    options = CliRunner().invoke(cli, ["new", "project", "--help"]).output
    for option in ("--output-dir", "-o", "--no-input", "--extra-context", "--overwrite"):
        assert option in options


@pytest.mark.usefixtures("cookiecutter")
def test_new_project_without_prompts(tmp_path: Path):
    out = tmp_path / "out"
    args = ["new", "project", "--no-input", "-o", str(out), "--extra-context", "project_name=Shop"]
    result = CliRunner().invoke(cli, [*args, "--extra-context", "docs_ui=no"])
    assert result.exit_code == 0, result.output
    assert result.output == f"Created {out / 'shop'}\n"
    app = (out / "shop" / "src" / "shop" / "app.py").read_text()
    assert "validation()" in app
    assert "swagger_ui" not in app
    pyproject = (out / "shop" / "pyproject.toml").read_text()
    # The defaults: a SQLite database, with the users' login (security, jwt).
    assert f'"pegboard[server,validation,di,security,jwt,openapi]>={__version__}"' in pyproject
    assert '"aiosqlite>=' in pyproject
    assert (out / "shop" / "migrations" / "env.py").is_file()


@pytest.mark.usefixtures("cookiecutter")
def test_a_database_needs_its_plugins(tmp_path: Path, capfd: pytest.CaptureFixture[str]):
    args = ["new", "project", "--no-input", "-o", str(tmp_path), "--extra-context", "security=no"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 1
    assert "database=sqlite needs security" in capfd.readouterr().err
    again = CliRunner().invoke(cli, [*args, "--extra-context", "database=none"])
    assert again.exit_code == 0, again.output
    assert not (tmp_path / "my-service" / "migrations").exists()


@pytest.mark.usefixtures("cookiecutter")
def test_new_plugin_prompts_for_what_is_not_given(tmp_path: Path):
    # Answers come on standard input; the name is given, so its default is "ratelimit".
    answers = "\n" * 5
    args = ["new", "plugin", "-o", str(tmp_path), "--extra-context", "plugin_name=ratelimit"]
    result = CliRunner().invoke(cli, args, input=answers)
    assert result.exit_code == 0, result.output
    assert "Plugin name" in result.output
    package = tmp_path / "pegboard-ratelimit" / "src" / "pegboard_ratelimit"
    assert (package / "plugin.py").is_file()


@pytest.mark.usefixtures("cookiecutter")
def test_a_refused_combination_is_a_clear_error(tmp_path: Path, capfd: pytest.CaptureFixture[str]):
    out = tmp_path / "out"
    args = ["new", "project", "--no-input", "-o", str(out), "--extra-context", "di=no"]
    result = CliRunner().invoke(cli, [*args, "--extra-context", "security=yes"])
    assert result.exit_code == 1
    assert "refused" in result.output
    # The template's own check explains, on standard error, what to answer instead.
    assert "security needs di" in capfd.readouterr().err
    assert list(out.iterdir()) == []  # nothing half-written


@pytest.mark.usefixtures("cookiecutter")
def test_an_existing_folder_is_not_overwritten_unless_asked(tmp_path: Path):
    args = ["new", "plugin", "--no-input", "-o", str(tmp_path)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    marker = tmp_path / "pegboard-hello" / "mine.txt"
    marker.write_text("keep")
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 1
    assert "already exists" in again.output
    # One clean message: cookiecutter's own "Error: " prefix is not repeated.
    folder = tmp_path / "pegboard-hello"
    assert again.output.startswith(f'Error: "{folder}" directory already exists.')
    assert again.output.count("Error") == 1
    assert CliRunner().invoke(cli, [*args, "--overwrite"]).exit_code == 0
    assert marker.read_text() == "keep"


@pytest.mark.usefixtures("cookiecutter")
def test_answers_that_do_not_fit_the_prompt(tmp_path: Path):
    args = ["new", "project", "--no-input", "-o", str(tmp_path)]
    result = CliRunner().invoke(cli, [*args, "--extra-context", "python_version=2.7"])
    assert result.exit_code == 1
    assert "Cannot generate the project" in result.output
    assert "2.7" in result.output


def test_extra_context_must_be_key_value(tmp_path: Path):
    args = ["new", "project", "-o", str(tmp_path), "--extra-context", "no-equals-sign"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "expected KEY=VALUE" in result.output


def test_without_cookiecutter_the_error_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setitem(sys.modules, "cookiecutter", None)  # as if not installed
    monkeypatch.setitem(sys.modules, "cookiecutter.main", None)
    monkeypatch.setitem(sys.modules, "cookiecutter.exceptions", None)
    result = CliRunner().invoke(cli, ["new", "project", "--no-input", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "pip install 'pegboard[new]'" in result.output
    with pytest.raises(TemplateError, match=r"pegboard\[new\]"):
        generate("plugin", tmp_path)


def test_templates_are_found_in_the_checkout():
    assert template_dir("project") == ROOT / "cookiecutter" / "project"
    assert template_dir("plugin") == ROOT / "cookiecutter" / "plugin"
    with pytest.raises(TemplateError, match="pegboard has project, plugin"):
        template_dir("app")


def test_templates_shipped_in_the_package_come_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # An installed wheel has core/pegboard's files and the templates side by side.
    package = tmp_path / "site-packages" / "pegboard"
    (package / "_templates" / "plugin").mkdir(parents=True)
    (package / "_templates" / "plugin" / "cookiecutter.json").write_text("{}")
    monkeypatch.setattr(scaffold, "_PACKAGE", package)
    assert template_dir("plugin") == package / "_templates" / "plugin"
    with pytest.raises(TemplateError, match=r"template is missing .* Reinstall pegboard"):
        template_dir("project")


def test_default_answers(monkeypatch: pytest.MonkeyPatch):
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert default_context("plugin") == {"_pegboard_version": __version__}
    project = default_context("project")
    assert project["_pegboard_version"] == __version__
    if python in ("3.10", "3.11", "3.12", "3.13"):
        assert project["python_version"] == python
    monkeypatch.setattr(sys, "version_info", (3, 99, 0))
    assert "python_version" not in default_context("project")


@pytest.mark.usefixtures("cookiecutter")
def test_generating_leaves_nothing_in_the_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    # cookiecutter writes each hook script to a temporary file it does not delete.
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(scratch))
    generate("project", tmp_path / "out", no_input=True)
    generate("plugin", tmp_path / "out", no_input=True)
    assert list(scratch.iterdir()) == []
    assert scaffold.tempfile.gettempdir() == str(scratch)
