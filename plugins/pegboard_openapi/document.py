"""Building the whole document from an app's routes, and caching it per app.

:func:`build_document` does the work each time it is called; :func:`get_openapi` builds
once per app and keeps the result (and its serialized forms) in ``app.stash``, so
serving ``/openapi.json`` never rebuilds it.
"""

from __future__ import annotations

import threading
import warnings
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any, Literal

import attrs
from starlette.routing import BaseRoute

from pegboard import (
    App,
    PluginError,
    Route,
    RouteDefinitionError,
    RouteInfo,
    StashKey,
    jsonable_encoder,
)
from pegboard.compiler import CompiledRoute, compile_route
from pegboard.descriptions import Schema
from pegboard.encoders import json_dumps
from pegboard_openapi.compatible import fastapi_document, fastapi_operation
from pegboard_openapi.components import Components, plain
from pegboard_openapi.exceptions import OpenAPIWarning
from pegboard_openapi.operations import build_operation, deep_merge
from pegboard_openapi.routers import documented_routes, merged
from pegboard_openapi.settings import OpenAPISettings, path_format

__all__ = [
    "SETTINGS",
    "build_document",
    "get_openapi",
    "install",
    "openapi_url",
    "render_document",
    "to_yaml",
]

#: The settings of the app's OpenAPI plugin, set when the plugin configures the app.
SETTINGS: StashKey[OpenAPISettings] = StashKey("openapi.settings")

Format = Literal["json", "yaml"]

# The order of methods within a Path Item, as the specification lists them.
_METHOD_ORDER = {
    m: i
    for i, m in enumerate(("GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"))
}


#: YAML documents rendered for root paths in ``servers``, kept for this many root paths.
RECENT_ROOT_PATHS = 16


@attrs.define
class _Cache:
    """One app's document, built once, and its serialized forms.

    Nothing here grows with the number of root paths a client can make up (an app
    mounted at ``/{tenant}`` sees one per tenant): the JSON for a root path is the
    cached document's JSON with a ``servers`` entry spliced in, and YAML, slower to
    render, is kept for the last :data:`RECENT_ROOT_PATHS` root paths only.
    """

    document: dict[str, Any] | None = None
    #: The document without a root path, by format.
    rendered: dict[str, bytes] = attrs.field(factory=dict)
    #: The JSON before and after where ``servers`` goes, and the servers listed.
    json_parts: tuple[bytes, bytes, list[Any]] | None = None
    recent: OrderedDict[str, bytes] = attrs.field(factory=OrderedDict)
    lock: threading.Lock = attrs.field(factory=threading.Lock)


_CACHE: StashKey[_Cache] = StashKey("openapi.cache")


def install(app: App, settings: OpenAPISettings) -> None:
    """Keep ``settings`` and an empty document cache in ``app.stash`` (the plugin does)."""
    app.stash[SETTINGS] = settings
    app.stash[_CACHE] = _Cache()


def _cache(app: App) -> _Cache:
    try:
        return app.stash[_CACHE]
    except KeyError:
        raise PluginError(
            "This app does not enable the OpenAPI plugin. Enable it: "
            "App(plugins=[openapi(title=..., version=...)]), or call "
            "build_document(app, OpenAPISettings(...)) for a one-off document."
        ) from None


def openapi_url(app: App) -> str | None:
    """Where the app serves its JSON document (relative to its root path), or None."""
    _cache(app)  # the same error as the other functions when the plugin is not enabled
    return app.stash[SETTINGS].openapi_url


def get_openapi(app: App, *, root_path: str = "") -> dict[str, Any]:
    """The app's document, built on first use and cached for the app's lifetime.

    ``root_path`` is the prefix the app is served under (a proxy's, or a parent
    app's mount path); it is added to ``servers`` unless the app disabled
    ``root_path_in_servers``. The dict returned is the cached one (under a root path,
    a shallow copy of it with its own ``servers``): edit documents with the
    ``pegboard_openapi_document`` hook rather than by hand.
    """
    document = _document(app)
    root_path = root_path.rstrip("/")
    if not root_path or not app.stash[SETTINGS].root_path_in_servers:
        return document
    return _with_server(document, root_path)


