"""pegboard: a Python web microframework on Starlette, assembled from plugins."""

from starlette.background import BackgroundTask, BackgroundTasks
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.requests import HTTPConnection
from starlette.websockets import WebSocket, WebSocketDisconnect

from pegboard._version import __version__
from pegboard.applications import DEFAULT_MAX_BODY_SIZE, App
from pegboard.compiler import CompiledRoute
from pegboard.encoders import jsonable_encoder
from pegboard.exceptions import (
    ConfigurationError,
    HTTPException,
    PluginError,
    RequestValidationError,
    RouteDefinitionError,
    StartupError,
    WebSocketException,
)
from pegboard.observers import ACCESS_LOG, Exchange, RouteObserver
from pegboard.params import EMPTY, Marker, ParamInfo
from pegboard.plugins import PluginInfo, PluginManager, RouteOption, hookimpl
from pegboard.requests import InvalidJSONBody, Request
from pegboard.resolvers import Encoder, RequestContext, Resolver
from pegboard.responses import (
    EventSourceResponse,
    FileResponse,
    HTMLResponse,
    JSONLinesResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
    ServerSentEvent,
    StreamingResponse,
    has_no_body,
)
from pegboard.route_wrappers import RouteHandler, RouteWrapper
from pegboard.routing import Route, RouteInfo, Router, WebSocketRoute
from pegboard.stash import Stash, StashKey

__all__ = [
    "ACCESS_LOG",
    "DEFAULT_MAX_BODY_SIZE",
    "EMPTY",
    "App",
    "BackgroundTask",
    "BackgroundTasks",
    "CompiledRoute",
    "ConfigurationError",
    "Encoder",
    "EventSourceResponse",
    "Exchange",
    "FileResponse",
    "HTMLResponse",
    "HTTPConnection",
    "HTTPException",
    "InvalidJSONBody",
    "JSONLinesResponse",
    "JSONResponse",
    "Marker",
    "Middleware",
    "ParamInfo",
    "PlainTextResponse",
    "PluginError",
    "PluginInfo",
    "PluginManager",
    "RedirectResponse",
    "Request",
    "RequestContext",
    "RequestValidationError",
    "Resolver",
    "Response",
    "Route",
    "RouteDefinitionError",
    "RouteHandler",
    "RouteInfo",
    "RouteObserver",
    "RouteOption",
    "RouteWrapper",
    "Router",
    "ServerSentEvent",
    "StartupError",
    "Stash",
    "StashKey",
    "StreamingResponse",
    "UploadFile",
    "WebSocket",
    "WebSocketDisconnect",
    "WebSocketException",
    "WebSocketRoute",
    "__version__",
    "has_no_body",
    "hookimpl",
    "jsonable_encoder",
]
