"""pegboard_openapi: an OpenAPI 3.1 document of a pegboard app, built only from hooks.

Enable it with ``App(plugins=[openapi(title="Shop", version="1.0")])`` (or by the
name ``"openapi"``). The document is assembled from the app's routes, the
descriptions that every enabled plugin's resolvers and encoders carry
(:mod:`pegboard.descriptions`), the route options this plugin declares, and the hooks
in :mod:`pegboard_openapi.hookspecs`. It imports no other plugin.
"""

from pegboard_openapi.components import Components
from pegboard_openapi.document import (
    build_document,
    get_openapi,
    openapi_url,
    render_document,
    to_yaml,
)
from pegboard_openapi.exceptions import OpenAPIWarning
from pegboard_openapi.plugin import ROUTE_OPTIONS, OpenAPIPlugin, openapi
from pegboard_openapi.routers import DocumentedRouter
from pegboard_openapi.settings import OpenAPISettings, default_operation_id, default_summary

__all__ = [
    "ROUTE_OPTIONS",
    "Components",
    "DocumentedRouter",
    "OpenAPIPlugin",
    "OpenAPISettings",
    "OpenAPIWarning",
    "build_document",
    "default_operation_id",
    "default_summary",
    "get_openapi",
    "openapi",
    "openapi_url",
    "render_document",
    "to_yaml",
]
