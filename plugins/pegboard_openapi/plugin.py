"""The OpenAPI plugin object: its options, its hooks, and the routes serving the document."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

import pluggy
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route as StarletteRoute

from pegboard import (
    App,
    PluginError,
    PluginInfo,
    PluginManager,
    RouteDefinitionError,
    RouteInfo,
    RouteOption,
    __version__,
    hookimpl,
)
from pegboard_openapi import hookspecs
from pegboard_openapi.document import Format, install, render_document
from pegboard_openapi.operations import check_responses_option
from pegboard_openapi.routers import DocumentedRouter, documented_routes
from pegboard_openapi.settings import OpenAPISettings, OperationIdFunction, default_operation_id

__all__ = ["ROUTE_OPTIONS", "OpenAPIPlugin", "openapi"]

ROUTE_OPTIONS = (
    RouteOption("summary", "replace", "Operation summary (default: the name, title-cased)."),
    RouteOption("description", "replace", "Operation description (default: the docstring)."),
    RouteOption("operation_id", "replace", "The operationId, unique in the document."),
    RouteOption("response_description", "replace", "Description of the success response."),
    RouteOption("responses", "update", "Extra responses: {404: {'model': M, ...}}."),
    RouteOption("openapi_extra", "update", "Merged into the Operation object last."),
    RouteOption(
        "callbacks", "update", "Callback objects by name, or a DocumentedRouter (or its routes)."
    ),
    RouteOption("deprecated", "replace", "Mark the operation deprecated."),
)

_STRING_OPTIONS = ("summary", "description", "operation_id", "response_description")
_MAPPING_OPTIONS = ("openapi_extra",)


def _serve(app: App, format: Format, media_type: str) -> Callable[[Request], Any]:
    async def document(request: Request) -> Response:
        body = render_document(app, root_path=request.scope.get("root_path", ""), format=format)
        return Response(body, media_type=media_type)

    return document


class OpenAPIPlugin:
    """Builds an OpenAPI 3.1 document from the app's routes and serves it.

    Create it with :func:`openapi`. The document is built the first time it is asked
    for and cached in the app's stash.
    """

    plugin_info = PluginInfo(
        name="openapi",
        version=__version__,
        route_options=ROUTE_OPTIONS,
        description="An OpenAPI 3.1 document of the app, served at /openapi.json.",
    )

    def __init__(self, settings: OpenAPISettings) -> None:
        self.settings = settings

    def __repr__(self) -> str:
        return f"OpenAPIPlugin(title={self.settings.title!r}, url={self.settings.openapi_url!r})"

    @hookimpl
    def pegboard_add_hookspecs(self, pluginmanager: PluginManager) -> None:
        try:
            pluginmanager.add_hookspecs(hookspecs)
        except pluggy.PluginValidationError as exc:  # a plugin enabled earlier got it wrong
            raise PluginError(
                f"{exc} Check its arguments against pegboard_openapi.hookspecs."
            ) from exc

    @hookimpl
    def pegboard_configure(self, app: App) -> None:
        install(app, self.settings)
        # Plain Starlette routes: app-wide route options (an auth guard, say) do not
        # apply to the document, as with FastAPI. Serve it yourself to protect it.
        urls = (
            (self.settings.openapi_url, "json", "application/json"),
            (self.settings.yaml_url, "yaml", "application/yaml"),
        )
        for url, format, media_type in urls:
            if url is not None:
                app.router.routes.append(
                    StarletteRoute(
                        url,
                        _serve(app, format, media_type),  # type: ignore[arg-type]
                        methods=["GET"],
                        name=f"openapi_{format}",
                        include_in_schema=False,
                    )
                )

    @hookimpl
    def pegboard_route_added(self, app: App, route: RouteInfo) -> None:
        for name in _STRING_OPTIONS:
            value = route.options.get(name)
            if value is not None and not isinstance(value, str):
                raise RouteDefinitionError(
                    f"Route {route.label}: {name}= must be a string, got {type(value).__name__}."
                )
        for name in _MAPPING_OPTIONS:
            value = route.options.get(name)
            if value is not None and not isinstance(value, Mapping):
                raise RouteDefinitionError(
                    f"Route {route.label}: {name}= must be a dict, got {type(value).__name__}."
                )
        if route.options.get("callbacks") is not None:
            documented_routes(route.options["callbacks"], f"Route {route.label}: callbacks=")
        if "responses" in route.options:
            check_responses_option(route, route.options["responses"])


def openapi(
    *,
    title: str = "pegboard",
    version: str = "0.1.0",
    description: str | None = None,
    summary: str | None = None,
    terms_of_service: str | None = None,
    contact: Mapping[str, Any] | None = None,
    license_info: Mapping[str, Any] | None = None,
    servers: Sequence[str | Mapping[str, Any]] = (),
    tags: Sequence[str | Mapping[str, Any]] = (),
    external_docs: Mapping[str, Any] | None = None,
    webhooks: Mapping[str, Mapping[str, Any]] | DocumentedRouter | None = None,
    generate_operation_id: OperationIdFunction | Callable[[RouteInfo], str] = (
        default_operation_id
    ),
    openapi_url: str | None = "/openapi.json",
    yaml_url: str | None = None,
    root_path_in_servers: bool = True,
    openapi_version: str = "3.1.0",
    fastapi_compatible: bool = False,
) -> OpenAPIPlugin:
    """The OpenAPI plugin: ``App(plugins=[openapi(title="Shop", version="1.0")])``.

    ``title`` … ``license_info`` fill the document's ``info``; ``servers``, ``tags``
    (their descriptions and order; strings are shorthand for ``{"name": ...}``),
    ``external_docs`` and ``webhooks`` (a :class:`DocumentedRouter` whose routes are
    documented like the app's, or hand-written Path Item objects by name) the top level.
    ``generate_operation_id(route, method)`` names operations that have no
    ``operation_id=`` (a function of the route alone, FastAPI's
    ``generate_unique_id_function``, names every method of a route alike). The
    document is served at ``openapi_url`` (None: not served) and, as YAML, at
    ``yaml_url`` (None by default; needs PyYAML). The prefix the app is served under
    is added to ``servers`` unless ``root_path_in_servers`` is False.
    ``fastapi_compatible`` writes the document FastAPI would, undoing pegboard's
    deliberate differences (see docs/plugins/openapi.md); ``pegboard port`` turns it on.
    """
    if webhooks is not None:
        documented_routes(webhooks, "openapi(webhooks=...)")  # a wrong type fails here
    try:
        settings = OpenAPISettings(
            title=title,
            version=version,
            description=description,
            summary=summary,
            terms_of_service=terms_of_service,
            contact=contact,
            license_info=license_info,
            servers=servers,
            tags=tags,
            external_docs=external_docs,
            webhooks=webhooks or {},
            generate_operation_id=_per_method(generate_operation_id),
            openapi_version=openapi_version,
            openapi_url=openapi_url,
            yaml_url=yaml_url,
            root_path_in_servers=root_path_in_servers,
            fastapi_compatible=fastapi_compatible,
        )
    except ValueError as exc:
        raise PluginError(f"openapi(): {exc}") from None
    if yaml_url is not None:
        try:
            import yaml  # type: ignore[import-untyped]  # noqa: F401
        except ImportError:  # pragma: no cover - PyYAML is part of the openapi extra
            raise PluginError(
                "openapi(yaml_url=...) needs PyYAML. Install it with: "
                "pip install 'pegboard[openapi]'"
            ) from None
    return OpenAPIPlugin(settings)


def _per_method(
    generate: OperationIdFunction | Callable[[RouteInfo], str],
) -> OperationIdFunction:
    """``generate`` as a function of the route and the method (checked once, here)."""
    try:
        parameters = inspect.signature(generate).parameters.values()
    except (TypeError, ValueError):
        return generate  # type: ignore[return-value]
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if len(positional) == 1 and not any(p.kind is p.VAR_POSITIONAL for p in parameters):
        one = cast("Callable[[RouteInfo], str]", generate)
        return lambda route, method: one(route)
    return generate  # type: ignore[return-value]
