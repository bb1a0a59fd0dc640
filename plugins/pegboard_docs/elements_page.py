"""Stoplight Elements: the page and the ``elements`` plugin's description."""

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

__all__ = ["ELEMENTS", "ELEMENTS_CDN", "elements", "elements_html"]

#: The ``<elements-api>`` attributes set unless ``config`` says otherwise. The hash
#: router keeps the page's own URL: the default one rewrites the path.
DEFAULT_CONFIG: Mapping[str, Any] = {"router": "hash", "layout": "sidebar"}


def elements_html(
    *,
    openapi_url: str,
    assets_url: str,
    title: str = "Elements",
    favicon_url: str | None = None,
    config: Mapping[str, Any] | None = None,
    csp: CSPOption = True,
    nonce: str | None = None,
    assets_version: str | None = None,
    integrity: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """The Stoplight Elements page for the document at ``openapi_url``, as a response.

    ``assets_url`` is where ``web-components.min.js`` and ``styles.min.css`` are: the
    ``assets_url`` of an enabled ``elements()`` plugin (``"/elements/assets"``) or
    :data:`ELEMENTS_CDN`. ``config`` holds ``<elements-api>`` attributes
    (``layout``, ``hideTryIt``, ``hideSchemas``, ...) over :data:`DEFAULT_CONFIG`.
    Elements adds a style element without a nonce, so this page's policy allows inline
    styles (scripts stay strict). ``csp``, ``nonce``, ``assets_version`` and ``integrity`` as for
    :func:`~pegboard_docs.swagger_ui_html`.
    """
    attributes = {
        **DEFAULT_CONFIG,
        **check_attributes(config or {}, "config"),
        "apiDescriptionUrl": openapi_url,
    }
    nonce = nonce or new_nonce()
    css = asset_url(assets_url, "styles.min.css", assets_version)
    bundle = asset_url(assets_url, "web-components.min.js", assets_version)
    head = (
        f'<link rel="stylesheet" href="{attr(css)}"{sri_attributes(integrity, "styles.min.css")}>\n'
        f'<script src="{attr(bundle)}"{sri_attributes(integrity, "web-components.min.js")}>'
        "</script>\n"
    )
    body = f"{element('elements-api', attributes)}\n"
    html = page(title=title, favicon_url=favicon_url, nonce=nonce, head=head, body=body)
    return docs_response(
        html,
        nonce=nonce,
        csp=csp,
        urls=(assets_url, favicon_url),
        fetched=(openapi_url,),
        inline_styles=True,
    )


ELEMENTS = DocsUI(
    name="elements",
    factory="elements",
    label="Elements",
    description="Stoplight Elements at /elements; works offline.",
    npm="@stoplight/elements",
    npm_folder="",
    served=("web-components.min.js", "styles.min.css"),
    page=elements_html,
    path="/elements",
    config_doc=(
        "``<elements-api>`` attributes (``layout``, ``hideTryIt``, ``hideSchemas``, "
        "``logo``, ...): strings, numbers or booleans"
    ),
    check_config=check_attribute_config,
)

#: Elements on jsDelivr, the pinned version, for ``elements(cdn=True)`` and ``assets_url=``.
ELEMENTS_CDN = ELEMENTS.cdn_url


elements: DocsUIFactory = ELEMENTS.make_factory()
