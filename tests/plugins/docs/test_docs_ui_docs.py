"""docs/plugins/docs-ui.md: every sample runs and does what the page says."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from starlette.testclient import TestClient

from pegboard import PluginError
from pegboard_docs import UIS
from pegboard_docs.assets import find_in_package

from .pages import fetch_links, inline_json, links, policy

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs/plugins/docs-ui.md"
SAMPLES = ROOT / "docs/src/docs_ui"
SNIPPET = re.compile(r'--8<-- "([^"]+)"')

Load = Callable[[str], ModuleType]


def test_the_page_includes_every_sample_once() -> None:
    included = SNIPPET.findall(PAGE.read_text())
    assert sorted(included) == sorted(set(included))
    on_disk = sorted(str(p.relative_to(ROOT)) for p in SAMPLES.glob("*.py"))
    assert sorted(included) == on_disk
    this_file = Path(__file__).read_text()
    for sample in on_disk:
        assert sample in this_file, f"{sample} is not exercised here"


def test_the_page_quotes_the_real_error_and_defaults() -> None:
    text = " ".join(PAGE.read_text().split())
    version = UIS["swagger"].pin.version
    assert (
        "swagger_ui() found no Swagger UI files to serve. Install them with pip install "
        f"'pegboard[swagger]' (or just pegboard-assets-swagger=={version}); or fetch them into "
        "a folder with 'pegboard docs-assets DIR' and pass swagger_ui(assets_dir=DIR); or "
        "load them from a CDN with swagger_ui(cdn=True)."
    ) in text
    for ui in UIS.values():
        assert f"`{ui.package.requirement}`" in text
        assert f"`{ui.npm_spec}`" in text
        assert ui.cdn_url in text


def test_enable(load_sample: Load) -> None:
    app = load_sample("docs/src/docs_ui/enable.py").app
    with TestClient(app) as client:
        for path in (
            "/docs",
            "/redoc",
            "/scalar",
            "/rapidoc",
            "/elements",
            "/docs/oauth2-redirect",
        ):
            page = client.get(path)
            assert page.status_code == 200
            assert set(fetch_links(client, page.text).values()) == {200}
        document = client.get("/openapi.json").json()
        assert sorted(document["paths"]) == [
            "/health",
            "/items",
            "/items/{item_id}",
            "/items/{item_id}/restock",
        ]
        assert client.get("/items/1").json() == {"id": 1, "name": "hammer"}
        assert client.get("/items/9").status_code == 404
        assert client.post("/items/1/restock?count=3").json() == {"id": 1, "added": 3}
        assert client.delete("/items/2").status_code == 200
        assert client.get("/health").json() == {"status": "ok"}


def test_options(load_sample: Load) -> None:
    app = load_sample("docs/src/docs_ui/options.py").app
    with TestClient(app) as client:
        swagger = client.get("/api/docs")
        config = inline_json(swagger.text, "config")
        assert config["url"] == "/api/openapi.json"
        assert config["persistAuthorization"] is True
        assert config["deepLinking"] is False
        assert config["syntaxHighlight"] == {"theme": "obsidian"}
        assert config["oauth2RedirectUrl"] == "/api/docs/oauth2-redirect"
        assert "<title>Shop API</title>" in swagger.text
        assert '<link rel="icon" href="/static/shop.png">' in swagger.text
        assert client.get("/api/docs/oauth2-redirect").status_code == 200
        redoc = client.get("/api/redoc")
        assert inline_json(redoc.text, "options")["hideDownloadButton"] is True
        scalar = client.get("/api/scalar")
        assert '"theme":"purple"' in scalar.text
        for page in (swagger, redoc, scalar):
            own = [u for u in links(page.text) if u.startswith("/") and u != "/static/shop.png"]
            assert own
            assert all(u.startswith("/api/") for u in own)
            assert {client.get(u).status_code for u in own} == {200}
        assert [client.get(p).status_code for p in ("/docs", "/redoc", "/scalar")] == [404] * 3


def test_cdn(load_sample: Load) -> None:
    app = load_sample("docs/src/docs_ui/cdn.py").app
    with TestClient(app) as client:
        swagger = client.get("/docs").text
        assert f"{UIS['swagger'].cdn_url}/swagger-ui-bundle.js" in links(swagger)
        redoc = client.get("/redoc").text
        assert inline_json(redoc, "bundle") == f"{UIS['redoc'].cdn_url}/redoc.standalone.js"
        scalar = client.get("/scalar")
        assert (
            "https://cdn.jsdelivr.net/npm/@scalar/api-reference@1.46.4/dist/browser/standalone.js"
        ) in links(scalar.text)
        assert "https://cdn.jsdelivr.net" in policy(scalar)["script-src"]
        for files in ("/docs/assets/swagger-ui.css", "/redoc/assets/redoc.standalone.js"):
            assert client.get(files).status_code == 404


def test_folder(load_sample: Load, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A folder as `pegboard docs-assets` writes it, from the installed packages' files.
    for ui in UIS.values():
        installed = find_in_package(ui.package, ui.files)
        assert installed is not None
        (tmp_path / ui.subfolder).mkdir()
        for name, path in installed.files.items():
            shutil.copy(path, tmp_path / ui.subfolder / name)
    monkeypatch.setenv("DOCS_ASSETS", str(tmp_path))
    app = load_sample("docs/src/docs_ui/folder.py").app
    with TestClient(app) as client:
        for path in ("/docs", "/redoc", "/scalar"):
            page = client.get(path)
            assert set(fetch_links(client, page.text).values()) == {200}
        assert (
            client.get("/redoc/assets/redoc.standalone.js").content
            == (tmp_path / "redoc/redoc.standalone.js").read_bytes()
        )

    shutil.rmtree(tmp_path / "scalar")
    with pytest.raises(PluginError, match=r"lacks standalone.js or dist/browser/standalone.js"):
        load_sample("docs/src/docs_ui/folder.py")


def test_oauth2(load_sample: Load) -> None:
    app = load_sample("docs/src/docs_ui/oauth2.py").app
    with TestClient(app) as client:
        page = client.get("/docs")
        assert inline_json(page.text, "initOAuth") == {
            "clientId": "shop-docs",
            "appName": "Shop",
            "scopes": ["items:read", "items:write"],
            "usePkceWithAuthorizationCodeGrant": True,
        }
        assert inline_json(page.text, "config")["persistAuthorization"] is True
        assert policy(page)["connect-src"] == ["'self'", "https://login.example.com"]
        redirect = client.get("/docs/oauth2-redirect")
        assert redirect.status_code == 200
        assert policy(redirect)["connect-src"] == ["'self'", "https://login.example.com"]


def test_custom_route(load_sample: Load) -> None:
    module = load_sample("docs/src/docs_ui/custom_route.py")
    with TestClient(module.app) as client:
        assert client.get("/internal/docs").status_code == 401
        assert client.get("/internal/openapi.json").status_code == 401
        assert client.get("/docs").status_code == 404
        assert client.get("/openapi.json").status_code == 404
        client.cookies.set("docs_token", module.DOCS_TOKEN)
        page = client.get("/internal/docs")
        assert page.status_code == 200
        assert "<title>Internal API</title>" in page.text
        assert inline_json(page.text, "config")["url"] == "/internal/openapi.json"
        assert "content-security-policy" in page.headers
        assert set(fetch_links(client, page.text).values()) == {200}
        document = client.get("/internal/openapi.json").json()
        assert list(document["paths"]) == ["/orders"]
