"""The five docs UI plugins: enabling, routes, options, and their mistakes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from starlette.routing import Mount
from starlette.testclient import TestClient

from pegboard import App, PluginError
from pegboard.testing import check_plugin
from pegboard_docs import (
    SWAGGER_UI_CDN,
    UIS,
    DocsUIPlugin,
    elements,
    rapidoc,
    redoc,
    scalar,
    swagger_ui,
)
from pegboard_openapi import get_openapi, openapi

from .pages import fetch_links, inline_json, links, nonce_of, policy

FACTORIES: dict[str, Callable[..., Any]] = {
    "swagger": swagger_ui,
    "redoc": redoc,
    "scalar": scalar,
    "rapidoc": rapidoc,
    "elements": elements,
}
PAGES = {
    "swagger": "/docs",
    "redoc": "/redoc",
    "scalar": "/scalar",
    "rapidoc": "/rapidoc",
    "elements": "/elements",
}
BUNDLES = {
    "swagger": "/docs/assets/swagger-ui-bundle.js",
    "redoc": "/redoc/assets/redoc.standalone.js",
    "scalar": "/scalar/assets/standalone.js",
    "rapidoc": "/rapidoc/assets/rapidoc-min.js",
    "elements": "/elements/assets/web-components.min.js",
}
#: The UIs that set inline styles without a nonce; their pages allow inline styles.
INLINE_STYLES = {"scalar", "rapidoc", "elements"}
ui_names = pytest.mark.parametrize("ui", sorted(FACTORIES))


def make(*plugins: object, **openapi_options: Any) -> App:
    app = App(plugins=[openapi(title="Shop", **openapi_options), *plugins])

    @app.get("/items/{item_id:int}")
    async def read_item(item_id: int) -> dict[str, int]:
        return {"id": item_id}

    return app


@ui_names
def test_each_plugin_passes_the_plugin_checks(ui: str) -> None:
    check_plugin(FACTORIES[ui])


@ui_names
def test_each_plugin_works_alone_beside_openapi(ui: str) -> None:
    app = make(FACTORIES[ui]())
    assert app.plugins == ["openapi", ui]
    with TestClient(app) as client:
        page = client.get(PAGES[ui])
        assert page.status_code == 200
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert fetch_links(client, page.text) == {
            url: 200 for url in links(page.text) if url.startswith("/")
        }
        others = set(PAGES.values()) - {PAGES[ui]}
        assert {client.get(path).status_code for path in others} == {404}


@ui_names
def test_each_plugin_needs_openapi(ui: str) -> None:
    with pytest.raises(PluginError, match=rf"'{ui}' requires 'openapi'.*Add openapi\(\)"):
        App(plugins=[FACTORIES[ui]()])


def test_plugins_enable_by_name() -> None:
    app = App(plugins=["openapi", *PAGES])
    assert app.plugins == ["openapi", *PAGES]
    for name in PAGES:
        plugin = app.plugin_manager.get_plugin(name)
        assert isinstance(plugin, DocsUIPlugin)
        assert plugin.ui is UIS[name]
    with TestClient(app) as client:
        assert [client.get(p).status_code for p in PAGES.values()] == [200] * 5


def test_one_class_serves_every_ui() -> None:
    plugins = [factory() for factory in FACTORIES.values()]
    assert {type(plugin) for plugin in plugins} == {DocsUIPlugin}
    assert [plugin.ui.factory for plugin in plugins] == [f.__name__ for f in FACTORIES.values()]


def test_the_pages_are_not_in_the_document() -> None:
    app = make(swagger_ui(), redoc(), scalar())
    with TestClient(app) as client:
        assert list(client.get("/openapi.json").json()["paths"]) == ["/items/{item_id}"]


def test_the_page_shows_the_document_where_the_openapi_plugin_serves_it() -> None:
    app = make(swagger_ui(), openapi_url="/api/schema.json")
    with TestClient(app) as client:
        config = inline_json(client.get("/docs").text, "config")
        assert config["url"] == "/api/schema.json"
        assert client.get(config["url"]).status_code == 200


def test_a_document_that_is_not_served_is_an_error() -> None:
    with pytest.raises(PluginError, match=r"openapi\(openapi_url=None\) serves none"):
        make(swagger_ui(), openapi_url=None)


def test_a_document_served_elsewhere_joins_the_policy() -> None:
    app = make(redoc(openapi_url="https://api.example.com/openapi.json"), openapi_url=None)
    with TestClient(app) as client:
        page = client.get("/redoc")
    assert '"https://api.example.com/openapi.json"' in page.text
    assert policy(page)["connect-src"] == ["'self'", "https://api.example.com"]


@ui_names
def test_titles_default_to_the_documents(ui: str) -> None:
    label = {
        "swagger": "Swagger UI",
        "redoc": "ReDoc",
        "scalar": "Scalar",
        "rapidoc": "RapiDoc",
        "elements": "Elements",
    }[ui]
    with TestClient(make(FACTORIES[ui]())) as client:
        assert f"<title>Shop - {label}</title>" in client.get(PAGES[ui]).text
    with TestClient(make(FACTORIES[ui](title="A <b>title</b>"))) as client:
        assert "<title>A &lt;b&gt;title&lt;/b&gt;</title>" in client.get(PAGES[ui]).text


def test_swagger_uis_own_favicon() -> None:
    with TestClient(make(swagger_ui())) as client:
        icon = next(u for u in links(client.get("/docs").text) if "favicon" in u)
        response = client.get(icon)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("image/")


@ui_names
def test_favicons(ui: str) -> None:
    with TestClient(make(FACTORIES[ui](favicon_url="https://example.com/i.png"))) as client:
        page = client.get(PAGES[ui])
        assert '<link rel="icon" href="https://example.com/i.png">' in page.text
        assert "https://example.com" in policy(page)["img-src"]


def test_without_an_icon_the_page_asks_for_none() -> None:
    assert UIS["redoc"].icon is None  # the npm package has none
    with TestClient(make(redoc())) as client:
        assert '<link rel="icon" href="data:,">' in client.get("/redoc").text


@ui_names
def test_pages_and_links_follow_the_root_path(ui: str) -> None:
    inner = make(FACTORIES[ui]())
    outer = App(routes=[Mount("/api", app=inner)])
    with TestClient(outer) as client:
        page = client.get(f"/api{PAGES[ui]}")
        assert page.status_code == 200
        own = [u for u in links(page.text) if u.startswith("/")]
        assert own
        assert all(u.startswith("/api/") for u in own)
        assert set(fetch_links(client, page.text).values()) == {200}
        assert '"/api/openapi.json"' in page.text


def test_swagger_config_is_passed_through() -> None:
    plugin = swagger_ui(
        config={
            "deepLinking": False,
            "persistAuthorization": True,
            "syntaxHighlight": {"theme": "obsidian"},
            "docExpansion": "none",
        }
    )
    with TestClient(make(plugin)) as client:
        config = inline_json(client.get("/docs").text, "config")
    assert config == {
        "dom_id": "#swagger-ui",
        "layout": "BaseLayout",
        "deepLinking": False,
        "showExtensions": True,
        "showCommonExtensions": True,
        "validatorUrl": None,
        "url": "/openapi.json",
        "oauth2RedirectUrl": "/docs/oauth2-redirect",
        "persistAuthorization": True,
        "syntaxHighlight": {"theme": "obsidian"},
        "docExpansion": "none",
    }


def test_rapidoc_and_elements_config_becomes_attributes() -> None:
    app = make(
        rapidoc(config={"theme": "dark", "show-info": False, "nav-item-spacing": 'a"b'}),
        elements(config={"hideTryIt": True, "layout": "stacked"}),
    )
    with TestClient(app) as client:
        assert (
            '<rapi-doc show-header="false" load-fonts="false" allow-spec-url-load="false" '
            'allow-spec-file-load="false" theme="dark" show-info="false" '
            'nav-item-spacing="a&quot;b" spec-url="/openapi.json"></rapi-doc>'
        ) in client.get("/rapidoc").text
        assert (
            '<elements-api router="hash" layout="stacked" hideTryIt="true" '
            'apiDescriptionUrl="/openapi.json"></elements-api>'
        ) in client.get("/elements").text


@pytest.mark.parametrize("factory", [rapidoc, elements])
def test_attribute_config_refuses_what_is_no_attribute(factory: Callable[..., Any]) -> None:
    with pytest.raises(PluginError, match=r"must be a string, number or boolean; got dict"):
        factory(config={"theme": {"dark": True}})
    with pytest.raises(PluginError, match=r"'a b', which is not an attribute name"):
        factory(config={"a b": "x"})


def test_redoc_and_scalar_config_is_passed_through() -> None:
    app = make(redoc(config={"hideDownloadButton": True}), scalar(config={"theme": "purple"}))
    with TestClient(app) as client:
        page = client.get("/redoc")
        assert inline_json(page.text, "options") == {
            "disableTelemetry": True,
            "nonce": nonce_of(page),  # ReDoc 2 gives it to its style elements
            "hideDownloadButton": True,
        }
        assert (
            'Scalar.createApiReference("#app", '
            '{"withDefaultFonts":false,"telemetry":false,"agent":{"disabled":true},'
            '"url":"/openapi.json","theme":"purple"});'
        ) in client.get("/scalar").text


def test_swagger_init_oauth_and_the_redirect_page() -> None:
    init = {"clientId": "docs", "scopes": ["read"], "usePkceWithAuthorizationCodeGrant": True}
    with TestClient(make(swagger_ui(init_oauth=init))) as client:
        page = client.get("/docs")
        assert inline_json(page.text, "initOAuth") == init
        redirect = client.get("/docs/oauth2-redirect")
        assert redirect.status_code == 200
        assert '<meta charset="utf-8">' in redirect.text
        assert "<script>" not in redirect.text  # nothing inline
        assert set(fetch_links(client, redirect.text).values()) == {200}
        assert policy(redirect)["script-src"] == ["'self'"]
    with TestClient(make(swagger_ui())) as client:
        assert inline_json(client.get("/docs").text, "initOAuth") is None


def test_the_redirect_page_can_move_or_go() -> None:
    with TestClient(make(swagger_ui(oauth2_redirect_url="/auth/back"))) as client:
        assert client.get("/auth/back").status_code == 200
        assert inline_json(client.get("/docs").text, "config")["oauth2RedirectUrl"] == "/auth/back"
    with TestClient(make(swagger_ui(oauth2_redirect_url=None))) as client:
        assert client.get("/docs/oauth2-redirect").status_code == 404
        assert "oauth2RedirectUrl" not in inline_json(client.get("/docs").text, "config")


def test_without_a_page_the_files_and_redirect_page_are_still_served() -> None:
    with TestClient(make(swagger_ui(url=None))) as client:
        assert client.get("/docs").status_code == 404
        assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
        assert client.get("/docs/oauth2-redirect").status_code == 200


@ui_names
def test_paths_are_configurable(ui: str) -> None:
    plugin = FACTORIES[ui](url="/help", assets_url="/static/help")
    with TestClient(make(plugin)) as client:
        page = client.get("/help")
        assert page.status_code == 200
        assert any(u.startswith("/static/help/") for u in links(page.text))
        assert set(fetch_links(client, page.text).values()) == {200}


@ui_names
def test_cdn_mode_serves_no_files(ui: str) -> None:
    cdn = UIS[ui].npm_spec  # the pinned version, as served offline
    with TestClient(make(FACTORIES[ui](cdn=True))) as client:
        page = client.get(PAGES[ui])
        assert client.get(BUNDLES[ui]).status_code == 404
    scripts = [u for u in links(page.text) if u.endswith(".js")] or [
        inline_json(page.text, "bundle") if ui == "redoc" else ""
    ]
    assert all(u.startswith("https://cdn.jsdelivr.net/npm/") for u in scripts if u)
    assert cdn in page.text
    found = policy(page)
    for directive in ("script-src", "style-src", "img-src", "font-src"):
        assert "https://cdn.jsdelivr.net" in found[directive]
    assert found["connect-src"] == ["'self'"]


def test_redoc_loads_its_bundle_from_the_cdn_url() -> None:
    app = make(redoc(cdn=True, cdn_url="https://unpkg.example/redoc@2.5.0/bundles/"))
    with TestClient(app) as client:
        page = client.get("/redoc")
    assert inline_json(page.text, "bundle") == (
        "https://unpkg.example/redoc@2.5.0/bundles/redoc.standalone.js"
    )
    assert "https://unpkg.example" in policy(page)["script-src"]


def test_swagger_redirect_page_in_cdn_mode() -> None:
    with TestClient(make(swagger_ui(cdn=True))) as client:
        redirect = client.get("/docs/oauth2-redirect")
    assert links(redirect.text) == [f"{SWAGGER_UI_CDN}/oauth2-redirect.js"]
    assert (
        f"https://cdn.jsdelivr.net/npm/swagger-ui-dist@{UIS['swagger'].pin.version}"
        == SWAGGER_UI_CDN
    )


@ui_names
def test_no_files_and_no_cdn_fails_when_the_app_is_made(
    ui: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pegboard_docs.assets.find_in_package", lambda package, files: None)
    description = UIS[ui]
    factory = description.factory
    with pytest.raises(PluginError) as error:
        make(FACTORIES[ui]())
    message = str(error.value)
    assert f"{factory}() found no {description.label} files to serve" in message
    assert f"pip install 'pegboard[{ui}]'" in message
    requirement = f"pegboard-assets-{ui}=={description.pin.version}"
    assert f"(or just {requirement})" in message
    assert "pegboard docs-assets DIR" in message
    assert f"{factory}(assets_dir=DIR)" in message
    assert f"{factory}(cdn=True)" in message
    make(FACTORIES[ui](cdn=True))  # the CDN needs no files


@ui_names
def test_every_response_has_its_own_nonce(ui: str) -> None:
    with TestClient(make(FACTORIES[ui]())) as client:
        first, second = client.get(PAGES[ui]), client.get(PAGES[ui])
    assert nonce_of(first) != nonce_of(second)
    for page in (first, second):
        nonce = nonce_of(page)
        if ui in ("swagger", "redoc", "scalar"):  # the others have no inline script
            assert f'<script nonce="{nonce}"' in page.text or (
                f'type="module" nonce="{nonce}"' in page.text
            )
        assert f'<meta property="csp-nonce" content="{nonce}">' in page.text
        assert page.headers["cache-control"] == "no-store"


@ui_names
def test_the_policy(ui: str) -> None:
    with TestClient(make(FACTORIES[ui]())) as client:
        page = client.get(PAGES[ui])
    nonce = f"'nonce-{nonce_of(page)}'"
    styles = ["'self'", "'unsafe-inline'"] if ui in INLINE_STYLES else ["'self'", nonce]
    assert policy(page) == {
        "default-src": ["'none'"],
        "script-src": ["'self'", nonce],
        "style-src": styles,
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }


def test_the_policy_can_be_extended_or_left_out() -> None:
    extended = swagger_ui(
        csp={"connect-src": ["https://login.example.com"], "worker-src": "'self'"}
    )
    with TestClient(make(extended)) as client:
        found = policy(client.get("/docs"))
    assert found["connect-src"] == ["'self'", "https://login.example.com"]
    assert found["worker-src"] == ["'self'"]
    with TestClient(make(swagger_ui(csp=False))) as client:
        assert "content-security-policy" not in client.get("/docs").headers


def test_inline_json_cannot_close_the_script() -> None:
    hostile = "</script><script>alert(1)</script>"
    with TestClient(make(swagger_ui(config={"x": hostile}, title=hostile))) as client:
        page = client.get("/docs").text
    assert "<script>alert(1)" not in page
    assert inline_json(page, "config")["x"] == hostile


def test_the_plugins_say_what_they_are() -> None:
    assert repr(swagger_ui()) == "swagger_ui(url='/docs')"
    assert repr(redoc(url=None)) == "redoc(url=None)"
    assert swagger_ui().plugin_info.requires == ("openapi",)
    assert elements().plugin_info.name == "elements"
    assert get_openapi(make(scalar()))["info"]["title"] == "Shop"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"url": "docs"}, "must start with '/', got 'docs'"),
        ({"assets_url": "assets"}, "must start with '/', got 'assets'"),
        ({"oauth2_redirect_url": "back"}, "must start with '/', got 'back'"),
        ({"openapi_url": "openapi.json"}, "openapi_url= must start with '/' or be absolute"),
        ({"cdn_url": "cdn.example.com/x"}, "cdn_url= must be an absolute http"),
        ({"cdn": True, "assets_dir": "x"}, "cdn=True and assets_dir= both"),
        ({"config": {"f": object()}}, "config= must hold JSON values only"),
        ({"config": ["deepLinking"]}, "config= must be a dict"),
        ({"init_oauth": {"client_id": "x"}}, "init_oauth= has 'client_id', which Swagger UI"),
        ({"csp": "default-src 'none'"}, "csp= takes True, False or a dict"),
        ({"csp": {"script-src": "'self'; x"}}, "must be sources without ';'"),
        ({"csp": {"script src": "'self'"}}, "not a directive name"),
    ],
)
def test_mistakes_are_refused_by_the_factory(options: dict[str, Any], message: str) -> None:
    with pytest.raises(PluginError, match=r"^swagger_ui\(\): ") as error:
        swagger_ui(**options)
    assert message in str(error.value)


@pytest.mark.parametrize("factory", [redoc, scalar, rapidoc, elements])
def test_the_other_uis_refuse_mistakes_too(factory: Callable[..., Any]) -> None:
    with pytest.raises(PluginError, match=rf"^{factory.__name__}\(\): .*'docs'"):
        factory(url="docs")


_INTEGRITY = re.compile(r'(?:src|href)="([^"?]+)[^"]*" integrity="([^"]+)" crossorigin="anonymous"')
#: ReDoc's bundle is imported by its inline script: its hash is in an import map.
PINNED_TAGS = sorted(set(FACTORIES) - {"redoc"})


def integrity_of(html: str) -> dict[str, str]:
    """The integrity attribute of each linked file, by file name."""
    return {url.rsplit("/", 1)[1]: value for url, value in _INTEGRITY.findall(html)}


@pytest.mark.parametrize("ui", PINNED_TAGS)
def test_pinned_files_are_linked_with_their_integrity(ui: str) -> None:
    pins = UIS[ui].pin.files
    for plugin in (FACTORIES[ui](), FACTORIES[ui](cdn=True)):
        with TestClient(make(plugin)) as client:
            found = integrity_of(client.get(PAGES[ui]).text)
        assert found
        assert found == {name: pins[name] for name in found}


@pytest.mark.parametrize("ui", PINNED_TAGS)
def test_files_of_unknown_version_carry_no_integrity(ui: str, tmp_path: Any) -> None:
    other_cdn = FACTORIES[ui](cdn=True, cdn_url="https://cdn.example.com/ui@latest")
    with TestClient(make(other_cdn)) as client:
        assert integrity_of(client.get(PAGES[ui]).text) == {}
    for file in UIS[ui].files:
        (tmp_path / file.name).write_text("x")
    with TestClient(make(FACTORIES[ui](assets_dir=tmp_path))) as client:
        assert integrity_of(client.get(PAGES[ui]).text) == {}


def test_the_redirect_page_links_its_script_with_its_integrity() -> None:
    with TestClient(make(swagger_ui())) as client:
        found = integrity_of(client.get("/docs/oauth2-redirect").text)
    assert found == {"oauth2-redirect.js": UIS["swagger"].pin.files["oauth2-redirect.js"]}


def test_redocs_bundle_is_pinned_by_an_import_map() -> None:
    pinned = UIS["redoc"].pin.files["redoc.standalone.js"]
    for plugin in (redoc(), redoc(cdn=True)):
        with TestClient(make(plugin)) as client:
            page = client.get("/redoc")
        bundle = inline_json(page.text, "bundle")
        import_map = re.search(r'<script type="importmap" nonce="([^"]+)">(.*)</script>', page.text)
        assert import_map is not None
        assert import_map[1] == nonce_of(page)
        assert json.loads(import_map[2]) == {"integrity": {bundle: pinned}}
        assert inline_json(page.text, "integrity") == pinned  # for the classic-script path
    with TestClient(make(redoc(cdn=True, cdn_url="https://cdn.example.com/redoc"))) as client:
        page = client.get("/redoc")
    assert "importmap" not in page.text
    assert inline_json(page.text, "integrity") is None
