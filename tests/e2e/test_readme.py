"""The README's example is a file the tests run, and its commands exist."""

from __future__ import annotations

import os
from pathlib import Path

from starlette.testclient import TestClient

from ..conftest import ROOT, load_module

SAMPLE = "docs/src/readme/shop.py"


def test_readme_shows_the_sample_verbatim():
    readme = (ROOT / "README.md").read_text()
    assert (ROOT / SAMPLE).read_text() in readme


def test_readme_sample_works():
    app = load_module(SAMPLE).app
    with TestClient(app) as client:
        assert client.get("/items").json() == [{"name": "pencil", "price": 1.5}]
        assert client.get("/items?limit=0").status_code == 422
        assert client.get("/docs").status_code == 200
        document = client.get("/openapi.json").json()
    (parameter,) = document["paths"]["/items"]["get"]["parameters"]
    assert parameter["name"] == "limit"


def test_the_two_setup_commands_are_executable_scripts():
    for script in ("scripts/serve", "scripts/test"):
        path: Path = ROOT / script
        assert os.access(path, os.X_OK), script
        assert script in (ROOT / "README.md").read_text()
