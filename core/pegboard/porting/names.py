"""What ``pegboard port`` knows about FastAPI: its names, its app options, its dead ends.

Plain tables, read by :mod:`pegboard.porting.transform`. Each FastAPI name maps to
pegboard's answer; each ``FastAPI(...)`` keyword to the plugin option that owns it;
each construct without an answer to the sentence the porter prints instead.
"""

from __future__ import annotations

__all__ = [
    "APP_ATTRIBUTES",
    "APP_KEYWORDS",
    "COMPATIBILITY",
    "DOCS_PAGE_CALLS",
    "NAMES",
    "PLUGIN_MODULES",
    "PLUGIN_ORDER",
    "REFUSED_ATTRIBUTES",
    "REFUSED_KEYWORDS",
    "REFUSED_NAMES",
    "ROUTE_WRAPPER",
    "plugins_of_module",
]

_CORE = "pegboard"

#: (FastAPI module, name) -> (pegboard module, name).
NAMES: dict[tuple[str, str], tuple[str, str]] = {}


def _add(
    fastapi_module: str, target_module: str, *names: str, rename: dict[str, str] | None = None
) -> None:
    for name in names:
        NAMES[(fastapi_module, name)] = (target_module, (rename or {}).get(name, name))


_add("fastapi", _CORE, "FastAPI", rename={"FastAPI": "App"})
for _module in ("fastapi", "fastapi.routing"):
    _add(_module, _CORE, "APIRouter", rename={"APIRouter": "Router"})
_add(
    "fastapi",
    _CORE,
    "BackgroundTasks",
    "HTTPException",
    "Request",
    "Response",
    "UploadFile",
    "WebSocket",
    "WebSocketDisconnect",
    "WebSocketException",
)
_add("fastapi", "starlette", "status")
_add("fastapi", "pegboard_validation", "Body", "Cookie", "File", "Form", "Header", "Path", "Query")
_add("fastapi", "pegboard_di", "Depends")
_add("fastapi", "pegboard_security", "Security")
_add("fastapi.background", _CORE, "BackgroundTasks")
_add("fastapi.requests", _CORE, "Request", "HTTPConnection")
_add("fastapi.websockets", _CORE, "WebSocket", "WebSocketDisconnect")
_add("fastapi.datastructures", _CORE, "UploadFile")
_add("fastapi.encoders", _CORE, "jsonable_encoder")
_add("fastapi.exceptions", _CORE, "HTTPException", "RequestValidationError", "WebSocketException")
_add("fastapi.exceptions", "pegboard_validation", "ResponseValidationError")
_add(
    "fastapi.exception_handlers",
    "pegboard.exception_handlers",
    "http_exception_handler",
    "request_validation_exception_handler",
)
_add(
    "fastapi.responses",
    _CORE,
    "FileResponse",
    "HTMLResponse",
    "JSONResponse",
    "PlainTextResponse",
    "RedirectResponse",
    "Response",
    "StreamingResponse",
    # pegboard's JSONResponse already serialises with orjson when it is installed.
    "ORJSONResponse",
    "UJSONResponse",
    rename={"ORJSONResponse": "JSONResponse", "UJSONResponse": "JSONResponse"},
)
_add("fastapi.sse", _CORE, "EventSourceResponse", "ServerSentEvent")
_add("fastapi.staticfiles", "pegboard.staticfiles", "StaticFiles")
_add("fastapi.templating", "pegboard.templating", "Jinja2Templates")
_add("fastapi.testclient", "starlette.testclient", "TestClient")
_add(
    "fastapi.security",
    "pegboard_security",
    "APIKeyCookie",
    "APIKeyHeader",
    "APIKeyQuery",
    "HTTPAuthorizationCredentials",
    "HTTPBasic",
    "HTTPBasicCredentials",
    "HTTPBearer",
    "HTTPDigest",
    "OAuth2",
    "OAuth2AuthorizationCodeBearer",
    "OAuth2PasswordBearer",
    "OAuth2PasswordRequestForm",
    "OAuth2PasswordRequestFormStrict",
    "OpenIdConnect",
    "SecurityScopes",
)
_add("fastapi.openapi.utils", "pegboard_openapi", "get_openapi")
_add(
    "fastapi.openapi.docs",
    "pegboard_docs",
    "get_swagger_ui_html",
    "get_redoc_html",
    "get_swagger_ui_oauth2_redirect_html",
    rename={
        "get_swagger_ui_html": "swagger_ui_html",
        "get_redoc_html": "redoc_html",
        "get_swagger_ui_oauth2_redirect_html": "swagger_ui_oauth2_redirect_html",
    },
)
for _name, _cls in (
    ("cors", "CORSMiddleware"),
    ("gzip", "GZipMiddleware"),
    ("httpsredirect", "HTTPSRedirectMiddleware"),
    ("trustedhost", "TrustedHostMiddleware"),
    ("wsgi", "WSGIMiddleware"),
):
    # FastAPI re-exports Starlette's middleware modules.
    NAMES[(f"fastapi.middleware.{_name}", _cls)] = (f"starlette.middleware.{_name}", _cls)

# APIRoute: a route wrapper where the module subclasses it (get_route_handler), else
# the route as pegboard describes it (generate_unique_id_function's argument).
_add("fastapi.routing", _CORE, "APIRoute", rename={"APIRoute": "RouteInfo"})
#: What ``APIRoute`` becomes in a module that subclasses it.
ROUTE_WRAPPER = (_CORE, "RouteWrapper")

#: FastAPI names without a pegboard answer: what to write instead.
REFUSED_NAMES: dict[str, str] = {}
_REFUSED_DEFAULT = "pegboard has no equivalent; see docs/fastapi.md for what to write instead"


