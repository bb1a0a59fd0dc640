"""The hooks the DI plugin adds, through which other plugins take part in dependencies.

Registered with ``pegboard_add_hookspecs`` when the DI plugin is enabled. All of them
run while a dependency graph is planned (when the app is built, or when overrides
change), never per request. Implement them with ``@hookimpl(optionalhook=True)`` in
a plugin that may be enabled without DI, and with plain ``@hookimpl`` in one that
declares ``requires=("di",)``.

A *chain* is the tuple of :class:`~pegboard_di.Depends` markers from the route down
to the dependency concerned: for ``async def me(user=Depends(current_user))`` where
``current_user`` takes ``db=Depends(get_db)``, the parameters of ``get_db`` are
planned with the chain ``(Depends(current_user), Depends(get_db))``. Markers appear
as written (subclasses such as the security plugin's ``Security`` included, and
before overrides are applied), so a plugin can read data it put on its own markers.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TYPE_CHECKING, Any

from pegboard.hookspecs import hookspec

if TYPE_CHECKING:
    from pegboard import App, ParamInfo, Resolver, RouteInfo
    from pegboard.descriptions import Description
    from pegboard_di.markers import Depends

__all__ = [
    "pegboard_di_cache_key",
    "pegboard_di_describe_dependency",
    "pegboard_di_resolve_parameter",
]


@hookspec(firstresult=True)
def pegboard_di_resolve_parameter(
    app: App, route: RouteInfo, param: ParamInfo, chain: tuple[Depends, ...]
) -> Resolver | None:
    """Return a resolver for a parameter of a dependency that depends on its position.

    Called for every parameter of a request-scoped dependency that is not itself a
    ``Depends``, before the ordinary ``pegboard_resolve_parameter``. Answer only for
    values that depend on which dependencies lead here, such as the security
    plugin's ``SecurityScopes`` (the union of the scopes of every ``Security`` marker
    in ``chain``). When no plugin answers, the parameter is resolved like a handler
    parameter, with :meth:`App.resolve_parameter <pegboard.App.resolve_parameter>`.

    Stops at the first non-None result.

    !!! tip "Implementing this hook"
        Plugins whose markers subclass ``Depends`` and carry data that dependencies
        further down read. Values that differ by chain also need
        ``pegboard_di_cache_key``, so that two positions do not share one cached value.

    :param app: The app.
    :param route: The route being compiled.
    :param param: The parameter; ``param.owner`` is the dependency it belongs to.
    :param chain: The markers from the route down to ``param.owner``'s marker.
    :returns: A :class:`~pegboard.Resolver`, or None to let the usual resolution run.

    """


@hookspec
def pegboard_di_describe_dependency(
    app: App, route: RouteInfo, dependency: Any, chain: tuple[Depends, ...]
) -> Sequence[Description] | None:
    """Return descriptions of one dependency in a route's graph.

    Called for each request-scoped dependency as it is planned. The descriptions join
    the ``describes`` of the resolver the DI plugin builds for the route (together
    with those of every resolver in the dependency's graph, deduplicated), so they
    reach the OpenAPI document like any parameter's.

    !!! tip "Implementing this hook"
        Plugins whose callables stand for something documents show, such as the
        security plugin's schemes returning a
        :class:`~pegboard.descriptions.SecurityDescription` with the chain's scopes.

    :param app: The app.
    :param route: The route being compiled.
    :param dependency: The callable as written in the marker (before overrides).
    :param chain: The markers from the route down to this dependency's marker,
        which is ``chain[-1]``.
    :returns: A sequence of descriptions, or None.

    """


@hookspec
def pegboard_di_cache_key(
    app: App, route: RouteInfo, dependency: Any, chain: tuple[Depends, ...]
) -> Hashable | None:
    """Return extra data that tells cached values of ``dependency`` apart by position.

    Within a request, a dependency with ``use_cache=True`` is called once per cache
    key. The key is the callable (after overrides) plus every non-None value this
    hook returns. Plugins that resolve parameters by chain
    (``pegboard_di_resolve_parameter``) return the part of the chain those values
    depend on, so a dependency asked for with different scopes runs once per scopes.

    !!! tip "Implementing this hook"
        The same plugins that implement ``pegboard_di_resolve_parameter``.

    :param app: The app.
    :param route: The route being compiled.
    :param dependency: The callable as written in the marker (before overrides).
    :param chain: The markers from the route down to this dependency's marker.
    :returns: Something hashable, or None when the position does not matter.

    """
