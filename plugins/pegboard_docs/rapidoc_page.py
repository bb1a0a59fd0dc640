"""RapiDoc: the page and the ``rapidoc`` plugin's description."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pegboard import HTMLResponse
from pegboard_docs.csp import CSPOption, new_nonce
from pegboard_docs.html import (
    asset_url,
    attr,
    check_attribute_config,
    check_attributes,
    docs_response,
    element,
    page,
    sri_attributes,
)
from pegboard_docs.plugin import DocsUI, DocsUIFactory

__all__ = ["RAPIDOC", "RAPIDOC_CDN", "rapidoc", "rapidoc_html"]

#: The ``<rapi-doc>`` attributes set unless ``config`` says otherwise. The header holds
#: a box to load any other document, which these pages do not offer; the fonts would
#: come from Google's servers, which the page must not call.
DEFAULT_CONFIG: Mapping[str, Any] = {
    "show-header": False,
    "load-fonts": False,
    "allow-spec-url-load": False,
    "allow-spec-file-load": False,
}


def rapidoc_html(
    *,
    openapi_url: str,
    assets_url: str,
    title: str = "RapiDoc",
    favicon_url: str | None = None,
    config: Mapping[str, Any] | None = None,
    csp: CSPOption = True,
    nonce: str | None = None,
    assets_version: str | None = None,
    integrity: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """The RapiDoc page for the document at ``openapi_url``, as a response.

    ``assets_url`` is where ``rapidoc-min.js`` is: the ``assets_url`` of an enabled
    ``rapidoc()`` plugin (``"/rapidoc/assets"``) or :data:`RAPIDOC_CDN`. ``config``
    holds ``<rapi-doc>`` attributes (``theme``, ``render-style``, ...) over
    :data:`DEFAULT_CONFIG`. ``csp``, ``nonce``, ``assets_version`` and ``integrity`` as for
    :func:`~pegboard_docs.swagger_ui_html`. RapiDoc sets inline styles without a nonce,
    so this page's policy allows inline styles (scripts stay strict).
    """
    attributes = {
        **DEFAULT_CONFIG,
        **check_attributes(config or {}, "config"),
        "spec-url": openapi_url,
    }
    nonce = nonce or new_nonce()
    bundle = asset_url(assets_url, "rapidoc-min.js", assets_version)
    body = (
        f'{element("rapi-doc", attributes)}\n<script type="module" src="{attr(bundle)}"'
        f"{sri_attributes(integrity, 'rapidoc-min.js')}></script>\n"
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


RAPIDOC = DocsUI(
    name="rapidoc",
    factory="rapidoc",
    label="RapiDoc",
    description="RapiDoc at /rapidoc; works offline.",
    npm="rapidoc",
    npm_folder="dist",
    served=("rapidoc-min.js",),
    legal=("LICENSE.txt", "package.json"),
    page=rapidoc_html,
    path="/rapidoc",
    config_doc=(
        "``<rapi-doc>`` attributes (``theme``, ``render-style``, ``show-info``, ...): "
        "strings, numbers or booleans"
    ),
    check_config=check_attribute_config,
)

#: RapiDoc on jsDelivr, the pinned version, for ``rapidoc(cdn=True)`` and ``assets_url=``.
RAPIDOC_CDN = RAPIDOC.cdn_url


rapidoc: DocsUIFactory = RAPIDOC.make_factory()
