"""pegboard-requestid: give every request an id, in a header and in handlers."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import attrs
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pegboard import (
    App,
    Marker,
    ParamInfo,
    PluginInfo,
    PluginManager,
    RequestContext,
    RequestValidationError,
    Resolver,
    RouteInfo,
    RouteOption,
    StashKey,
    hookimpl,
)
from pegboard.descriptions import ParameterDescription, Schema
from pegboard.hookspecs import hookspec

__version__ = "1.0.0"

# Ids a client may send: short tokens that are safe to log and to echo in a header.
VALID_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


# --8<-- [start:marker]
class RequestId(Marker):
    """Marks the handler parameter that receives the id: ``Annotated[str, RequestId()]``."""


# --8<-- [end:marker]
# --8<-- [start:hooks]
class Hooks:
    """The hook this plugin adds, so other plugins can choose how ids are made."""

    @hookspec(firstresult=True)
    def pegboard_requestid_generator(self, app: App) -> Callable[[], str] | None:
        """Return the function that makes new request ids for ``app``.

        Called once per app, when it is created. Stops at the first non-None result.
        """


# --8<-- [end:hooks]
# --8<-- [start:settings]
@attrs.frozen
class Settings:
    header: str
    generate: Callable[[], str]


SETTINGS = StashKey[Settings]("requestid.settings")


def new_id() -> str:
    return uuid.uuid4().hex


# --8<-- [end:settings]
# --8<-- [start:middleware]
class RequestIdMiddleware:
    """Takes a valid id from the request or makes one, and sends it back."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.header = settings.header.lower().encode("latin-1")
        self.generate = settings.generate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = None
        for name, value in scope["headers"]:
            if name == self.header:
                sent = value.decode("latin-1")
                request_id = sent if VALID_ID.fullmatch(sent) else None
                break
        if request_id is None:
            request_id = self.generate()
        scope.setdefault("state", {})["request_id"] = request_id  # request.state.request_id
        header = (self.header, request_id.encode("latin-1"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        await self.app(scope, receive, send_with_id)


# --8<-- [end:middleware]
# --8<-- [start:info]
class RequestIdPlugin:
    def __init__(self, header: str) -> None:
        self.header = header
        self.plugin_info = PluginInfo(
            name="requestid",
            version=__version__,
            route_options=(
                RouteOption(
                    "require_request_id",
                    "replace",
                    f"True: refuse requests without a valid {header} header (422).",
                ),
            ),
            description="A request id in a header and in handlers.",
        )

    # --8<-- [end:info]
    # --8<-- [start:add_hookspecs]
    @hookimpl
    def pegboard_add_hookspecs(self, pluginmanager: PluginManager) -> None:
        pluginmanager.add_hookspecs(Hooks)

    # --8<-- [end:add_hookspecs]
    # --8<-- [start:configure]
    @hookimpl
    def pegboard_configure(self, app: App) -> None:
        # The same plugin object may serve several apps, and each app may enable a
        # different generator, so the settings live on the app, not on self.
        generate = app.plugin_manager.hook.pegboard_requestid_generator(app=app)
        settings = Settings(self.header, generate or new_id)
        app.stash[SETTINGS] = settings
        app.add_middleware(RequestIdMiddleware, settings=settings)

    # --8<-- [end:configure]
    # --8<-- [start:resolve]
    @hookimpl
    def pegboard_resolve_parameter(
        self, app: App, route: RouteInfo, param: ParamInfo
    ) -> Resolver | None:
        if not isinstance(param.marker, RequestId):
            return None  # not ours: let the other plugins answer
        return Resolver(read_request_id, is_async=False, label="request id")

    # --8<-- [end:resolve]
    # --8<-- [start:guards]
    @hookimpl
    def pegboard_route_guards(self, app: App, route: RouteInfo) -> list[Resolver] | None:
        if route.kind != "http" or not route.option("require_request_id", False):
            return None
        header = app.stash[SETTINGS].header
        loc = ["header", header.lower()]

        def require_id(ctx: RequestContext) -> None:
            sent = ctx.headers.get(header)
            if sent is None:
                error = {"type": "missing", "loc": loc, "msg": "Field required", "input": None}
                raise RequestValidationError([error])
            if not VALID_ID.fullmatch(sent):
                msg = f"String should match pattern '{VALID_ID.pattern}'"
                error = {"type": "string_pattern_mismatch", "loc": loc, "msg": msg, "input": sent}
                raise RequestValidationError([error])

        described = ParameterDescription(
            header,
            "header",
            Schema.of({"type": "string", "pattern": f"^{VALID_ID.pattern}$"}),
            required=True,
            description="An id for this request, echoed in the response.",
        )
        return [Resolver(require_id, is_async=False, describes=(described,), label="request id")]

    # --8<-- [end:guards]


# --8<-- [start:reader]
def read_request_id(ctx: RequestContext) -> str:
    request_id: str = ctx.connection.state.request_id
    return request_id


# --8<-- [end:reader]
# --8<-- [start:factory]
def requestid(header: str = "X-Request-ID") -> RequestIdPlugin:
    """Enable request ids: ``App(plugins=[requestid()])``."""
    return RequestIdPlugin(header)


# --8<-- [end:factory]
