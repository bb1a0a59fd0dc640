"""pegboard_docs: Swagger UI, ReDoc and Scalar pages for an app's OpenAPI document.

Three plugins, each enabled on its own and each needing the OpenAPI plugin:
``App(plugins=[openapi(), swagger_ui(), redoc(), scalar()])`` (or the names
``"swagger"``, ``"redoc"``, ``"scalar"``). The UIs' files are served by the app from
installed packages (the ``docs`` extra) or a folder, or loaded from a CDN when asked;
the pages carry a strict Content-Security-Policy. The ``*_html`` functions render the
same pages for apps that serve them on routes of their own.
"""

from pegboard_docs.plugin import DocsSettings, DocsUIPlugin
from pegboard_docs.redoc_page import REDOC_CDN, RedocPlugin, redoc, redoc_html
from pegboard_docs.scalar_page import SCALAR_CDN, ScalarPlugin, scalar, scalar_html
from pegboard_docs.swagger_page import (
    SWAGGER_UI_CDN,
    SwaggerUIPlugin,
    swagger_ui,
    swagger_ui_html,
    swagger_ui_oauth2_redirect_html,
)

__all__ = [
    "REDOC_CDN",
    "SCALAR_CDN",
    "SWAGGER_UI_CDN",
    "DocsSettings",
    "DocsUIPlugin",
    "RedocPlugin",
    "ScalarPlugin",
    "SwaggerUIPlugin",
    "redoc",
    "redoc_html",
    "scalar",
    "scalar_html",
    "swagger_ui",
    "swagger_ui_html",
    "swagger_ui_oauth2_redirect_html",
]
