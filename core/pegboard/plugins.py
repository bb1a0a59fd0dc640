"""Plugins: their metadata, how an app finds and enables them, and its plugin manager.

A plugin is a module or object with ``@hookimpl`` functions named after the hooks in
:mod:`pegboard.hookspecs`, and a ``plugin_info`` attribute holding its
:class:`PluginInfo`. Installed plugins advertise themselves in the entry-point group
``pegboard.plugins``; an app enables plugins explicitly, as objects or by those names.
The core's own fallbacks are ordinary plugins too, listed in :data:`DEFAULT_PLUGINS`.
"""

from __future__ import annotations

import importlib
import inspect
import re
import types
from collections.abc import Iterable, Sequence
from importlib.metadata import EntryPoint, entry_points
from typing import Any, Literal

import attrs
import pluggy

from pegboard import hookspecs
from pegboard._version import __version__
from pegboard.exceptions import PluginError

__all__ = [
    "CORE_INFO",
    "DEFAULT_PLUGINS",
    "ENTRY_POINT_GROUP",
    "PluginInfo",
    "PluginManager",
    "RouteOption",
    "hookimpl",
    "installed_plugins",
    "load_plugin",
]

hookimpl = pluggy.HookimplMarker("pegboard")

ENTRY_POINT_GROUP = "pegboard.plugins"

#: The core's built-in behaviour, registered before any plugin an app enables.
DEFAULT_PLUGINS = ("pegboard.default_parameters", "pegboard.default_responses")


def _tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(value)


@attrs.frozen
class RouteOption:
    """A route option a plugin reads, such as ``response_model`` or ``dependencies``.

    Listed in :attr:`PluginInfo.route_options`; a route (or router, or the App) using
    an option no enabled plugin declares is refused with a message naming the plugin.

    :ivar name: The keyword, as written on ``@app.get(..., name=value)``.
    :ivar merge: How values given on the app, routers and the route combine:
        ``"replace"`` (the innermost wins), ``"extend"`` (sequences concatenate,
        outermost first, repeats dropped) or ``"update"`` (mappings merge, innermost
        keys win).
    :ivar help: One line for ``pegboard plugins`` and error messages.
    """

    name: str
    merge: Literal["replace", "extend", "update"] = "replace"
    help: str = ""

    def combine(self, outer: Any, inner: Any) -> Any:
        """The value of an outer layer combined with an inner one, by :attr:`merge`."""
        if self.merge == "extend":
            return [*outer, *(item for item in inner if item not in outer)]
        if self.merge == "update":
            return {**outer, **inner}
        return inner


@attrs.frozen
class PluginInfo:
    """A plugin's metadata: its name, version, the plugins it needs, the options it reads.

    Put it on the plugin object as ``plugin_info``; a plugin without one is named
    after its class or module.

    :ivar name: The plugin's name: unique per app, used in ``requires`` and messages.
    :ivar version: Its version, shown by ``pegboard plugins``.
    :ivar requires: Names of plugins that must be enabled too; they are registered
        (and started) first.
    :ivar route_options: The route options it reads.
    :ivar description: One line for ``pegboard plugins``.
    """

    name: str
    version: str = "0"
    requires: tuple[str, ...] = attrs.field(default=(), converter=_tuple)
    route_options: tuple[RouteOption, ...] = attrs.field(default=(), converter=_tuple)
    description: str = ""


CORE_INFO = PluginInfo(
    name="pegboard",
    version=__version__,
    route_options=(
        RouteOption("tags", "extend", "Labels for grouping routes (docs, `pegboard routes`)."),
        RouteOption("max_body_size", "replace", "Largest request body in bytes, or None."),
        RouteOption("response_class", "replace", "Response class for returned values."),
        RouteOption("include_in_schema", "replace", "False hides the route from documents."),
        RouteOption("middleware", "extend", "Starlette Middleware wrapped around the route."),
        RouteOption("route_wrappers", "extend", "Functions wrapping the route's request handling."),
    ),
    description="The core: routing, lifecycle, default parameters and responses.",
)


def plugin_info_of(plugin: object, default_name: str | None = None) -> PluginInfo:
    """The :class:`PluginInfo` of a plugin, or a minimal one for plugins without it."""
    info = getattr(plugin, "plugin_info", None)
    if isinstance(info, PluginInfo):
        return info
    if default_name is None:
        default_name = getattr(plugin, "__name__", None) or type(plugin).__name__
    return PluginInfo(name=default_name)


