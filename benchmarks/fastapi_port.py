"""Port a FastAPI module to pegboard the way the "Coming from FastAPI" page says.

Two edits, nothing else:

* every ``from fastapi... import name`` becomes an import of pegboard's answer to
  ``name``, under the same local name (``from pegboard import Router as APIRouter``);
* every ``FastAPI(...)`` call becomes ``App(plugins=[...])`` with all first-party
  plugins enabled, and the keyword arguments that belong to a plugin moved into it
  (``title=`` into ``openapi()``, ``docs_url=`` into ``swagger_ui()``).

A name pegboard has no answer for becomes an import that fails with
``ImportError: not ported: ...``, so the module fails loudly instead of quietly
running FastAPI's code. ``python -m benchmarks.tutorials`` runs FastAPI's own
tutorial tests against the ported tutorials.
"""

from __future__ import annotations

import ast

__all__ = ["NAMES", "port_source"]

_CORE = "pegboard"

#: (FastAPI module, name) -> (pegboard module, name).
NAMES: dict[tuple[str, str], tuple[str, str]] = {}


def _add(
    fastapi_module: str, target_module: str, *names: str, rename: dict[str, str] | None = None
) -> None:
    for name in names:
        NAMES[(fastapi_module, name)] = (target_module, (rename or {}).get(name, name))


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
for _name in ("cors", "gzip", "httpsredirect", "trustedhost", "wsgi"):
    # FastAPI re-exports Starlette's middleware modules.
    _module = f"fastapi.middleware.{_name}"
    for _cls in (
        "CORSMiddleware",
        "GZipMiddleware",
        "HTTPSRedirectMiddleware",
        "TrustedHostMiddleware",
    ):
        NAMES[(_module, _cls)] = (f"starlette.middleware.{_name}", _cls)

# FastAPI(...) keyword -> (plugin, its keyword); None: the App keeps it.
_APP_KEYWORDS: dict[str, tuple[str, str] | None] = {
    "debug": None,
    "routes": None,
    "middleware": None,
    "exception_handlers": None,
    "lifespan": None,
    "root_path": None,
    "redirect_slashes": None,
    "max_body_size": None,
    "dependencies": None,
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
    "generate_unique_id_function": ("openapi", "generate_operation_id"),
    "separate_input_output_schemas": ("validation", "separate_input_output_schemas"),
    "strict_content_type": ("validation", "strict_content_type"),
    "docs_url": ("swagger_ui", "url"),
    "swagger_ui_parameters": ("swagger_ui", "config"),
    "swagger_ui_init_oauth": ("swagger_ui", "init_oauth"),
    "swagger_ui_oauth2_redirect_url": ("swagger_ui", "oauth2_redirect_url"),
    "redoc_url": ("redoc", "url"),
}
_PLUGIN_IMPORTS = {
    "validation": "pegboard_validation",
    "di": "pegboard_di",
    "security": "pegboard_security",
    "openapi": "pegboard_openapi",
    "swagger_ui": "pegboard_docs",
    "redoc": "pegboard_docs",
}
# FastAPI's defaults, so the documents compare: pegboard's own are "pegboard", "0.1.0".
_OPENAPI_DEFAULTS = {"title": "'FastAPI'", "version": "'0.1.0'"}
_PREFIX = "_pegboard_"


def port_source(source: str) -> str:
    """Return ``source`` with FastAPI's imports and app construction made pegboard's."""
    tree = ast.parse(source)
    app_names: set[str] = set()
    edits: list[tuple[int, int, str]] = []  # (start offset, end offset, new text)
    offsets = _line_offsets(source)

    def span(node: ast.AST) -> tuple[int, int]:
        start = offsets[node.lineno - 1] + node.col_offset  # type: ignore[attr-defined]
        end = offsets[node.end_lineno - 1] + node.end_col_offset  # type: ignore[attr-defined]
        return start, end

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and _is_fastapi(node.module or ""):
            lines = []
            for alias in node.names:
                local = alias.asname or alias.name
                if node.module == "fastapi" and alias.name == "FastAPI":
                    app_names.add(local)
                    continue
                target = NAMES.get((node.module or "", alias.name))
                if target is None:
                    lines.append(f"raise ImportError('not ported: {node.module}.{alias.name}')")
                else:
                    lines.append(f"from {target[0]} import {target[1]} as {local}")
            indent = " " * node.col_offset
            start, end = span(node)
            edits.append((start, end, ("\n" + indent).join(lines) or "pass"))
        elif isinstance(node, ast.Import) and any(
            a.name.split(".")[0] == "fastapi" for a in node.names
        ):
            start, end = span(node)
            edits.append((start, end, "raise ImportError('not ported: import fastapi')"))

    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in app_names
    ]
    for call in calls:
        edits.append((*span(call), _app_call(call, source)))
    if app_names:
        imports = [f"from pegboard import App as {_PREFIX}App"]
        imports += [
            f"from {module} import {plugin} as {_PREFIX}{plugin}"
            for plugin, module in _PLUGIN_IMPORTS.items()
        ]
        position = _after_future_imports(tree, offsets)
        edits.append((position, position, "\n".join(imports) + "\n"))

    for start, end, text in sorted(edits, reverse=True):
        source = source[:start] + text + source[end:]
    return source


def _app_call(call: ast.Call, source: str) -> str:
    if call.args:
        raise ValueError("FastAPI() takes keyword arguments only")
    app: list[str] = []
    plugin_args: dict[str, list[str]] = {plugin: [] for plugin in _PLUGIN_IMPORTS}
    disabled: set[str] = set()
    for keyword in call.keywords:
        value = ast.get_source_segment(source, keyword.value)
        place = _APP_KEYWORDS.get(keyword.arg or "")
        if keyword.arg is None:
            app.append(f"**{value}")
        elif place is None:
            # The App's own keywords, and unknown ones, which App() rejects by name.
            app.append(f"{keyword.arg}={value}")
        elif place[0] == "app":
            app.append(f"{place[1]}={value}")
        elif place[1] == "url" and _is_none(keyword.value):
            disabled.add(place[0])  # docs_url=None: that UI is not enabled at all
        else:
            plugin_args[place[0]].append(f"{place[1]}={value}")
    given = {argument.split("=")[0] for argument in plugin_args["openapi"]}
    for name, default in _OPENAPI_DEFAULTS.items():
        if name not in given:
            plugin_args["openapi"].insert(0, f"{name}={default}")
    plugins = [
        f"{_PREFIX}{plugin}({', '.join(args)})"
        for plugin, args in plugin_args.items()
        if plugin not in disabled
    ]
    return f"{_PREFIX}App(plugins=[{', '.join(plugins)}]{''.join(', ' + a for a in app)})"


def _is_fastapi(module: str) -> bool:
    return module.split(".")[0] == "fastapi"


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _line_offsets(source: str) -> list[int]:
    offsets, total = [], 0
    for line in source.splitlines(keepends=True):
        offsets.append(total)
        total += len(line)
    offsets.append(total)
    return offsets


def _after_future_imports(tree: ast.Module, offsets: list[int]) -> int:
    """Where new imports may go: after the docstring and ``from __future__`` imports."""
    position = 0
    for node in tree.body:
        is_docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        is_future = isinstance(node, ast.ImportFrom) and node.module == "__future__"
        if not (is_docstring or is_future):
            break
        position = offsets[node.end_lineno or node.lineno]
    return position
