"""pegboard_di: dependency injection for pegboard, planned once when the app is built.

Enable it with ``App(plugins=[di()])`` (or ``App(plugins=["di"])``), then declare
dependencies with :class:`Depends`, as a default value or inside ``Annotated``.
"""

from pegboard_di.app_scope import AppScopeNotRunning
from pegboard_di.markers import Depends
from pegboard_di.overrides import DependencyOverrides
from pegboard_di.plugin import DIPlugin, dependency_resolver, di, overrides
from pegboard_di.query import DependencyInfo, dependency_graph, route_dependencies
from pegboard_di.standalone import resolve

__all__ = [
    "AppScopeNotRunning",
    "DIPlugin",
    "DependencyInfo",
    "DependencyOverrides",
    "Depends",
    "dependency_graph",
    "dependency_resolver",
    "di",
    "overrides",
    "resolve",
    "route_dependencies",
]
