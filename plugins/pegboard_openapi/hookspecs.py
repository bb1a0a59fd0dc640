"""The hooks the OpenAPI plugin adds, in the order they fire while a document is built.

The plugin adds these to an app's plugin manager (through ``pegboard_add_hookspecs``)
when it is enabled. Other plugins implement them to edit or extend the document,
marked ``@hookimpl(optionalhook=True)`` so they still load in apps without the OpenAPI
plugin. Nothing here runs per request: the document is built once, when it is first
asked for, and cached.

Most plugins need none of these hooks. Parameters, bodies, responses and security
requirements reach the document through the descriptions their resolvers and encoders
carry (:mod:`pegboard.descriptions`); these hooks are for everything else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pegboard.hookspecs import hookspec

if TYPE_CHECKING:
    from pegboard import App, RouteInfo
    from pegboard.descriptions import Schema
    from pegboard_openapi.components import Components

# -------------------------------------------------------------------------
# Schemas for values the document names by type
# -------------------------------------------------------------------------


@hookspec(firstresult=True)
def pegboard_openapi_model_schema(app: App, model: Any) -> Schema | None:
    """Return the JSON Schema of a model named in a route's ``responses=`` option.

    Called while the document is built, once for each ``"model"`` in a route's
    ``responses={404: {"model": Message}}``. The OpenAPI plugin imports no modelling
    library, so it asks the plugins that do. A :class:`~pegboard.descriptions.Schema`
    or a JSON Schema ``dict`` given as the model is used as is, without asking. If no
    plugin answers, building the document fails with a message naming the route.

    Stops at the first non-None result.

    !!! tip "Implementing this hook"
        Plugins that own a modelling library, such as validation (pydantic). Decline
        values of types you do not recognise.

    :param app: The app whose document is built.
    :param model: The value given as ``"model"``, such as a pydantic model class.
    :returns: A :class:`~pegboard.descriptions.Schema` of the model as it appears in a
        response (serialization mode), its refs pointing to
        ``#/components/schemas/<Name>``; or None if this plugin does not know the model.

    """


# -------------------------------------------------------------------------
# Operations: once per documented route and method
# -------------------------------------------------------------------------


@hookspec
def pegboard_openapi_operation(
    app: App, route: RouteInfo, method: str, operation: dict[str, Any], components: Components
) -> None:
    """Edit the Operation object of one route and method, in place.

    Called once per documented operation, after the plugin has filled it from the
    route's options and descriptions (``operationId``, ``summary``, ``parameters``,
    ``requestBody``, ``responses``, ``security``, ...) and before the route's own
    ``openapi_extra=`` is merged in, so the route's author has the last word. Routes
    with ``include_in_schema=False``, WebSocket routes and raw Starlette routes are not
    documented and never reach this hook.

    !!! tip "Implementing this hook"
        Plugins with route options that add vendor extensions (``x-ratelimit``), extra
        responses (429) or links. Keep it idempotent and cheap: it runs for every
        operation of the app.

    :param app: The app whose document is built.
    :param route: The route, with its merged options (read your own options here).
    :param method: The HTTP method of this operation, upper case (``"GET"``).
    :param operation: The OpenAPI Operation object; change it in place.
    :param components: The document's :class:`~pegboard_openapi.components.Components`:
        ``components.schema(Schema)`` returns a schema whose definitions are merged into
        ``components/schemas``; ``add_security_scheme`` registers a scheme.
    :returns: Nothing; the return value is ignored.

    """


# -------------------------------------------------------------------------
# The document: once per document
# -------------------------------------------------------------------------


@hookspec
def pegboard_openapi_paths(
    app: App, components: Components
) -> Mapping[str, Mapping[str, Any]] | None:
    """Return Path Item objects for routes the plugin does not document by itself.

    Called once per document, after every pegboard route was documented. The OpenAPI
    plugin documents pegboard HTTP routes only; a plugin that serves raw Starlette
    routes, mounted ASGI apps or WebSockets can describe them here. A returned path
    that is already documented gains the returned methods; returning a method the path
    already documents is an error.

    !!! tip "Implementing this hook"
        Plugins that add endpoints outside pegboard's routing.

    :param app: The app whose document is built.
    :param components: The document's :class:`~pegboard_openapi.components.Components`,
        for schemas and security schemes the returned operations refer to.
    :returns: A mapping of path (``"/health"``) to Path Item object, or None.

    """


@hookspec
def pegboard_openapi_document(app: App, document: dict[str, Any]) -> None:
    """Edit the finished OpenAPI document, in place, before it is cached and served.

    Called once per document, last. Everything is in place: ``info``, ``servers``,
    ``paths``, ``webhooks``, ``components`` and ``tags``. Servers for the ``root_path``
    an app is served under are added afterwards, per root path.

    !!! tip "Implementing this hook"
        Plugins (and apps, through a small plugin of their own) that add top-level
        ``security``, logos (``info["x-logo"]``), or rewrite the document as a whole.

    :param app: The app whose document is built.
    :param document: The OpenAPI document; change it in place.
    :returns: Nothing; the return value is ignored.

    """


def _hook_names() -> list[str]:
    return [name for name in globals() if name.startswith("pegboard_")]


__all__ = ["hookspec", *_hook_names()]