def _document(app: App) -> dict[str, Any]:
    cache = _cache(app)
    with cache.lock:
        if cache.document is None:
            cache.document = build_document(app, app.stash[SETTINGS])
        return cache.document


def render_document(app: App, *, root_path: str = "", format: Format = "json") -> bytes:
    """The app's document serialized as JSON or YAML, cached like :func:`get_openapi`.

    Memory does not grow with the number of distinct root paths (see ``_Cache``).
    """
    document = _document(app)
    cache = app.stash[_CACHE]
    root_path = root_path.rstrip("/")
    if (
        not root_path
        or not app.stash[SETTINGS].root_path_in_servers
        or _lists_server(document, root_path)
    ):
        rendered = cache.rendered.get(format)
        if rendered is None:
            rendered = cache.rendered[format] = _render(document, format)
        return rendered
    if format == "json":
        return _json_with_server(cache, document, root_path)
    with cache.lock:
        rendered = cache.recent.get(root_path)
        if rendered is not None:
            cache.recent.move_to_end(root_path)
            return rendered
    rendered = _render(_with_server(document, root_path), format)
    with cache.lock:
        cache.recent[root_path] = rendered
        if len(cache.recent) > RECENT_ROOT_PATHS:
            cache.recent.popitem(last=False)
    return rendered


def _render(document: dict[str, Any], format: Format) -> bytes:
    return to_yaml(document).encode() if format == "yaml" else json_dumps(document)


def _json_with_server(cache: _Cache, document: dict[str, Any], root_path: str) -> bytes:
    """``json_dumps(_with_server(document, root_path))``, without serializing it all again."""
    if "info" not in document:  # a hook removed it: nowhere to splice
        return json_dumps(_with_server(document, root_path))
    parts = cache.json_parts
    if parts is None:
        head: dict[str, Any] = {}
        tail: dict[str, Any] = {}
        target = head
        for key, value in document.items():
            if key != "servers":
                target[key] = value
            if key == "info":
                target = tail
        parts = cache.json_parts = (json_dumps(head), json_dumps(tail), document.get("servers", []))
    head_json, tail_json, servers = parts
    # head_json is '{...}' ending with "info"; tail_json '{...}' holds what follows.
    middle = b',"servers":' + json_dumps([{"url": root_path}, *servers])
    rest = b"," + tail_json[1:] if len(tail_json) > 2 else b"}"
    return head_json[:-1] + middle + rest


def to_yaml(document: Any) -> str:
    """The document as YAML (needs PyYAML, part of the ``openapi`` extra)."""
    try:
        import yaml  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - PyYAML is part of the openapi extra
        raise PluginError(
            "YAML output needs PyYAML. Install it with: pip install 'pegboard[openapi]'"
        ) from None
    base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class Dumper(base):  # type: ignore[valid-type, misc]
        def ignore_aliases(self, data: Any) -> bool:
            return True  # a document is a tree: repeat shared parts, never emit &id001

    text: str = yaml.dump(
        jsonable_encoder(document), Dumper=Dumper, sort_keys=False, allow_unicode=True
    )
    return text


def _lists_server(document: dict[str, Any], root_path: str) -> bool:
    return any(server.get("url") == root_path for server in document.get("servers", []))


def _with_server(document: dict[str, Any], root_path: str) -> dict[str, Any]:
    """A shallow copy of ``document`` with ``root_path`` first in ``servers``."""
    servers = document.get("servers", [])
    if _lists_server(document, root_path):
        return document
    result: dict[str, Any] = {}
    for key, value in document.items():
        if key != "servers":
            result[key] = value
        if key == "info":
            result["servers"] = [{"url": root_path}, *servers]
    return result


def build_document(
    app: App,
    settings: OpenAPISettings | None = None,
    *,
    routes: Iterable[BaseRoute] | None = None,
) -> dict[str, Any]:
    """Build a new document for ``app`` (compiling it first if needed); nothing is cached.

    ``settings`` default to those the app's OpenAPI plugin was given. ``routes``
    restricts the document to some of the app's routes (all of them by default); only
    the pegboard HTTP routes among them are documented. The hooks of
    :mod:`pegboard_openapi.hookspecs` run if the app enables the plugin.
    """
    app.build()
    if settings is None:
        settings = app.stash.get(SETTINGS, None) or OpenAPISettings()
    chosen = app.routes if routes is None else routes
    return _Builder(app, settings).build(r for r in chosen if isinstance(r, Route))


