"""Swagger UI: the page, its OAuth2 redirect page, and the ``swagger`` plugin's description."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from pegboard import HTMLResponse
from pegboard_docs.assets import Assets
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
from pegboard_docs.plugin import DocsUI, DocsUIPlugin

__all__ = [
    "SWAGGER_UI",
    "SWAGGER_UI_CDN",
    "swagger_ui",
    "swagger_ui_html",
    "swagger_ui_oauth2_redirect_html",
]

#: What ``SwaggerUIBundle`` is given unless ``config`` says otherwise. ``validatorUrl``
#: is off: the default validator is a third-party site, which the page must not call.
DEFAULT_CONFIG: Mapping[str, Any] = {
    "dom_id": "#swagger-ui",
    "layout": "BaseLayout",
    "deepLinking": True,
    "showExtensions": True,
    "showCommonExtensions": True,
    "validatorUrl": None,
}

#: The options of ``ui.initOAuth()``, as Swagger UI documents them.
INIT_OAUTH_KEYS = frozenset(
    {
        "clientId",
        "clientSecret",
        "realm",
        "appName",
        "scopeSeparator",
        "scopes",
        "additionalQueryStringParams",
        "useBasicAuthenticationWithAccessCodeGrant",
        "usePkceWithAuthorizationCodeGrant",
    }
)

# Constant, so it could be hashed as well; the nonce covers it. The presets are
# functions, which JSON cannot carry, and the redirect URL must be absolute.
_INIT = """\
const config = {config};
const initOAuth = {init_oauth};
config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
if (config.oauth2RedirectUrl) {{
  config.oauth2RedirectUrl = new URL(config.oauth2RedirectUrl, window.location.href).href;
}}
window.ui = SwaggerUIBundle(config);
if (initOAuth) {{
  window.ui.initOAuth(initOAuth);
}}
"""


def _init_oauth(value: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    checked = check_json(value, "init_oauth")
    unknown = sorted(set(checked) - INIT_OAUTH_KEYS)
    if unknown:
        raise ValueError(
            f"init_oauth= has {', '.join(map(repr, unknown))}, which Swagger UI does not "
            f"know. Its options are: {', '.join(sorted(INIT_OAUTH_KEYS))}."
        )
    return checked


def swagger_ui_html(
    *,
    openapi_url: str,
    assets_url: str,
    title: str = "Swagger UI",
    favicon_url: str | None = None,
    oauth2_redirect_url: str | None = None,
    init_oauth: Mapping[str, Any] | None = None,
    config: Mapping[str, Any] | None = None,
    csp: CSPOption = True,
    nonce: str | None = None,
    assets_version: str | None = None,
    integrity: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """The Swagger UI page for the document at ``openapi_url``, as a response.

    For apps that serve the page on a route of their own. ``assets_url`` is where the
    Swagger UI files are: the ``assets_url`` of an enabled ``swagger_ui()`` plugin
    (``"/docs/assets"``) or :data:`SWAGGER_UI_CDN`. ``config`` is passed to
    ``SwaggerUIBundle`` over :data:`DEFAULT_CONFIG`; ``init_oauth`` to
    ``ui.initOAuth()``. The response carries a Content-Security-Policy with a fresh
    nonce (``csp=False`` leaves it out; a dict adds sources to its directives).
    ``assets_version`` is added to the files' URLs as ``?v=``; ``integrity`` maps file
    names to SRI hashes the browser checks them against (the pins, by default in the
    plugin).
    """
    settings = {**DEFAULT_CONFIG, "url": openapi_url}
    if oauth2_redirect_url is not None:
        settings["oauth2RedirectUrl"] = oauth2_redirect_url
    settings.update(check_json(config or {}, "config"))
    oauth = _init_oauth(init_oauth)
    nonce = nonce or new_nonce()
    css = asset_url(assets_url, "swagger-ui.css", assets_version)
    bundle = asset_url(assets_url, "swagger-ui-bundle.js", assets_version)
    head = (
        f'<link rel="stylesheet" href="{attr(css)}"{sri_attributes(integrity, "swagger-ui.css")}>\n'
    )
    body = (
        '<div id="swagger-ui"></div>\n'
        f'<script src="{attr(bundle)}"{sri_attributes(integrity, "swagger-ui-bundle.js")}>'
        "</script>\n"
        f'<script nonce="{attr(nonce)}">\n'
        f"{_INIT.format(config=script_json(settings), init_oauth=script_json(oauth))}"
        "</script>\n"
    )
    html = page(title=title, favicon_url=favicon_url, nonce=nonce, head=head, body=body)
    return docs_response(
        html, nonce=nonce, csp=csp, urls=(assets_url, favicon_url), fetched=(openapi_url,)
    )


def swagger_ui_oauth2_redirect_html(
    *,
    assets_url: str,
    csp: CSPOption = True,
    assets_version: str | None = None,
    integrity: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """The page an OAuth2 server redirects to after the Authorize dialog's login.

    Serve it at the ``oauth2_redirect_url`` given to :func:`swagger_ui_html`. Its
    script, ``oauth2-redirect.js``, comes from ``assets_url`` and hands the result to
    the Swagger UI window that opened the login.
    """
    script = asset_url(assets_url, "oauth2-redirect.js", assets_version)
    html = (
        "<!doctype html>\n"
        '<html lang="en">\n'
        '<head>\n<meta charset="utf-8">\n<title>Swagger UI: OAuth2 Redirect</title>\n</head>\n'
        f'<body>\n<script src="{attr(script)}"'
        f"{sri_attributes(integrity, 'oauth2-redirect.js')}></script>\n</body>\n"
        "</html>\n"
    )
    return docs_response(html, nonce=None, csp=csp, urls=(assets_url,))


def _check_options(options: dict[str, Any]) -> dict[str, Any]:
    redirect = options.pop("oauth2_redirect_url")
    if redirect is not None and not redirect.startswith("/"):
        raise ValueError(f"URLs served by the app must start with '/', got {redirect!r}.")
    return {"oauth2_redirect_url": redirect, "init_oauth": _init_oauth(options.pop("init_oauth"))}


def _page_options(plugin: DocsUIPlugin, root_path: str) -> dict[str, Any]:
    redirect = plugin.options["oauth2_redirect_url"]
    return {
        "oauth2_redirect_url": None if redirect is None else root_path + redirect,
        "init_oauth": plugin.options["init_oauth"],
    }


def _redirect_route(plugin: DocsUIPlugin, assets: Assets) -> list[BaseRoute]:
    redirect_url = plugin.options["oauth2_redirect_url"]
    if redirect_url is None:
        return []
    csp = plugin.settings.csp

    async def oauth2_redirect(request: Request) -> Response:
        root_path = request.scope.get("root_path", "").rstrip("/")
        base, version = plugin.assets_base(root_path, assets)
        return swagger_ui_oauth2_redirect_html(
            assets_url=base, csp=csp, assets_version=version, integrity=assets.integrity
        )

    route = Route(
        redirect_url,
        oauth2_redirect,
        methods=["GET"],
        name="swagger_oauth2_redirect",
        include_in_schema=False,
    )
    return [route]


SWAGGER_UI = DocsUI(
    name="swagger",
    factory="swagger_ui",
    label="Swagger UI",
    description="Swagger UI at /docs, with its OAuth2 redirect page; works offline.",
    npm="swagger-ui-dist",
    npm_folder="",
    served=("swagger-ui-bundle.js", "swagger-ui.css", "oauth2-redirect.js", "favicon-32x32.png"),
    optional=("favicon-32x32.png",),
    icon="favicon-32x32.png",
    legal=("LICENSE", "NOTICE", "package.json"),
    page=swagger_ui_html,
    path="/docs",
    page_options=_page_options,
    check_options=_check_options,
    extra_routes=_redirect_route,
    subfolder="swagger-ui",
)

#: Swagger UI on jsDelivr, the pinned version, for ``swagger_ui(cdn=True)`` and ``assets_url=``.
SWAGGER_UI_CDN = SWAGGER_UI.cdn_url


def swagger_ui(
    *,
    url: str | None = "/docs",
    title: str | None = None,
    openapi_url: str | None = None,
    favicon_url: str | None = None,
    config: Mapping[str, Any] | None = None,
    init_oauth: Mapping[str, Any] | None = None,
    oauth2_redirect_url: str | None = "/docs/oauth2-redirect",
    assets_url: str = "/docs/assets",
    assets_dir: str | os.PathLike[str] | None = None,
    cdn: bool = False,
    cdn_url: str = SWAGGER_UI_CDN,
    csp: CSPOption = True,
) -> DocsUIPlugin:
    """The Swagger UI plugin: ``App(plugins=[openapi(), swagger_ui()])``; needs ``openapi``.

    Serves the page at ``url`` (None: no page, for apps that serve their own with
    :func:`swagger_ui_html`), titled ``title`` (default: the document's title and
    " - Swagger UI"), showing the document at ``openapi_url`` (default: where the
    OpenAPI plugin serves it). ``config`` goes to ``SwaggerUIBundle`` (``deepLinking``,
    ``persistAuthorization``, ``syntaxHighlight``, ...), ``init_oauth`` to
    ``ui.initOAuth()`` (``clientId``, ``scopes``, ``usePkceWithAuthorizationCodeGrant``,
    ...). The OAuth2 redirect page is served at ``oauth2_redirect_url`` (None: not
    served).

    The Swagger UI files come from the ``swagger`` extra's package, checked against
    their pinned hashes, and are served at ``assets_url``; ``assets_dir`` serves them
    from a folder instead (see ``pegboard docs-assets``), and ``cdn=True`` has browsers
    load them from ``cdn_url``. ``csp`` is the pages' Content-Security-Policy: True,
    False (none), or a dict of extra sources by directive
    (``{"connect-src": ["https://api.example.com"]}``).
    """
    return SWAGGER_UI.plugin(**locals())
