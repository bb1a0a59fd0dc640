"""Real-browser helpers: Debian's headless Chromium driven by Playwright, and a live server.

Without Chromium or Playwright the browser tests skip, saying why, except where the
``CI`` environment variable is set: there a missing browser fails the run.
The browser reaches only 127.0.0.1; every other request is refused and recorded.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs
import pytest

CHROMIUM = os.environ.get("PEGBOARD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

# Collects the page's CSP violations before any of its scripts runs.
_RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    source: event.sourceFile,
  });
});
"""


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def require_browser() -> None:
    """Skip (or, in CI, fail) the calling test unless Chromium and Playwright are here."""
    missing = []
    if importlib.util.find_spec("playwright") is None:
        missing.append("Playwright for Python (pip install playwright)")
    if not Path(CHROMIUM).is_file():
        missing.append(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    if missing:
        reason = "browser tests need " + " and ".join(missing)
        if in_ci():
            pytest.fail(f"{reason}; CI is set, so this is a failure.", pytrace=False)
        pytest.skip(reason)


@attrs.define
class _Shared:
    playwright: Any = None
    browser: Any = None
    users: int = 0


_SHARED = _Shared()


@contextmanager
def shared_browser() -> Iterator[Any]:
    """One Chromium at a time, however many fixtures ask for it; closed when the last is done."""
    require_browser()
    if _SHARED.users == 0:
        from playwright.sync_api import sync_playwright

        _SHARED.playwright = sync_playwright().start()
        _SHARED.browser = _SHARED.playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
    _SHARED.users += 1
    try:
        yield _SHARED.browser
    finally:
        _SHARED.users -= 1
        if _SHARED.users == 0:
            _SHARED.browser.close()
            _SHARED.playwright.stop()
            _SHARED.browser = _SHARED.playwright = None


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free port of 127.0.0.1; yields its base URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


@attrs.define
class Visit:
    """A page opened in a fresh browser context, and what it tried to do."""

    page: Any
    context: Any
    response: Any = None
    refused: list[str] = attrs.field(factory=list)
    errors: list[str] = attrs.field(factory=list)

    def violations(self) -> list[dict[str, str]]:
        result: list[dict[str, str]] = self.page.evaluate("window.__violations")
        return result

    def close(self) -> None:
        self.context.close()


@contextmanager
def visit(browser: Any, url: str, *, wait_for: str | None = None) -> Iterator[Visit]:
    """Open ``url`` in a new context that may only reach 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    result = Visit(page=None, context=context)

    def only_loopback(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            result.refused.append(route.request.url)
            route.abort()

    context.route("**/*", only_loopback)
    context.add_init_script(_RECORD_VIOLATIONS)
    page = context.new_page()
    result.page = page
    page.on("pageerror", lambda error: result.errors.append(str(error)))
    try:
        result.response = page.goto(url)
        if wait_for is not None:
            page.wait_for_selector(wait_for, timeout=30_000)
        yield result
    finally:
        context.close()


def unexpected_violations(violations: list[dict[str, str]]) -> list[dict[str, str]]:
    """The violations that are not the two known, harmless ones.

    ReDoc and Scalar probe whether ``Function()`` works (a search worker, a schema
    compiler) and fall back when the policy refuses it; ReDoc 3 tries to show its
    maker's logo from the maker's CDN, which the policy refuses as it should.
    """
    return [
        v
        for v in violations
        if not (v["directive"] == "script-src" and v["blocked"] == "eval")
        and not (v["directive"] == "img-src" and v["blocked"].startswith("https://cdn.redoc.ly/"))
    ]