def installed_plugins() -> dict[str, EntryPoint]:
    """The plugins installed in this environment, by entry-point name."""
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def load_plugin(name: str) -> object:
    """Load an installed plugin by its entry-point name and return the plugin object.

    An entry point may name a module (the plugin itself) or a factory that is called
    without arguments.
    """
    installed = installed_plugins()
    if name not in installed:
        known = ", ".join(sorted(installed)) or "none"
        raise PluginError(
            f"No installed plugin is named {name!r} (installed: {known}). Install the "
            f"package that provides it, or pass the plugin object: App(plugins=[...])."
        )
    try:
        loaded = installed[name].load()
    except ModuleNotFoundError as exc:
        own = installed[name].value.split(":")[0]
        if exc.name is None or own == exc.name or own.startswith(f"{exc.name}."):
            raise  # the plugin's own package is missing: a broken install, not an extra
        raise PluginError(
            f"Plugin {name!r} cannot be loaded: it needs {exc.name!r}, which is not "
            f"installed. {install_hint(installed[name], name, exc.name)}"
        ) from None
    if isinstance(loaded, types.ModuleType):
        return loaded
    if callable(loaded):
        return loaded()
    return loaded


def install_hint(entry_point: EntryPoint, plugin: str, module: str) -> str:
    """How to install what an installed plugin needs: an extra of its distribution.

    The extra named like the plugin (``pegboard[validation]``), else an extra that
    lists a distribution named like the missing module, else a generic hint.
    """
    dist = entry_point.dist
    if dist is not None:
        extras = set(dist.metadata.get_all("Provides-Extra") or []) - {"all"}
        if plugin in extras:
            extra: str | None = plugin
        else:
            extra = _extra_requiring(dist.requires or [], module, extras)
        if extra is not None:
            return f'Install the plugin\'s extra: pip install "{dist.name}[{extra}]"'
    return f"Install the package that provides the module {module!r}."


def _extra_requiring(requirements: list[str], module: str, extras: set[str]) -> str | None:
    """The first of ``extras`` whose requirements name a distribution spelt like ``module``."""
    wanted = _normalise(module.split(".")[0])
    for requirement in requirements:
        match = _REQUIREMENT.match(requirement)
        if match and _normalise(match.group(1)) == wanted and match.group(2) in extras:
            return match.group(2)
    return None


# "pydantic<3,>=2.11; extra == 'validation'": the distribution and the extra.
_REQUIREMENT = re.compile(r"\s*([A-Za-z0-9._-]+).*;.*extra\s*==\s*['\"]([^'\"]+)['\"]")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def factory_call(name: str) -> str:
    """How to write the enabling of an installed plugin in code: ``swagger_ui()``.

    The entry point's attribute is the factory (``pegboard_docs:swagger_ui`` for the
    plugin named ``swagger``); an installed module is enabled by its name (``"name"``);
    a plugin that is not installed is assumed to have a factory named like it.
    """
    entry_point = installed_plugins().get(name)
    if entry_point is not None:
        attr = entry_point.value.partition(":")[2]
        return f"{attr}()" if attr.isidentifier() else f'"{name}"'
    return f"{name}()" if name.isidentifier() else f'"{name}"'


def _resolve(spec: object) -> object:
    if isinstance(spec, str):
        return load_plugin(spec)
    if (inspect.isfunction(spec) or inspect.isclass(spec)) and not hasattr(spec, "plugin_info"):
        name = getattr(spec, "__name__", repr(spec))
        raise PluginError(
            f"App(plugins=[...]) got {name!r} itself; enable a plugin by calling its "
            f"factory: App(plugins=[{name}()])."
        )
    return spec


