"""The five UIs in a real browser: each shows every operation, under its strict CSP, offline.

The example app is the docs sample ``docs/src/docs_ui/enable.py``, served by uvicorn
on 127.0.0.1. Screenshots land in each test's ``tmp_path``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from starlette.responses import Response

from pegboard import App
from pegboard.routing import Route
from pegboard_docs import SWAGGER_UI, UIS, redoc, redoc_html, scalar, swagger_ui, swagger_ui_html
from pegboard_docs.assets import find_in_package, sri
from pegboard_docs.cli import fetch_assets
from pegboard_openapi import get_openapi, openapi

from ...conftest import load_module
from .browser import in_ci, serve, unexpected_violations, visit

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def example_app() -> App:
    app: App = load_module("docs/src/docs_ui/enable.py").app
    return app


def operations(app: App) -> list[tuple[str, str, str]]:
    """(METHOD, path, summary) of every operation in the app's document."""
    document = get_openapi(app)
    return sorted(
        (method.upper(), path, operation["summary"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
    )


def check_clean(result: Any) -> None:
    """Nothing left the machine, no script failed, and the policy refused nothing unexpected."""
    assert result.refused == []
    assert result.errors == []
    assert unexpected_violations(result.violations()) == []


def test_the_example_app_has_operations_to_show(example_app: App) -> None:
    assert len(operations(example_app)) == 5


def test_swagger_ui_shows_one_block_per_operation(
    browser: Any, live_url: str, example_app: App, tmp_path: Path
) -> None:
    expected = operations(example_app)
    with visit(browser, f"{live_url}/docs", wait_for=".opblock") as result:
        page = result.page
        page.wait_for_function(f"document.querySelectorAll('.opblock').length >= {len(expected)}")
        shown = page.evaluate(
            """[...document.querySelectorAll('.opblock')].map(block => [
                block.querySelector('.opblock-summary-method').textContent,
                block.querySelector('.opblock-summary-path').dataset.path,
                block.querySelector('.opblock-summary-description').textContent,
            ])"""
        )
        assert sorted(map(tuple, shown)) == expected
        assert page.title() == "Shop - Swagger UI"
        assert page.evaluate("document.characterSet") == "UTF-8"
        page.screenshot(path=tmp_path / "swagger-ui.png", full_page=True)
        check_clean(result)
    assert (tmp_path / "swagger-ui.png").stat().st_size > 10_000


def test_swagger_ui_try_it_out_calls_the_api(browser: Any, live_url: str, tmp_path: Path) -> None:
    with visit(
        browser, f"{live_url}/docs#/status/health_health_get", wait_for=".opblock"
    ) as result:
        page = result.page
        block = page.locator("#operations-status-health_health_get")
        block.locator(".try-out__btn").click()
        block.locator(".execute").click()
        status = block.locator(".live-responses-table tbody .response-col_status").first
        status.wait_for(timeout=15_000)
        assert status.inner_text().strip() == "200"
        assert '"status": "ok"' in block.locator(".live-responses-table").inner_text()
        page.screenshot(path=tmp_path / "swagger-ui-try-it-out.png", full_page=True)
        check_clean(result)


def operations_by_tag(app: App) -> dict[str, list[str]]:
    """The summaries of the app's operations, by their first tag."""
    by_tag: dict[str, list[str]] = {}
    for item in get_openapi(app)["paths"].values():
        for operation in item.values():
            by_tag.setdefault(operation["tags"][0], []).append(operation["summary"])
    return by_tag


def show_operation_names(page: Any, by_tag: dict[str, list[str]]) -> None:
    """Wait until every operation's name is on screen, opening collapsed tags on the way.

    ReDoc 3 lists a tag's operations in its sidebar once the tag is opened.
    """
    shown = "names => names.every(name => document.body.innerText.includes(name))"
    page.wait_for_function(shown, arg=list(by_tag)[:1], timeout=30_000)
    for tag, names in by_tag.items():
        if not page.evaluate(shown, names):
            page.get_by_text(tag, exact=True).first.click()
        page.wait_for_function(shown, arg=names, timeout=10_000)


@pytest.mark.parametrize(
    ("path", "title"), [("/redoc", "Shop - ReDoc"), ("/scalar", "Shop - Scalar")]
)
def test_redoc_and_scalar_show_every_operation_name(
    browser: Any, live_url: str, example_app: App, tmp_path: Path, path: str, title: str
) -> None:
    with visit(browser, f"{live_url}{path}") as result:
        page = result.page
        show_operation_names(page, operations_by_tag(example_app))
        assert page.title() == title
        assert page.evaluate("document.characterSet") == "UTF-8"
        page.screenshot(path=tmp_path / f"{path[1:]}.png", full_page=False)
        check_clean(result)
    assert (tmp_path / f"{path[1:]}.png").stat().st_size > 10_000


# Text in the page and in every (open) shadow root: RapiDoc renders inside its own.
_DEEP_TEXT = """() => {
    const parts = [document.body.innerText];
    const walk = (root) => {
        for (const element of root.querySelectorAll("*")) {
            if (element.shadowRoot) {
                parts.push(element.shadowRoot.textContent);
                walk(element.shadowRoot);
            }
        }
    };
    walk(document);
    return parts.join("\\n");
}"""


def test_rapidoc_shows_every_operation_name(
    browser: Any, live_url: str, example_app: App, tmp_path: Path
) -> None:
    names = [summary for _, _, summary in operations(example_app)]
    with visit(browser, f"{live_url}/rapidoc", wait_for="rapi-doc") as result:
        page = result.page
        page.wait_for_function(
            f"names => names.every(name => ({_DEEP_TEXT})().includes(name))",
            arg=names,
            timeout=30_000,
        )
        assert page.title() == "Shop - RapiDoc"
        assert page.evaluate("document.characterSet") == "UTF-8"
        page.screenshot(path=tmp_path / "rapidoc.png")
        check_clean(result)
    assert (tmp_path / "rapidoc.png").stat().st_size > 10_000


def test_elements_shows_every_operation_name(
    browser: Any, live_url: str, example_app: App, tmp_path: Path
) -> None:
    with visit(browser, f"{live_url}/elements", wait_for="elements-api") as result:
        page = result.page
        # Elements lists a tag's operations in its sidebar once the tag is opened.
        show_operation_names(page, operations_by_tag(example_app))
        page.get_by_text("Read one item", exact=True).first.click()
        page.get_by_text("/items/{item_id}", exact=True).first.wait_for(timeout=10_000)
        assert page.title() == "Shop - Elements"
        assert page.evaluate("document.characterSet") == "UTF-8"
        page.screenshot(path=tmp_path / "elements.png")
        check_clean(result)
    assert (tmp_path / "elements.png").stat().st_size > 10_000


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/scalar", "/rapidoc", "/elements"])
def test_the_pages_carry_their_policy(browser: Any, live_url: str, path: str) -> None:
    with visit(browser, f"{live_url}{path}") as result:
        policy = result.response.headers["content-security-policy"]
        assert "script-src 'self' 'nonce-" in policy
        assert "unsafe-eval" not in policy
        assert "default-src 'none'" in policy


def test_a_script_the_policy_does_not_allow_is_refused(browser: Any, live_url: str) -> None:
    # The policy really is enforced: an injected inline script, without the nonce, never runs.
    with visit(browser, f"{live_url}/docs", wait_for=".opblock") as result:
        page = result.page
        page.evaluate(
            """() => {
                const script = document.createElement('script');
                script.textContent = 'window.__ran = true';
                document.body.append(script);
            }"""
        )
        assert page.evaluate("window.__ran === undefined")
        refused = [v for v in result.violations() if v["directive"] == "script-src-elem"]
        assert [v["blocked"] for v in refused] == ["inline"]


def test_the_oauth2_redirect_page_hands_the_code_back(browser: Any, live_url: str) -> None:
    # What Swagger UI sets up before it opens an authorization server's login in a
    # popup; the server then sends the popup to the redirect page with a code.
    with visit(browser, f"{live_url}/docs", wait_for=".opblock") as result:
        page = result.page
        page.evaluate(
            """() => {
                window.__handed = null;
                window.swaggerUIRedirectOauth2 = {
                    state: "xyz",
                    redirectUrl: location.origin + "/docs/oauth2-redirect",
                    auth: {schema: new Map([["flow", "authorizationCode"]]), code: ""},
                    callback: (data) => { window.__handed = data.auth.code; },
                    errCb: (error) => { window.__handed = "error: " + error.message; },
                };
            }"""
        )
        with page.expect_popup() as popup:
            page.evaluate("window.open('/docs/oauth2-redirect?code=abc&state=xyz')")
        popup.value.wait_for_event("close")
        page.wait_for_function("window.__handed !== null")
        assert page.evaluate("window.__handed") == "abc"
        check_clean(result)


def test_swagger_ui_from_a_folder(browser: Any, tmp_path: Path) -> None:
    # The files of the installed package, copied into a folder of our own.
    installed = find_in_package(SWAGGER_UI.package, SWAGGER_UI.files)
    assert installed is not None
    folder = tmp_path / "assets" / "swagger-ui"
    folder.mkdir(parents=True)
    for name, path in installed.files.items():
        shutil.copy(path, folder / name)
    app = App(plugins=[openapi(title="Folder"), swagger_ui(assets_dir=tmp_path / "assets")])

    @app.get("/ping")
    async def ping() -> str:
        return "pong"

    with serve(app) as url, visit(browser, f"{url}/docs", wait_for=".opblock") as result:
        assert result.page.locator(".opblock").count() == 1
        check_clean(result)


@pytest.fixture(scope="module")
def npm_assets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three UIs fetched from the npm registry by ``pegboard docs-assets``.

    ReDoc 2 rather than the default 3: its bundle is a classic script, not a module,
    and the page must load both kinds.
    """
    if shutil.which("npm") is None:
        reason = "this test needs npm (apt-get install npm)"
        if in_ci():
            pytest.fail(f"{reason}; CI is set, so this is a failure.", pytrace=False)
        pytest.skip(reason)
    target = tmp_path_factory.mktemp("npm") / "docs-assets"
    specs = {
        "swagger": "swagger-ui-dist@5",
        "redoc": "redoc@2",
        "scalar": "@scalar/api-reference@1",
    }
    fetched = fetch_assets(target, specs)
    assert fetched["redoc"].startswith("redoc@2.")
    return target


def test_the_uis_fetched_from_npm_work_offline(
    browser: Any, npm_assets: Path, tmp_path: Path
) -> None:
    app: App = load_module("docs/src/docs_ui/enable.py").app
    app = App(
        plugins=[
            openapi(title="Shop"),
            swagger_ui(assets_dir=npm_assets),
            redoc(assets_dir=npm_assets),
            scalar(assets_dir=npm_assets),
        ],
        routes=[r for r in app.routes if isinstance(r, Route)],
    )
    expected = operations_by_tag(app)
    count = sum(len(names) for names in expected.values())
    with serve(app) as url:
        with visit(browser, f"{url}/docs", wait_for=".opblock") as result:
            page = result.page
            page.wait_for_function(f"document.querySelectorAll('.opblock').length == {count}")
            page.screenshot(path=tmp_path / "swagger-ui.png")
            check_clean(result)
        for path in ("/redoc", "/scalar"):
            with visit(browser, f"{url}{path}") as result:
                show_operation_names(result.page, expected)
                result.page.screenshot(path=tmp_path / f"{path[1:]}.png")
                assert result.refused == []
                assert result.errors == []
                # ReDoc 2 adds one stylesheet before it knows the nonce, and tries a
                # search worker from a blob: both refused, and it works without them.
                assert [
                    v
                    for v in unexpected_violations(result.violations())
                    if (v["directive"], v["blocked"])
                    not in {("style-src-elem", "inline"), ("worker-src", "blob")}
                ] == []


@pytest.mark.parametrize("ui", ["swagger", "redoc"])
def test_the_browser_refuses_a_file_that_differs_from_its_pin(
    browser: Any, ui: str, tmp_path: Path
) -> None:
    # The page says the bundle has another hash: the browser must not run the bundle.
    wrong = {name: sri(b"another file") for name in UIS[ui].pin.files}
    render = {"swagger": swagger_ui_html, "redoc": redoc_html}[ui]
    app = App(plugins=[openapi(title="Pinned"), swagger_ui(), redoc()])

    @app.get("/ping", summary="Ping the app")
    async def ping() -> str:
        return "pong"

    @app.get("/tampered", include_in_schema=False)
    async def tampered() -> Response:
        assets = {"swagger": "/docs/assets", "redoc": "/redoc/assets"}[ui]
        return render(openapi_url="/openapi.json", assets_url=assets, integrity=wrong)

    with serve(app) as url:
        with visit(browser, f"{url}/tampered") as result:
            result.page.wait_for_timeout(3_000)
            assert "Ping the app" not in result.page.evaluate("document.body.innerText")
            assert result.errors  # the bundle never ran
        path = {"swagger": "/docs", "redoc": "/redoc"}[ui]
        with visit(browser, f"{url}{path}") as result:  # the real pins: it runs
            result.page.get_by_text("Ping the app").first.wait_for(timeout=30_000)
