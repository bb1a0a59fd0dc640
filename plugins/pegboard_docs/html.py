"""What every docs page shares: the HTML skeleton, safe inline JSON, and the response headers."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from pegboard import HTMLResponse
from pegboard_docs.assets import origin_of
from pegboard_docs.csp import CSPOption, content_security_policy

__all__ = [
    "asset_url",
    "attr",
    "check_attribute_config",
    "check_attributes",
    "check_json",
    "docs_response",
    "element",
    "page",
    "script_json",
    "sri_attributes",
]


def attr(value: str) -> str:
    """``value`` escaped for a double-quoted HTML attribute."""
    return escape(value, quote=True)


def script_json(value: Any) -> str:
    """``value`` as JSON that is safe inside ``<script>``: it cannot close the element."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def check_json(value: Mapping[str, Any], option: str) -> dict[str, Any]:
    """A copy of ``value`` if it converts to JSON; raise ValueError naming ``option`` if not."""
    if not isinstance(value, Mapping):
        raise ValueError(f"{option}= must be a dict, got {type(value).__name__}.")
    try:
        json.dumps(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"{option}= must hold JSON values only (strings, numbers, booleans, None, "
            f"lists, dicts): {exc}"
        ) from None
    return dict(value)


def check_attributes(value: Mapping[str, Any], option: str) -> dict[str, Any]:
    """A copy of ``value`` if it can be HTML attributes: names to strings, numbers, booleans."""
    checked = check_json(value, option)
    for name, item in checked.items():
        if not name or not all(c.isalnum() or c in "-_" for c in name):
            raise ValueError(f"{option}= has {name!r}, which is not an attribute name.")
        if not isinstance(item, (str, int, float, bool)):
            raise ValueError(
                f"{option}={{{name!r}: ...}} must be a string, number or boolean; "
                f"got {type(item).__name__}."
            )
    return checked


def check_attribute_config(config: dict[str, Any]) -> dict[str, Any]:
    """``config=`` for UIs configured by their element's attributes."""
    return check_attributes(config, "config")


def element(tag: str, attributes: Mapping[str, Any]) -> str:
    """``<tag name="value" ...></tag>``, values escaped; booleans are ``"true"``/``"false"``."""
    parts = [tag]
    for name, value in attributes.items():
        text = str(value).lower() if isinstance(value, bool) else str(value)
        parts.append(f'{name}="{attr(text)}"')
    return f"<{' '.join(parts)}></{tag}>"


def sri_attributes(integrity: Mapping[str, str] | None, name: str) -> str:
    """`` integrity="..." crossorigin="anonymous"`` for a pinned file, else nothing."""
    value = (integrity or {}).get(name)
    return f' integrity="{attr(value)}" crossorigin="anonymous"' if value else ""


def asset_url(base: str, name: str, version: str | None) -> str:
    """The URL of one asset; ``version`` lets browsers cache it for long."""
    url = f"{base.rstrip('/')}/{name}"
    return f"{url}?v={version}" if version else url


def page(*, title: str, favicon_url: str | None, nonce: str, head: str, body: str) -> str:
    """A docs page. ``utf-8`` is declared first: Chromium misreads the bundles otherwise.

    The ``csp-nonce`` meta tells UIs that add style elements which nonce to give them.
    Without a favicon, ``data:,`` keeps browsers from asking for ``/favicon.ico``.
    """
    return (
        "<!doctype html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta property="csp-nonce" content="{attr(nonce)}">\n'
        f"<title>{escape(title)}</title>\n"
        f'<link rel="icon" href="{attr(favicon_url or "data:,")}">\n'
        f"{head}"
        "</head>\n"
        "<body>\n"
        f"{body}"
        "</body>\n"
        "</html>\n"
    )


def docs_response(
    content: str,
    *,
    nonce: str | None,
    csp: CSPOption,
    urls: Iterable[str | None] = (),
    fetched: Iterable[str] = (),
    inline_styles: bool = False,
) -> HTMLResponse:
    """An HTML response with the docs pages' headers.

    ``urls`` (assets, favicon) and ``fetched`` (the document) may be absolute: their
    origins join the policy. Pages are never cached: each carries its own nonce.
    """
    headers = {"cache-control": "no-store", "x-content-type-options": "nosniff"}
    if csp is not False:
        origins = [o for o in (origin_of(u) for u in urls if u) if o]
        connect = [o for o in (origin_of(u) for u in fetched) if o]
        headers["content-security-policy"] = content_security_policy(
            nonce=nonce,
            origins=origins,
            connect=connect,
            inline_styles=inline_styles,
            extra=None if csp is True else csp,
        )
    return HTMLResponse(content, headers=headers)
