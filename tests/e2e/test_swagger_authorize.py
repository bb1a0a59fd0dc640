"""Swagger UI's Authorize dialog logs in to examples/oauth2_jwt, in a real browser.

The example app is served by uvicorn on 127.0.0.1 and driven in headless Chromium:
a protected call fails, the dialog logs in with the OAuth2 password flow (username
and password to ``/token``, one scope chosen), and the same call then succeeds with
the token, while a call needing a scope the token lacks is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..conftest import load_module
from ..plugins.docs.browser import serve, shared_browser, unexpected_violations, visit

pytestmark = pytest.mark.slow

KEY = "test-signing-key-of-at-least-32-bytes"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium for this module (see tests/plugins/docs/conftest.py)."""
    with shared_browser() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def example_url() -> Iterator[str]:
    example = load_module("examples/oauth2_jwt/app.py")
    with serve(example.create_app(secret_key=KEY)) as url:
        yield url


def execute(page: Any, block: Any, path: str) -> tuple[Any, str]:
    """Run an operation with "Try it out"; returns the HTTP response and the status shown."""
    if not block.locator(".opblock-body").count():
        block.locator(".opblock-summary").click()
    # The body renders after the click: wait for its button before reading its label,
    # or a slow render skips "Try it out" and Execute never appears.
    block.locator(".try-out__btn").wait_for(timeout=15_000)
    try_it = block.locator(".try-out__btn", has_text="Try it out")
    if try_it.count():
        try_it.click()
    with page.expect_response(lambda r: r.url.endswith(path)) as answer:
        block.locator(".execute").click()
    response = answer.value
    status = block.locator(".live-responses-table tbody .response-col_status").first
    status.filter(has_text=str(response.status)).wait_for(timeout=15_000)
    return response, block.locator(".live-responses-table").inner_text()


def test_authorize_then_call_a_protected_route(
    browser: Any, example_url: str, tmp_path: Path
) -> None:
    with visit(browser, f"{example_url}/docs", wait_for=".opblock") as result:
        page = result.page
        me = page.locator("#operations-users-read_me_users_me_get")
        before, _ = execute(page, me, "/users/me")
        assert before.status == 401
        assert "authorization" not in before.request.headers

        page.locator(".auth-wrapper .authorize").click()
        dialog = page.locator(".modal-ux")
        dialog.locator("#oauth_username").fill("ada")
        dialog.locator("#oauth_password").fill("lovelace")
        dialog.locator("label[for='me-password-checkbox-OAuth2PasswordBearer']").click()
        with page.expect_response(lambda r: r.url.endswith("/token")) as login:
            dialog.get_by_role("button", name="Apply given OAuth2 credentials").click()
        assert login.value.status == 200
        assert "username=ada" in (login.value.request.post_data or "")
        assert "scope=me" in (login.value.request.post_data or "")
        dialog.get_by_role("button", name="Remove authorization").wait_for()
        page.screenshot(path=tmp_path / "authorized.png")
        dialog.locator(".btn-done").click()

        after, shown = execute(page, me, "/users/me")
        assert after.status == 200
        assert after.request.headers["authorization"].startswith("Bearer ")
        assert after.json()["username"] == "ada"
        assert '"full_name": "Ada Lovelace"' in shown

        # The token carries only the scope chosen in the dialog.
        items = page.locator("#operations-items-read_items_users_me_items_get")
        refused, _ = execute(page, items, "/users/me/items")
        assert refused.status == 403
        page.screenshot(path=tmp_path / "called.png", full_page=True)

        assert result.refused == []
        assert result.errors == []
        assert unexpected_violations(result.violations()) == []
    assert (tmp_path / "authorized.png").is_file()
