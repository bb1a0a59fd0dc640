"""Reading docs pages in tests: the URLs they link to, their inline script and policy."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.testclient import TestClient

_LINKS = re.compile(r'(?:src|href)="([^"]+)"')
_NONCE = re.compile(r"'nonce-([^']+)'")


def links(html: str) -> list[str]:
    """Every ``src`` and ``href`` of a page, unescaped, and the bundle its script imports."""
    found = [url.replace("&amp;", "&") for url in _LINKS.findall(html)]
    bundle = re.search(r"const bundle = (.*);\n", html)
    return [*found, json.loads(bundle[1])] if bundle else found


def policy(response: Any) -> dict[str, list[str]]:
    """The response's Content-Security-Policy, as sources by directive."""
    header = response.headers["content-security-policy"]
    result: dict[str, list[str]] = {}
    for directive in header.split(";"):
        name, *sources = directive.split()
        result[name] = sources
    return result


def nonce_of(response: Any) -> str:
    found = _NONCE.search(response.headers["content-security-policy"])
    assert found is not None
    return found[1]


def inline_json(html: str, name: str) -> Any:
    """The JSON assigned to ``const name = ...;`` in a page's inline script."""
    found = re.search(rf"const {name} = (.*);\n", html)
    assert found is not None, name
    return json.loads(found[1])


def fetch_links(client: TestClient, html: str) -> dict[str, int]:
    """The status of every link of a page that the app itself serves."""
    return {
        url: client.get(url).status_code
        for url in links(html)
        if url.startswith("/") and not url.startswith("//")
    }
