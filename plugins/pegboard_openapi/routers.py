"""Routes that are documented and never served: webhooks and callbacks.

A webhook (``openapi(webhooks=router)``) or a callback (``callbacks=router`` on a
route) is a request the *app* sends, so its "path" is an event name or a runtime
expression (``{$callback_url}/invoices/{$request.body.id}``), not a URL the app
answers. :class:`DocumentedRouter` declares them with the usual decorators, and the
document describes each one as it would a route: request body and parameters from the
handler, responses from ``response_model=``/``responses=``, summary and description.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from typing import Any

from pegboard import App, Route, RouteDefinitionError, RouteInfo
from pegboard.decorators import RouteDecorators

__all__ = ["DocumentedRouter", "documented_routes", "merged"]


class DocumentedRouter(RouteDecorators):
    """A group of routes the OpenAPI document describes and no app serves.

    Declare routes with ``@router.post("new-subscription")`` and the other
    decorators; paths need no leading ``/``. Give the router to
    ``openapi(webhooks=router)``, or to a route as ``callbacks=router`` (or
    ``router.routes``, as FastAPI writes it). Options given here apply to every route.
    """

    def __init__(self, **options: Any) -> None:
        self.route_options: dict[str, Any] = dict(options)
        #: The routes, as declared (their options are merged when a document is built).
        self.routes: list[RouteInfo] = []

    def __iter__(self) -> Iterator[RouteInfo]:
        return iter(self.routes)

    def add_api_route(  # type: ignore[override]  # nothing is served: no Route object
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        methods: Collection[str] | None = None,
        name: str | None = None,
        status_code: int | None = None,
        **options: Any,
    ) -> RouteInfo:
        """Add a documented route; the non-decorator form of :meth:`api_route`."""
        info = RouteInfo.http(
            path,
            endpoint,
            methods=methods or None,  # an empty list documents a GET, as before
            name=name,
            status_code=status_code,
            layers=(self.route_options, options),
        )
        self.routes.append(info)
        return info

    def add_api_websocket_route(
        self, path: str, endpoint: Callable[..., Any], *, name: str | None = None, **options: Any
    ) -> Any:
        raise RouteDefinitionError(
            f"Webhooks and callbacks are HTTP requests; {path!r} cannot be a WebSocket route."
        )


def documented_routes(value: Any, what: str) -> list[RouteInfo] | None:
    """The routes of a :class:`DocumentedRouter` or a list of routes; None for a mapping.

    A mapping is hand-written OpenAPI (Path Items or Callback objects) and is written
    as given; anything else is a developer's mistake, reported with ``what``.
    """
    if isinstance(value, Mapping):
        return None
    if isinstance(value, DocumentedRouter):
        return list(value.routes)
    if isinstance(value, Iterable) and not isinstance(value, str):
        items = list(value)
        if all(isinstance(item, (RouteInfo, Route)) for item in items):
            return [item.info if isinstance(item, Route) else item for item in items]
    raise RouteDefinitionError(
        f"{what} must be a DocumentedRouter, its .routes, or a dict of OpenAPI objects; "
        f"got {type(value).__name__}. Declare them with router = DocumentedRouter() "
        "and @router.post(...)."
    )


def merged(app: App, info: RouteInfo) -> RouteInfo:
    """``info`` with its option layers merged as the app merges a served route's."""
    declared = app.plugin_manager.route_options()
    options: dict[str, Any] = {}
    for layer in info.layers:
        for name, value in layer.items():
            if name not in declared:
                enabled = ", ".join(sorted(declared))
                raise RouteDefinitionError(
                    f"The documented route {info.label} has the option {name}=, which no "
                    f"enabled plugin declares (known: {enabled}). Enable the plugin that "
                    "declares it, or remove the option."
                )
            option = declared[name][0]
            options[name] = option.combine(options[name], value) if name in options else value
    return RouteInfo(
        path=info.path,
        endpoint=info.endpoint,
        methods=info.methods,
        name=info.name,
        kind=info.kind,
        status_code=info.status_code,
        layers=info.layers,
        options=options,
    )
