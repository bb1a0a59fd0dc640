"""``pegboard openapi APP``: the document without a server."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from openapi_spec_validator import validate

from pegboard.cli.plugin_commands import installed_commands
from pegboard_openapi.cli import openapi_command

APP_SOURCE = textwrap.dedent(
    """
    from pegboard import App
    from pegboard_openapi import openapi

    app = App(plugins=[openapi(title="CLI", version="3")])

    @app.get("/items/{item_id:int}")
    def read_item(item_id: int) -> dict:
        '''Read one item.'''
        return {}

    plain = App()

    def make():
        return app
    """
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PEGBOARD_APP", raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    sys.modules.pop("main", None)
    (tmp_path / "main.py").write_text(APP_SOURCE)
    return tmp_path


def test_the_package_declares_the_command() -> None:
    # Found by name, without building the plugin (see docs/cli.md).
    assert installed_commands()["openapi"].load() is openapi_command


def test_prints_json(project: Path) -> None:
    result = CliRunner().invoke(openapi_command, ["main.py"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    validate(document)
    assert document["info"] == {"title": "CLI", "version": "3"}
    assert document["paths"]["/items/{item_id}"]["get"]["description"] == "Read one item."
    assert result.output.startswith('{\n  "openapi": "3.1.0"')


def test_yaml_to_a_file_with_a_root_path(project: Path) -> None:
    result = CliRunner().invoke(
        openapi_command,
        ["main:make", "--factory", "--yaml", "-o", "spec.yaml", "--root-path", "/v1"],
    )
    assert result.exit_code == 0, result.output
    document = yaml.safe_load((project / "spec.yaml").read_text())
    assert document["servers"] == [{"url": "/v1"}]
    assert "Wrote spec.yaml" in result.output


def test_an_app_without_the_plugin_is_a_usage_error(project: Path) -> None:
    result = CliRunner().invoke(openapi_command, ["main:plain"])
    assert result.exit_code == 2
    assert "does not enable the OpenAPI plugin" in result.output


def test_not_an_app(project: Path) -> None:
    result = CliRunner().invoke(openapi_command, ["main:make"])
    assert result.exit_code == 2
    assert "Expected a pegboard App, got function" in result.output