def refusal_of_name(name: str) -> str:
    return REFUSED_NAMES.get(name, _REFUSED_DEFAULT)


#: Plugins in the order the porter lists them in ``App(plugins=[...])``.
PLUGIN_ORDER = ("validation", "di", "security", "openapi", "swagger_ui", "redoc")
#: plugin factory -> the module it comes from.
PLUGIN_MODULES = {
    "validation": "pegboard_validation",
    "di": "pegboard_di",
    "security": "pegboard_security",
    "openapi": "pegboard_openapi",
    "swagger_ui": "pegboard_docs",
    "redoc": "pegboard_docs",
}

#: Settings the porter turns on so a ported app answers and documents as FastAPI did:
#: plugin (or "app", for App itself) -> (option, value as code). Each is documented
#: on its plugin's page.
COMPATIBILITY: dict[str, tuple[tuple[str, str], ...]] = {
    "app": (("json_server_errors", "False"),),
    "validation": (("wrong_content_type", '"validate"'),),
    "security": (("fastapi_compatible", "True"),),
    "openapi": (("fastapi_compatible", "True"),),
}


def plugins_of_module(module: str) -> tuple[str, ...]:
    """The plugins a name imported from pegboard's ``module`` needs enabled."""
    if module == "pegboard_security":
        return ("di", "security")
    if module in ("pegboard_validation", "pegboard_di"):
        return (module.removeprefix("pegboard_"),)
    return ()


# FastAPI(...) keyword -> (plugin, its keyword); "app": an App keyword, under that name.
APP_KEYWORDS: dict[str, tuple[str, str]] = {
    "debug": ("app", "debug"),
    "routes": ("app", "routes"),
    "middleware": ("app", "middleware"),
    "exception_handlers": ("app", "exception_handlers"),
    "lifespan": ("app", "lifespan"),
    "root_path": ("app", "root_path"),
    "redirect_slashes": ("app", "redirect_slashes"),
    "max_body_size": ("app", "max_body_size"),
    "dependencies": ("app", "dependencies"),
    "default_response_class": ("app", "response_class"),
    "title": ("openapi", "title"),
    "version": ("openapi", "version"),
    "description": ("openapi", "description"),
    "summary": ("openapi", "summary"),
    "terms_of_service": ("openapi", "terms_of_service"),
    "contact": ("openapi", "contact"),
    "license_info": ("openapi", "license_info"),
    "servers": ("openapi", "servers"),
    "openapi_tags": ("openapi", "tags"),
    "openapi_url": ("openapi", "openapi_url"),
    "openapi_external_docs": ("openapi", "external_docs"),
    "root_path_in_servers": ("openapi", "root_path_in_servers"),
    "generate_unique_id_function": ("openapi", "generate_operation_id"),
    "separate_input_output_schemas": ("validation", "separate_input_output_schemas"),
    "strict_content_type": ("validation", "strict_content_type"),
    "docs_url": ("swagger_ui", "url"),
    "swagger_ui_parameters": ("swagger_ui", "config"),
    "swagger_ui_init_oauth": ("swagger_ui", "init_oauth"),
    "swagger_ui_oauth2_redirect_url": ("swagger_ui", "oauth2_redirect_url"),
    "redoc_url": ("redoc", "url"),
}

#: What ``app.webhooks`` and the routers given as ``callbacks=`` become (pegboard_openapi).
DOCUMENTED_ROUTER = "DocumentedRouter"

#: Keywords (on FastAPI(), APIRouter() or a route) without a pegboard answer.
REFUSED_KEYWORDS: dict[str, str] = {
    "openapi_prefix": "use root_path= on the App",
}

#: ``x.attribute`` uses without a pegboard answer.
REFUSED_ATTRIBUTES: dict[str, str] = {
    "openapi_schema": (
        "the document is built by the openapi plugin: change it with openapi(...) options "
        "or the pegboard_openapi hooks (see docs/plugins/openapi.md)"
    ),
}

#: ``app.<attribute>`` of a ``FastAPI(...)`` app: the keyword it comes from, and
#: FastAPI's default. The porter writes the value in its place.
APP_ATTRIBUTES: dict[str, str] = {
    "title": '"FastAPI"',
    "version": '"0.1.0"',
    "openapi_url": '"/openapi.json"',
    "docs_url": '"/docs"',
    "redoc_url": '"/redoc"',
    "swagger_ui_oauth2_redirect_url": '"/docs/oauth2-redirect"',
}

#: FastAPI's docs page functions: (their keyword -> pegboard's), the asset file whose
#: folder becomes ``assets_url=``, and FastAPI's default folder for it.
DOCS_PAGE_CALLS: dict[str, tuple[dict[str, str], dict[str, str], str]] = {
    "get_swagger_ui_html": (
        {
            "openapi_url": "openapi_url",
            "title": "title",
            "oauth2_redirect_url": "oauth2_redirect_url",
            "init_oauth": "init_oauth",
            "swagger_ui_parameters": "config",
            "swagger_favicon_url": "favicon_url",
        },
        {"swagger_js_url": "swagger-ui-bundle.js", "swagger_css_url": "swagger-ui.css"},
        "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5",
    ),
    "get_redoc_html": (
        {"openapi_url": "openapi_url", "title": "title", "redoc_favicon_url": "favicon_url"},
        {"redoc_js_url": "redoc.standalone.js"},
        "https://cdn.jsdelivr.net/npm/redoc@2/bundles",
    ),
    "get_swagger_ui_oauth2_redirect_html": (
        {},
        {},
        "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5",
    ),
}
