"""ReDoc: the page and the ``redoc`` plugin's description."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

from pegboard import HTMLResponse
from pegboard_docs.csp import CSPOption, new_nonce
from pegboard_docs.html import asset_url, attr, check_json, docs_response, page, script_json
from pegboard_docs.plugin import DocsUI, DocsUIPlugin, PageURLs

__all__ = ["REDOC", "REDOC_CDN", "redoc", "redoc_html"]

#: What ``init`` is given unless ``config`` says otherwise: ReDoc 3 reports usage to
#: its makers unless told not to.
DEFAULT_CONFIG: Mapping[str, Any] = {"disableTelemetry": True}

# ReDoc 3's bundle is an ES module exporting init(); ReDoc 2's is a classic script
# defining window.Redoc, which fails at once as a module. Both load from the same URL.
_INIT = """\
const bundle = {bundle};
const options = {options};
let init;
try {{
  ({{ init }} = await import(bundle));
}} catch {{
  init = undefined;
}}
if (typeof init !== "function") {{
  await new Promise((resolve, reject) => {{
    const script = document.createElement("script");
    script.src = bundle;
    script.onload = resolve;
    script.onerror = reject;
    document.head.append(script);
  }});
  init = window.Redoc.init;
}}
init({openapi_url}, options, document.getElementById("redoc"));
"""


def redoc_html(
    *,
    openapi_url: str,
    assets_url: str,
    title: str = "ReDoc",
    favicon_url: str | None = None,
    config: Mapping[str, Any] | None = None,
    csp: CSPOption = True,
    nonce: str | None = None,
    assets_version: str | None = None,
) -> HTMLResponse:
    """The ReDoc page for the document at ``openapi_url``, as a response.

    ``assets_url`` is where ``redoc.standalone.js`` is: the ``assets_url`` of an
    enabled ``redoc()`` plugin (``"/redoc/assets"``) or :data:`REDOC_CDN`. ``config``
    holds ReDoc's options, over :data:`DEFAULT_CONFIG`. ``csp``, ``nonce`` and
    ``assets_version`` as for :func:`~pegboard_docs.swagger_ui_html`.
    """
    nonce = nonce or new_nonce()
    # ReDoc 2 gives its style elements this nonce; without it they are refused.
    options = {**DEFAULT_CONFIG, "nonce": nonce, **check_json(config or {}, "config")}
    bundle = asset_url(assets_url, "redoc.standalone.js", assets_version)
    head = f'<style nonce="{attr(nonce)}">body {{ margin: 0; padding: 0; }}</style>\n'
    script = _INIT.format(
        bundle=script_json(bundle),
        options=script_json(options),
        openapi_url=script_json(openapi_url),
    )
    body = (
        f'<div id="redoc"></div>\n<script type="module" nonce="{attr(nonce)}">\n{script}</script>\n'
    )
    html = page(title=title, favicon_url=favicon_url, nonce=nonce, head=head, body=body)
    return docs_response(
        html, nonce=nonce, csp=csp, urls=(assets_url, favicon_url), fetched=(openapi_url,)
    )


def _render(plugin: DocsUIPlugin, urls: PageURLs, root_path: str) -> Response:
    return redoc_html(
        openapi_url=urls.openapi_url,
        assets_url=urls.assets_url,
        assets_version=urls.assets_version,
        title=urls.title,
        favicon_url=urls.favicon_url,
        config=plugin.settings.config,
        csp=plugin.settings.csp,
    )


REDOC = DocsUI(
    name="redoc",
    factory="redoc",
    label="ReDoc",
    description="ReDoc at /redoc; works offline.",
    npm="redoc",
    npm_folder="bundles",
    served=("redoc.standalone.js",),
    render=_render,
)

#: ReDoc on jsDelivr, the pinned version, for ``redoc(cdn=True)`` and ``assets_url=``.
REDOC_CDN = REDOC.cdn_url


def redoc(
    *,
    url: str | None = "/redoc",
    title: str | None = None,
    openapi_url: str | None = None,
    favicon_url: str | None = None,
    config: Mapping[str, Any] | None = None,
    assets_url: str = "/redoc/assets",
    assets_dir: str | os.PathLike[str] | None = None,
    cdn: bool = False,
    cdn_url: str = REDOC_CDN,
    csp: CSPOption = True,
) -> DocsUIPlugin:
    """The ReDoc plugin: ``App(plugins=[openapi(), redoc()])``; needs ``openapi``.

    ``config`` holds ReDoc's options (``hideDownloadButton``, ``expandResponses``,
    ``theme``, ...).
    Every other option is as for :func:`~pegboard_docs.swagger_ui`.
    """
    return REDOC.plugin(**locals())