class PluginManager(pluggy.PluginManager):
    """One app's plugin manager: the core hookspecs plus those plugins add.

    Only attributes named ``pegboard_*`` are considered as hook implementations, so
    a plugin object can carry any other attributes without being inspected.
    """

    def __init__(self) -> None:
        super().__init__("pegboard")
        self.add_hookspecs(hookspecs)
        self.enabled: list[tuple[PluginInfo, object]] = []
        self.hook.pegboard_add_hookspecs.call_historic(kwargs={"pluginmanager": self})
        for module_name in DEFAULT_PLUGINS:
            self.register(importlib.import_module(module_name), name=module_name)

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> pluggy.HookimplOpts | None:
        if not name.startswith("pegboard_"):
            return None
        opts = super().parse_hookimpl_opts(plugin, name)
        if opts is None and inspect.isroutine(inspect.getattr_static(plugin, name, None)):
            # An unmarked pegboard_* function is still a hook, as in pytest.
            opts = pluggy.HookimplOpts(
                wrapper=False,
                hookwrapper=False,
                optionalhook=False,
                tryfirst=False,
                trylast=False,
                specname=None,
            )
        return opts

    def enable(self, specs: Sequence[object]) -> None:
        """Enable plugins given as objects or entry-point names, then validate them.

        Plugins are registered in the order given, except that a plugin always comes
        after the plugins it requires. Raises :class:`PluginError` for unknown names,
        duplicate names, missing requirements and misspelt hooks.
        """
        plugins = [_resolve(spec) for spec in specs]
        infos: dict[str, tuple[PluginInfo, object]] = {}
        for plugin in plugins:
            info = plugin_info_of(plugin)
            if info.name in infos or info.name == CORE_INFO.name:
                raise PluginError(
                    f"Two enabled plugins are both named {info.name!r}. Enable each "
                    f"plugin once; a third-party plugin must pick a name of its own."
                )
            infos[info.name] = (info, plugin)
        for info, _ in infos.values():
            for required in info.requires:
                if required not in infos:
                    raise PluginError(
                        f"Plugin {info.name!r} requires {required!r}, which is not enabled. "
                        f"Add {factory_call(required)} to App(plugins=[...]), before "
                        f"{factory_call(info.name)}."
                    )
        try:
            for info, plugin in _requirements_first(list(infos.values())):
                self.register(plugin, name=info.name)
                self.enabled.append((info, plugin))
            self.check_pending()
        except pluggy.PluginValidationError as exc:
            raise PluginError(
                f"{exc} Check the spelling and arguments against the hookspecs "
                "(pegboard.hookspecs, or the plugin that defines the hook), and mark hooks "
                "that another plugin defines with @hookimpl(optionalhook=True)."
            ) from exc

    def plugin_names(self) -> list[str]:
        return [info.name for info, _ in self.enabled]

    def route_options(self) -> dict[str, tuple[RouteOption, str]]:
        """Every route option the core and the enabled plugins declare, by name."""
        options: dict[str, tuple[RouteOption, str]] = {}
        for info in [CORE_INFO, *(info for info, _ in self.enabled)]:
            for option in info.route_options:
                options.setdefault(option.name, (option, info.name))
        return options

    def lifecycle_order(self, hook_name: str, *, reverse: bool = False) -> list[PluginInfo]:
        """The enabled plugins implementing ``hook_name``, in the order to call them.

        ``tryfirst`` implementations come first and ``trylast`` ones last; within each
        group, the order the plugins were enabled (requirements first), or its reverse.
        Hook wrappers are not listed: they wrap each plugin's call.
        """
        tiers: dict[int, int] = {}
        for impl in getattr(self.hook, hook_name).get_hookimpls():
            if not (impl.wrapper or impl.hookwrapper):
                tiers[id(impl.plugin)] = 0 if impl.tryfirst else 2 if impl.trylast else 1
        ranked = [
            (tiers[id(plugin)], -rank if reverse else rank, info)
            for rank, (info, plugin) in enumerate(self.enabled)
            if id(plugin) in tiers
        ]
        return [info for _, _, info in sorted(ranked, key=lambda item: item[:2])]

    def call_for(self, hook_name: str, plugin_name: str, **kwargs: Any) -> list[Any]:
        """Call ``hook_name`` through pluggy for one plugin (hook wrappers included).

        The other plugins' implementations are left out, their wrappers kept, so
        ``wrapper=True`` implementations see each plugin's call.
        """
        others = [
            impl.plugin
            for impl in getattr(self.hook, hook_name).get_hookimpls()
            if not (impl.wrapper or impl.hookwrapper) and self.get_name(impl.plugin) != plugin_name
        ]
        caller = self.subset_hook_caller(hook_name, remove_plugins=others)
        return list(caller(**kwargs))


def _requirements_first(
    items: list[tuple[PluginInfo, object]],
) -> list[tuple[PluginInfo, object]]:
    by_name = {info.name: (info, plugin) for info, plugin in items}
    ordered: list[tuple[PluginInfo, object]] = []
    visiting: list[str] = []

    def visit(name: str) -> None:
        if any(info.name == name for info, _ in ordered):
            return
        if name in visiting:
            cycle = " -> ".join([*visiting[visiting.index(name) :], name])
            raise PluginError(f"Plugins require each other in a cycle: {cycle}.")
        visiting.append(name)
        info, plugin = by_name[name]
        for required in info.requires:
            visit(required)
        visiting.pop()
        ordered.append((info, plugin))

    for info, _ in items:
        visit(info.name)
    return ordered


def plugin_declaring_option(option: str) -> tuple[str | None, dict[str, str]]:
    """The installed plugin that declares a route option, and those that failed to load.

    Returns ``(name or None, {plugin name: error})``; plugins that cannot be imported
    (say, installed without their extra) might be the one declaring the option.
    """
    failed: dict[str, str] = {}
    for name, entry_point in sorted(installed_plugins().items()):
        try:
            loaded = entry_point.load()
            plugin = loaded if isinstance(loaded, types.ModuleType) else loaded()
        except Exception as exc:  # a broken third-party plugin must not hide the real error
            failed[name] = f"{type(exc).__name__}: {exc}"
            continue
        if any(o.name == option for o in plugin_info_of(plugin, name).route_options):
            return name, failed
    return None, failed


def plugin_for_module(module: str) -> str | None:
    """The name of the installed plugin whose package defines ``module``, if any."""
    package = module.split(".")[0]
    for name, entry_point in installed_plugins().items():
        if entry_point.value.split(":")[0].split(".")[0] == package:
            return name
    return None
