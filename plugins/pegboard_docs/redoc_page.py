"""ReDoc: the page and the ``redoc`` plugin's description."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pegboard import HTMLResponse
from pegboard_docs.csp import CSPOption, new_nonce
from pegboard_docs.html import asset_url, attr, check_json, docs_response, page, script_json
from pegboard_docs.plugin import DocsUI, DocsUIFactory

__all__ = ["REDOC", "REDOC_CDN", "redoc", "redoc_html"]

#: What ``init`` is given unless ``config`` says otherwise: ReDoc 3 reports usage to
#: its makers unless told not to.
DEFAULT_CONFIG: Mapping[str, Any] = {"disableTelemetry": True}

# ReDoc 3's bundle is an ES module exporting init(); ReDoc 2's is a classic script
# defining window.Redoc, which fails at once as a module. Both load from the same URL,
# checked against the pinned hash when there is one: the import map's, or the script's.
_INIT = """\
const bundle = {bundle};
const integrity = {integrity};
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
    if (integrity) {{
      script.integrity = integrity;
      script.crossOrigin = "anonymous";
    }}
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
    integrity: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """The ReDoc page for the document at ``openapi_url``, as a response.

    ``assets_url`` is where ``redoc.standalone.js`` is: the ``assets_url`` of an
    enabled ``redoc()`` plugin (``"/redoc/assets"``) or :data:`REDOC_CDN`. ``config``
    holds ReDoc's options, over :data:`DEFAULT_CONFIG`. ``csp``, ``nonce``,
    ``assets_version`` and ``integrity`` as for :func:`~pegboard_docs.swagger_ui_html`.
    """
    nonce = nonce or new_nonce()
    # ReDoc 2 gives its style elements this nonce; without it they are refused.
    options = {**DEFAULT_CONFIG, "nonce": nonce, **check_json(config or {}, "config")}
    bundle = asset_url(assets_url, "redoc.standalone.js", assets_version)
    head = f'<style nonce="{attr(nonce)}">body {{ margin: 0; padding: 0; }}</style>\n'
    pinned = (integrity or {}).get("redoc.standalone.js")
    if pinned:  # import() carries no hash; an import map gives it one
        import_map = script_json({"integrity": {bundle: pinned}})
        head += f'<script type="importmap" nonce="{attr(nonce)}">{import_map}</script>\n'
    script = _INIT.format(
        bundle=script_json(bundle),
        integrity=script_json(pinned),
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


REDOC = DocsUI(
    name="redoc",
    factory="redoc",
    label="ReDoc",
    description="ReDoc at /redoc; works offline.",
    npm="redoc",
    npm_folder="bundles",
    served=("redoc.standalone.js",),
    page=redoc_html,
    path="/redoc",
    config_doc="ReDoc's options (``hideDownloadButton``, ``expandResponses``, ``theme``, ...)",
)

#: ReDoc on jsDelivr, the pinned version, for ``redoc(cdn=True)`` and ``assets_url=``.
REDOC_CDN = REDOC.cdn_url


redoc: DocsUIFactory = REDOC.make_factory()
