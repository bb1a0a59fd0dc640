"""pegboard_docs: Swagger UI, ReDoc, Scalar, RapiDoc and Elements for an OpenAPI document.

Five plugins, each enabled on its own and each needing the OpenAPI plugin:
``App(plugins=[openapi(), swagger_ui(), redoc()])`` (or the names ``"swagger"``,
``"redoc"``, ``"scalar"``, ``"rapidoc"``, ``"elements"``). One plugin class serves them
all; each UI is a :class:`DocsUI` description. The UIs' files are served by the app from
the asset package of each UI's extra (checked against hashes pinned in
:mod:`pegboard_docs.pins`) or a folder, or loaded from a CDN when asked; the pages carry a
strict Content-Security-Policy. The ``*_html`` functions render the same pages for apps
that serve them on routes of their own.
"""

from pegboard_docs.elements_page import ELEMENTS, ELEMENTS_CDN, elements, elements_html
from pegboard_docs.plugin import DocsSettings, DocsUI, DocsUIPlugin
from pegboard_docs.rapidoc_page import RAPIDOC, RAPIDOC_CDN, rapidoc, rapidoc_html
from pegboard_docs.redoc_page import REDOC, REDOC_CDN, redoc, redoc_html
from pegboard_docs.scalar_page import SCALAR, SCALAR_CDN, scalar, scalar_html
from pegboard_docs.swagger_page import (
    SWAGGER_UI,
    SWAGGER_UI_CDN,
    swagger_ui,
    swagger_ui_html,
    swagger_ui_oauth2_redirect_html,
)

#: Every UI, by plugin name.
UIS: dict[str, DocsUI] = {ui.name: ui for ui in (SWAGGER_UI, REDOC, SCALAR, RAPIDOC, ELEMENTS)}

__all__ = [
    "ELEMENTS",
    "ELEMENTS_CDN",
    "RAPIDOC",
    "RAPIDOC_CDN",
    "REDOC",
    "REDOC_CDN",
    "SCALAR",
    "SCALAR_CDN",
    "SWAGGER_UI",
    "SWAGGER_UI_CDN",
    "UIS",
    "DocsSettings",
    "DocsUI",
    "DocsUIPlugin",
    "elements",
    "elements_html",
    "rapidoc",
    "rapidoc_html",
    "redoc",
    "redoc_html",
    "scalar",
    "scalar_html",
    "swagger_ui",
    "swagger_ui_html",
    "swagger_ui_oauth2_redirect_html",
]