class _Builder:
    """The state of one document build: components, operation ids, hooks."""

    def __init__(self, app: App, settings: OpenAPISettings) -> None:
        self.app = app
        self.settings = settings
        self.components = Components()
        hook = app.plugin_manager.hook
        self.hooks_enabled = hasattr(hook, "pegboard_openapi_operation")
        self.hook = hook

    def build(self, routes: Iterable[Route]) -> dict[str, Any]:
        documented = self._documented(routes)
        operations = [(route, method) for route, method, _ in documented]
        ids = self._operation_ids(operations)
        paths: dict[str, dict[str, Any]] = {}
        call_hook = self.hooks_enabled and bool(
            self.hook.pegboard_openapi_operation.get_hookimpls()
        )
        for (route, method, template), operation_id in zip(documented, ids, strict=True):
            info = route.info
            assert route.compiled is not None  # app.build() compiled every route
            operation = self._operation(info, route.compiled, method, operation_id)
            if call_hook:
                self.hook.pegboard_openapi_operation(
                    app=self.app,
                    route=info,
                    method=method,
                    operation=operation,
                    components=self.components,
                )
            extra = info.option("openapi_extra")
            if extra:
                deep_merge(operation, extra)
            paths.setdefault(template, {})[method.lower()] = operation
        if self.hooks_enabled:
            self._add_contributed_paths(paths)

        settings = self.settings
        document: dict[str, Any] = {"openapi": settings.openapi_version, "info": settings.info()}
        if settings.servers:
            document["servers"] = plain(settings.servers)
        document["paths"] = paths
        if settings.webhooks:
            declared = documented_routes(settings.webhooks, "openapi(webhooks=...)")
            webhooks = (
                jsonable_encoder(settings.webhooks)
                if declared is None
                else self._unserved(declared)
            )
            if webhooks:
                document["webhooks"] = webhooks
        components = self.components.to_dict()
        if components:
            document["components"] = components
        if settings.tags:
            document["tags"] = jsonable_encoder(settings.tags)
        if settings.external_docs:
            document["externalDocs"] = jsonable_encoder(settings.external_docs)
        if settings.fastapi_compatible:
            document = fastapi_document(document)
        if self.hooks_enabled:
            self.hook.pegboard_openapi_document(app=self.app, document=document)
        return document

    def _operation(
        self, info: RouteInfo, compiled: CompiledRoute, method: str, operation_id: str
    ) -> dict[str, Any]:
        operation = build_operation(
            info, compiled, method, operation_id, self.components, self._model_schema
        )
        callbacks = info.option("callbacks")
        if callbacks:
            routes = documented_routes(callbacks, f"Route {info.label}: callbacks=")
            if routes is not None:
                # One Callback object per callback route, named after it, as FastAPI does.
                found: dict[str, Any] = {}
                for (name, path), path_item in self._unserved(routes, by_name=True).items():
                    found.setdefault(name, {})[path] = path_item
                operation["callbacks"] = found
        if self.settings.fastapi_compatible:
            fastapi_operation(info, operation, self.components, f"{method} {info.path}")
        return operation

    def _unserved(self, routes: list[RouteInfo], *, by_name: bool = False) -> dict[Any, Any]:
        """Path Items of routes no app serves (webhooks, callbacks), compiled to describe them.

        By path; or, for callbacks, by (route name, path), FastAPI's Callback objects.
        """
        items: dict[Any, dict[str, Any]] = {}
        for declared in routes:
            info = merged(self.app, declared)
            if not info.option("include_in_schema", True):
                continue
            compiled = compile_route(self.app, info)
            key = (info.name, info.path) if by_name else info.path
            for method in sorted(info.methods, key=lambda m: _METHOD_ORDER.get(m, 99)):
                given = info.option("operation_id")
                operation_id = given or self.settings.generate_operation_id(info, method)
                items.setdefault(key, {})[method.lower()] = self._operation(
                    info, compiled, method, operation_id
                )
        return items

    def _documented(self, routes: Iterable[Route]) -> list[tuple[Route, str, str]]:
        """Every (route, method, OpenAPI path) to document, in route order, unshadowed."""
        result: list[tuple[Route, str, str]] = []
        seen: dict[tuple[str, str], Route] = {}
        for route in routes:
            info = route.info
            if not info.option("include_in_schema", True):
                continue
            template = path_format(info.path)
            for method in sorted(info.methods, key=lambda m: _METHOD_ORDER.get(m, 99)):
                first = seen.setdefault((template, method), route)
                if first is not route:
                    warnings.warn(
                        f"{method} {info.path} is not documented: {first.info.label} "
                        f"already documents {method} {template}, and OpenAPI allows one "
                        "operation per path and method.",
                        OpenAPIWarning,
                        stacklevel=2,
                    )
                    continue
                result.append((route, method, template))
        return result

    def _operation_ids(self, operations: list[tuple[Route, str]]) -> list[str]:
        """One unique id per operation: explicit ones must not repeat; generated ones yield.

        Generated ids that collide (with an explicit id or an earlier generated one) get
        a suffix, ``_2``, ``_3``, ..., in route order.
        """
        methods_of: dict[int, int] = {}
        for route, _ in operations:
            methods_of[id(route)] = methods_of.get(id(route), 0) + 1
        explicit: dict[str, str] = {}
        given_ids: list[str | None] = []
        for route, method in operations:
            given = route.info.option("operation_id")
            if given is not None and methods_of[id(route)] > 1:
                # One route serving several methods: one id each, told apart by the method.
                given = f"{given}_{method.lower()}"
            if given is not None:
                label = f"{method} {route.info.path}"
                if given in explicit:
                    raise RouteDefinitionError(
                        f"{label} and {explicit[given]} both have operation_id={given!r}, "
                        "but operation ids must be unique. Give one of them another "
                        "operation_id (a router included twice needs one per copy)."
                    )
                explicit[given] = label
            given_ids.append(given)
        used = set(explicit)
        generate = self.settings.generate_operation_id
        ids: list[str] = []
        for (route, method), given in zip(operations, given_ids, strict=True):
            if given is not None:
                ids.append(given)
                continue
            base = generate(route.info, method)
            operation_id, number = base, 2
            while operation_id in used:
                operation_id, number = f"{base}_{number}", number + 1
            if operation_id != base:
                warnings.warn(
                    f"The operation id {base!r} of {method} {route.info.path} is taken by "
                    f"another operation; it is published as {operation_id!r}. Give the "
                    "route an operation_id= or a distinct name.",
                    OpenAPIWarning,
                    stacklevel=2,
                )
            used.add(operation_id)
            ids.append(operation_id)
        return ids

    def _model_schema(self, model: Any, route: RouteInfo) -> Schema:
        if isinstance(model, Schema):
            return model
        if isinstance(model, dict):
            return Schema.of(model)
        schema: Schema | None = None
        if self.hooks_enabled:
            schema = self.hook.pegboard_openapi_model_schema(app=self.app, model=model)
        if schema is None:
            name = getattr(model, "__name__", repr(model))
            raise RouteDefinitionError(
                f"Route {route.label}: responses= names the model {name}, which no enabled "
                f"plugin can describe (enabled: {', '.join(self.app.plugins)}). Enable the "
                "plugin for its kind of model, such as validation(), or give a JSON Schema: "
                "{'model': {'type': 'object', ...}}."
            )
        return schema

    def _add_contributed_paths(self, paths: dict[str, dict[str, Any]]) -> None:
        results = self.hook.pegboard_openapi_paths(app=self.app, components=self.components)
        for contributed in reversed(results):  # in registration order
            for path, item in (contributed or {}).items():
                target = paths.setdefault(path, {})
                for key, value in item.items():
                    if key in target:
                        raise PluginError(
                            f"A plugin's pegboard_openapi_paths returned {key!r} for {path}, "
                            "which the document already has. Document each operation once."
                        )
                    target[key] = jsonable_encoder(value)
