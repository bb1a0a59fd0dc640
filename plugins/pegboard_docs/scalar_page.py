"""Scalar: the page and the ``scalar`` plugin's description."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pegboard import HTMLResponse
from pegboard_docs.csp import CSPOption, new_nonce
from pegboard_docs.html import (
    asset_url,
    attr,
    check_json,
    docs_response,
    page,
    script_json,
    sri_attributes,
)
from pegboard_docs.plugin import DocsUI, DocsUIFactory

__all__ = ["SCALAR", "SCALAR_CDN", "scalar", "scalar_html"]

#: What ``createApiReference`` is given unless ``config`` says otherwise. Scalar's
#: default fonts, its telemetry and its AI agent all call Scalar's servers, which the
#: page must not do: they are off.
DEFAULT_CONFIG: Mapping[str, Any] = {
    "withDefaultFonts": False,
    "telemetry": False,
    "agent": {"disabled": True},
}

_INIT = 'Scalar.createApiReference("#app", {config});\n'


def scalar_html(
    *,
    openapi_url: str,
    assets_url: str,
    title: str = "Scalar",
    favicon_url: str | None = None,
    config: Mapping[str, Any] | None = None,
    csp: CSPOption = True,
    nonce: str | None = None,
    assets_version: str | None = None,
    integrity: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """The Scalar API reference page for the document at ``openapi_url``, as a response.

    ``assets_url`` is where ``standalone.js`` is: the ``assets_url`` of an enabled
    ``scalar()`` plugin (``"/scalar/assets"``) or :data:`SCALAR_CDN`. ``config`` is
    Scalar's configuration, over :data:`DEFAULT_CONFIG`. Scalar sets inline styles
    without a nonce, so this page's policy allows inline styles (scripts stay strict).
    ``csp``, ``nonce``, ``assets_version`` and ``integrity`` as for
    :func:`~pegboard_docs.swagger_ui_html`.
    """
    settings = {**DEFAULT_CONFIG, "url": openapi_url, **check_json(config or {}, "config")}
    nonce = nonce or new_nonce()
    bundle = asset_url(assets_url, "standalone.js", assets_version)
    body = (
        '<div id="app"></div>\n'
        f'<script src="{attr(bundle)}"{sri_attributes(integrity, "standalone.js")}></script>\n'
        f'<script nonce="{attr(nonce)}">\n{_INIT.format(config=script_json(settings))}</script>\n'
    )
    html = page(title=title, favicon_url=favicon_url, nonce=nonce, head="", body=body)
    return docs_response(
        html,
        nonce=nonce,
        csp=csp,
        urls=(assets_url, favicon_url),
        fetched=(openapi_url,),
        inline_styles=True,
    )


SCALAR = DocsUI(
    name="scalar",
    factory="scalar",
    label="Scalar",
    description="Scalar's API reference at /scalar; works offline.",
    npm="@scalar/api-reference",
    npm_folder="dist/browser",
    served=("standalone.js",),
    page=scalar_html,
    path="/scalar",
    config_doc="Scalar's configuration (``theme``, ``layout``, ``hideModels``, ...)",
)

#: Scalar on jsDelivr, the pinned version, for ``scalar(cdn=True)`` and ``assets_url=``.
SCALAR_CDN = SCALAR.cdn_url


scalar: DocsUIFactory = SCALAR.make_factory()
