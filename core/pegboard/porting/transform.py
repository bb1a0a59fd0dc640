"""Rewrite one FastAPI module as a pegboard module, on libcst's concrete syntax tree.

Two passes. :func:`scan` reads a module and returns what it uses (which plugins
its names and routes need) and what cannot be ported; the caller merges the uses
of every module in a project, because the app in ``main.py`` must enable the
plugins its routers in other files need. :func:`rewrite` then changes the module:
FastAPI imports become pegboard's, names FastAPI spells differently are renamed
where they are used (``APIRouter`` becomes ``Router``), and ``FastAPI(...)``
becomes ``App(plugins=[...])`` with each option moved into the plugin that owns
it. Everything else, formatting and comments included, is left as it was.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import attrs
import libcst as cst
import libcst.matchers as m
from libcst.metadata import (
    Assignment,
    MetadataWrapper,
    PositionProvider,
    Scope,
    ScopeProvider,
)

from pegboard.porting import Note
from pegboard.porting.names import (
    APP_ATTRIBUTES,
    APP_KEYWORDS,
    COMPATIBILITY,
    DOCS_PAGE_CALLS,
    DOCUMENTED_ROUTER,
    NAMES,
    PLUGIN_MODULES,
    PLUGIN_ORDER,
    REFUSED_ATTRIBUTES,
    REFUSED_KEYWORDS,
    ROUTE_WRAPPER,
    plugins_of_module,
    refusal_of_name,
)

__all__ = ["Scan", "rewrite", "scan"]

_ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "trace", "api_route"}
)
# Handler parameter types the core fills without the validation plugin.
_CORE_TYPES = frozenset({"Request", "WebSocket", "Response", "BackgroundTasks", "HTTPConnection"})
_PATH_PARAM = re.compile(r"{([A-Za-z_][A-Za-z_0-9]*)(?::[a-z]+)?}")
_WIDTH = 88


@attrs.frozen
class Scan:
    """What one module uses, and what in it cannot be ported."""

    plugins: frozenset[str]
    notes: tuple[Note, ...]
    uses_fastapi: bool


def _is_fastapi(module: str) -> bool:
    return module.split(".")[0] == "fastapi"


def _dotted(node: cst.BaseExpression | None) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _import_module(node: cst.ImportFrom) -> str:
    if node.relative:
        return ""
    return _dotted(node.module)


def _string_value(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


class _Scanner(cst.CSTVisitor):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self) -> None:
        super().__init__()
        self.plugins: set[str] = set()
        self.notes: list[Note] = []
        self.uses_fastapi = False

    def _line(self, node: cst.CSTNode) -> int:
        return self.get_metadata(PositionProvider, node).start.line

    def _note(self, node: cst.CSTNode, what: str, advice: str) -> None:
        self.notes.append(Note(self._line(node), what, advice))

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = _dotted(alias.name)
            if _is_fastapi(name):
                self.uses_fastapi = True
                self._note(
                    node,
                    f"import {name}",
                    "import the names you use with 'from fastapi import ...', which is ported",
                )

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = _import_module(node)
        if module in ("pydantic", "pydantic_settings") or module.startswith("pydantic."):
            self.plugins.add("validation")
        if not _is_fastapi(module):
            self.plugins.update(plugins_of_module(module))  # a module ported already
            return
        self.uses_fastapi = True
        if isinstance(node.names, cst.ImportStar):
            self._note(node, f"from {module} import *", "import the names you use one by one")
            return
        for alias in node.names:
            name = _dotted(alias.name)
            target = NAMES.get((module, name))
            if target is None:
                self._note(node, f"{module}.{name}", refusal_of_name(name))
            else:
                self.plugins.update(plugins_of_module(target[0]))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is None:
            return
        keyword = node.keyword.value
        if keyword in ("dependencies",):
            self.plugins.add("di")
        elif keyword == "callbacks":
            self.plugins.add("openapi")
        elif keyword.startswith("response_model"):
            self.plugins.add("validation")
        elif keyword in REFUSED_KEYWORDS:
            self._note(node, f"{keyword}=", REFUSED_KEYWORDS[keyword])

    def visit_Attribute(self, node: cst.Attribute) -> None:
        attribute = node.attr.value
        if attribute == "webhooks":
            self.plugins.add("openapi")
        if attribute in REFUSED_ATTRIBUTES:
            self._note(node, f".{attribute}", REFUSED_ATTRIBUTES[attribute])
        elif attribute == "dependency_overrides":
            self.plugins.add("di")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        for decorator in node.decorators:
            path = _route_path(decorator.decorator)
            if path is not None and _needs_validation(node, path):
                self.plugins.add("validation")


def _route_path(decorator: cst.BaseExpression) -> str | None:
    """The path of ``@x.get("/path", ...)`` and its kind, or None for other decorators."""
    if not (isinstance(decorator, cst.Call) and isinstance(decorator.func, cst.Attribute)):
        return None
    if decorator.func.attr.value not in _ROUTE_METHODS | {"websocket"}:
        return None
    if not decorator.args or decorator.args[0].keyword is not None:
        return None
    return _string_value(decorator.args[0].value)


def _needs_validation(function: cst.FunctionDef, path: str) -> bool:
    """Whether FastAPI would validate something for this handler."""
    path_names = set(_PATH_PARAM.findall(path))
    if function.returns is not None and not m.matches(
        function.returns.annotation, m.Name("None") | m.Name(value=m.MatchIfTrue(_is_response))
    ):
        return True
    params = function.params
    for param in (*params.posonly_params, *params.params, *params.kwonly_params):
        annotation = param.annotation.annotation if param.annotation else None
        type_name = _dotted(annotation) if annotation is not None else ""
        if type_name.split(".")[-1] in _CORE_TYPES:
            continue
        if param.name.value in path_names and type_name in ("", "str"):
            continue
        return True
    return False


def _is_response(name: str) -> bool:
    return name.endswith("Response")


def scan(source: str) -> Scan:
    """Read ``source``: the plugins it needs, and what in it cannot be ported."""
    wrapper = MetadataWrapper(cst.parse_module(source))
    scanner = _Scanner()
    wrapper.visit(scanner)
    return Scan(frozenset(scanner.plugins), tuple(scanner.notes), scanner.uses_fastapi)


# ---------------------------------------------------------------- rewriting


@attrs.frozen
class _Import:
    """One imported name after porting: ``from module import name as local``."""

    module: str
    name: str
    local: str

    def code(self) -> str:
        return self.name if self.name == self.local else f"{self.name} as {self.local}"


def _import_lines(imports: Sequence[_Import]) -> list[str]:
    by_module: dict[str, set[str]] = {}
    for item in imports:
        by_module.setdefault(item.module, set()).add(item.code())
    lines = []
    for module in sorted(by_module, key=lambda name: (_is_fastapi(name), name)):
        names = sorted(by_module[module], key=_isort_key)
        line = f"from {module} import {', '.join(names)}"
        if len(line) > _WIDTH:
            body = "".join(f"    {name},\n" for name in names)
            line = f"from {module} import (\n{body})"
        lines.append(line)
    return lines


def _isort_key(name: str) -> tuple[int, str]:
    # ruff's isort order: CONSTANTS, then Classes, then functions.
    bare = name.split(" ")[0]
    kind = 0 if bare.isupper() and len(bare) > 1 else 1 if bare[:1].isupper() else 2
    return kind, bare


class _Rewriter(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (ScopeProvider,)

    def __init__(
        self,
        plugins: Iterable[str],
        compatible: bool,
        bases: set[str],
        apps: dict[str, dict[str, str]],
        webhooks: dict[str, str],
        callback_routers: set[str],
    ) -> None:
        super().__init__()
        self.plugins = [plugin for plugin in PLUGIN_ORDER if plugin in set(plugins)]
        self.compatible = compatible
        self.bases = bases  # the names the module's classes subclass
        self.apps = apps  # variable -> its FastAPI(...) keywords, as code
        self.targets: set[cst.CSTNode] = set()  # attributes assigned to
        self.docs_calls: dict[cst.CSTNode, str] = {}  # get_swagger_ui_html & co, used
        self.renames: dict[cst.CSTNode, str] = {}  # Name nodes to rename -> new name
        self.app_names: set[cst.CSTNode] = set()  # Name nodes that refer to FastAPI
        self.plugin_locals: dict[str, str] = {}  # plugin factory -> local name
        self.used_plugins: set[str] = set()  # the plugins some App(...) call enables
        self.generated: set[cst.BaseStatement] = set()  # the import lines written
        self.webhooks = webhooks  # app variable -> the DocumentedRouter for app.webhooks
        self.callback_routers = callback_routers  # routers given as callbacks=
        self.documented_imported = not (webhooks or callback_routers)
        self.assigned: str | None = None  # the variable the statement being ported sets

    # Imports --------------------------------------------------------------------

    def _taken(self, scope: Scope) -> set[str]:
        names = {assignment.name for assignment in scope.assignments}
        return names | {assignment.name for assignment in scope.globals.assignments}

    def _ported_imports(self, node: cst.ImportFrom) -> list[_Import]:
        """The imports replacing ``node``; a name without a pegboard answer stays as it is."""
        module = _import_module(node)
        if isinstance(node.names, cst.ImportStar):
            return [_Import(module, "*", "*")]
        scope = self.get_metadata(ScopeProvider, node)
        assert scope is not None
        taken = self._taken(scope)
        result = []
        for alias in node.names:
            name = _dotted(alias.name)
            target = NAMES.get((module, name))
            local = alias.evaluated_alias or name
            if name == "APIRoute" and local in self.bases:
                target = ROUTE_WRAPPER  # subclassed: a route class becomes a route wrapper
            if target is None:  # scan() reported it
                result.append(_Import(module, name, local))
                continue
            if alias.asname is None and target[1] != name and target[1] not in taken:
                self._rename(scope, node, name, target[1])
                local = target[1]
            if name in DOCS_PAGE_CALLS:
                for reference in self._references(scope, node, name):
                    self.docs_calls[reference] = name
            if name == "FastAPI" and module == "fastapi":
                self._mark_app(scope, node, name)
                result += self._plugin_imports(taken)
            result.append(_Import(target[0], target[1], local))
        if not self.documented_imported:  # app.webhooks or callbacks= routers are used
            self.documented_imported = True
            result.append(_Import("pegboard_openapi", DOCUMENTED_ROUTER, DOCUMENTED_ROUTER))
        return result

    def _references(self, scope: Scope, node: cst.ImportFrom, name: str) -> list[cst.CSTNode]:
        found: list[cst.CSTNode] = []
        for assignment in scope.assignments[name]:
            if isinstance(assignment, Assignment) and assignment.node is node:
                found += [access.node for access in assignment.references]
        return found

    def _rename(self, scope: Scope, node: cst.ImportFrom, name: str, new: str) -> None:
        for reference in self._references(scope, node, name):
            if isinstance(reference, cst.Name):
                self.renames[reference] = new

    def _mark_app(self, scope: Scope, node: cst.ImportFrom, name: str) -> None:
        self.app_names.update(self._references(scope, node, name))

    def _plugin_imports(self, taken: set[str]) -> list[_Import]:
        imports = []
        for plugin in self.plugins:
            local = plugin if plugin not in taken else f"{plugin}_plugin"
            self.plugin_locals[plugin] = local
            imports.append(_Import(PLUGIN_MODULES[plugin], plugin, local))
        return imports

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        if len(original_node.body) == 1 and isinstance(original_node.body[0], cst.Assign):
            return self._with_webhooks(original_node.body[0], updated_node)
        if len(original_node.body) != 1 or not isinstance(original_node.body[0], cst.ImportFrom):
            return updated_node
        statement = original_node.body[0]
        if not _is_fastapi(_import_module(statement)):
            return updated_node
        imports = self._ported_imports(statement)
        if all(_is_fastapi(item.module) for item in imports):
            return updated_node  # nothing in it has a pegboard answer
        lines = [cst.parse_statement(line + "\n") for line in _import_lines(imports)]
        # The comments before and after the import go with its first line.
        first = lines[0]
        assert isinstance(first, cst.SimpleStatementLine)
        lines[0] = first.with_changes(
            leading_lines=original_node.leading_lines,
            trailing_whitespace=original_node.trailing_whitespace,
        )
        self.generated.update(lines)
        return cst.FlattenSentinel(lines)

    # Webhooks and callbacks ------------------------------------------------------

    def _with_webhooks(
        self, assign: cst.Assign, updated: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement]:
        """``app = FastAPI()`` whose ``app.webhooks`` is used: its router comes first."""
        target = assign.targets[0].target if len(assign.targets) == 1 else None
        router = self.webhooks.get(target.value) if isinstance(target, cst.Name) else None
        if router is None:
            return updated
        line = cst.parse_statement(f"{router} = {DOCUMENTED_ROUTER}()\n")
        assert isinstance(line, cst.SimpleStatementLine)
        return cst.FlattenSentinel(
            [
                line.with_changes(leading_lines=updated.leading_lines),
                updated.with_changes(leading_lines=[]),
            ]
        )

    def visit_Assign(self, node: cst.Assign) -> None:
        target = node.targets[0].target if len(node.targets) == 1 else None
        self.assigned = target.value if isinstance(target, cst.Name) else None

    # The app's settings and FastAPI's docs pages --------------------------------

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self.targets.add(node.target)

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        # app.title, app.openapi_url, ...: what FastAPI(...) was given, or its default.
        value = original_node.value
        if original_node in self.targets or not isinstance(value, cst.Name):
            return updated_node
        if original_node.attr.value == "webhooks" and value.value in self.webhooks:
            return cst.Name(self.webhooks[value.value])  # app.webhooks: its DocumentedRouter
        settings = self.apps.get(value.value)
        default = APP_ATTRIBUTES.get(original_node.attr.value)
        if settings is None or default is None:
            return updated_node
        return cst.parse_expression(settings.get(original_node.attr.value, default))

    def _docs_page_call(self, name: str, updated: cst.Call) -> cst.BaseExpression:
        renamed, files, default_folder = DOCS_PAGE_CALLS[name]
        args: list[cst.Arg] = []
        folder: str | None = default_folder
        for arg in updated.args:
            keyword = arg.keyword.value if arg.keyword else None
            if keyword in files:
                url = _string_value(arg.value)
                name = files[keyword]
                if url is None or not url.endswith("/" + name):
                    return updated  # not a file the porter can place: left as written
                found = url[: -len(name) - 1]
                if folder not in (default_folder, found):
                    return updated  # the files are in different folders
                folder = found
            elif keyword in renamed:
                args.append(arg.with_changes(keyword=cst.Name(renamed[keyword])))
            elif keyword != "with_google_fonts":  # pegboard's pages load no web fonts
                args.append(arg)
        assets = cst.Arg(
            cst.SimpleString(repr(folder).replace("'", '"')),
            keyword=cst.Name("assets_url"),
            equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
            comma=updated.args[-1].comma if updated.args else cst.MaybeSentinel.DEFAULT,
        )
        if args and args[-1].comma is cst.MaybeSentinel.DEFAULT:
            comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
            args[-1] = args[-1].with_changes(comma=comma)
        return updated.with_changes(args=[*args, assets])

    # Route classes --------------------------------------------------------------

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        # APIRouter(route_class=X): X is a route wrapper now.
        if updated_node.keyword is None or updated_node.keyword.value != "route_class":
            return updated_node
        return updated_node.with_changes(
            keyword=cst.Name("route_wrappers"),
            value=cst.List([cst.Element(updated_node.value)]),
        )

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        self.assigned = None
        if len(updated_node.targets) != 1:
            return updated_node
        target = updated_node.targets[0].target
        value = updated_node.value
        if (
            isinstance(target, cst.Name)
            and target.value in self.callback_routers
            and isinstance(value, cst.Call)
        ):
            # A router given as callbacks=: documented, never served.
            return updated_node.with_changes(
                value=value.with_changes(func=cst.Name(DOCUMENTED_ROUTER))
            )
        # app.router.route_class = X: the routes added from now on get the wrapper.
        if not (isinstance(target, cst.Attribute) and target.attr.value == "route_class"):
            return updated_node
        options = cst.Subscript(
            value=target.with_changes(attr=cst.Name("route_options")),
            slice=[cst.SubscriptElement(cst.Index(cst.SimpleString('"route_wrappers"')))],
        )
        return updated_node.with_changes(
            targets=[updated_node.targets[0].with_changes(target=options)],
            value=cst.List([cst.Element(updated_node.value)]),
        )

    # Names and the app ----------------------------------------------------------

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
        new = self.renames.get(original_node)
        return updated_node.with_changes(value=new) if new else updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        if func in self.docs_calls:
            return self._docs_page_call(self.docs_calls[func], updated_node)
        if func not in self.app_names:
            return updated_node
        return self._app_call(original_node, updated_node)

    def _app_call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        module = cst.Module(body=[])
        app_args: list[str] = []
        plugin_args: dict[str, list[str]] = {plugin: [] for plugin in self.plugins}
        off: set[str] = set()
        comments: dict[str, list[str]] = {}  # plugin or App argument -> its comments
        for arg in updated.args:
            value = module.code_for_node(arg.value)
            if arg.keyword is None:
                app_args.append(f"{arg.star}{value}")
                comments.setdefault(app_args[-1], []).extend(_comments_of(arg))
                continue
            keyword = arg.keyword.value
            plugin, option = APP_KEYWORDS.get(keyword, ("app", keyword))
            if plugin == "app":
                app_args.append(f"{option}={value}")
                comments.setdefault(app_args[-1], []).extend(_comments_of(arg))
                continue
            comments.setdefault(plugin, []).extend(_comments_of(arg))
            if m.matches(arg.value, m.Name("None")) and option in ("url", "openapi_url"):
                off.add(plugin)  # docs_url=None: that UI is not enabled at all
            elif plugin in plugin_args:
                plugin_args[plugin].append(f"{option}={value}")
        router = self.webhooks.get(self.assigned or "")
        if router is not None and "openapi" in plugin_args:
            plugin_args["openapi"].append(f"webhooks={router}")
        if "openapi" in off:
            off |= {"swagger_ui", "redoc"}  # FastAPI serves no docs without a document
        openapi_given = {arg.split("=")[0] for arg in plugin_args.get("openapi", [])}
        if "openapi" in plugin_args and "title" not in openapi_given:
            plugin_args["openapi"].insert(0, 'title="FastAPI"')  # FastAPI's default title
        if self.compatible:
            given = {arg.split("=")[0] for arg in app_args}
            for plugin, settings in COMPATIBILITY.items():
                if plugin == "app":
                    app_args += [f"{o}={v}" for o, v in settings if o not in given]
                elif plugin in plugin_args:
                    plugin_args[plugin] += [f"{option}={value}" for option, value in settings]
        enabled = [plugin for plugin in plugin_args if plugin not in off]
        self.used_plugins.update(enabled)
        plugins = [
            f"{self.plugin_locals[plugin]}({', '.join(plugin_args[plugin])})" for plugin in enabled
        ]
        func = module.code_for_node(updated.func)
        arguments = [f"plugins=[{', '.join(plugins)}]", *app_args]
        code = f"{func}({', '.join(arguments)})"
        if "\n" in module.code_for_node(original) or len(code) > _WIDTH or any(comments.values()):
            # One line per plugin and option; a comment goes with what its option became.
            listed = "".join(
                f"        {text},{_comment(comments, plugin)}\n"
                for plugin, text in zip(enabled, plugins, strict=True)
            )
            rest = "".join(f"    {text},{_comment(comments, text)}\n" for text in app_args)
            code = f"{func}(\n    plugins=[\n{listed}    ],\n{rest})"
        return cst.parse_expression(code)


def _comments_of(arg: cst.Arg) -> list[str]:
    """The comments written after an argument (after its comma, or before the ``)``)."""
    module = cst.Module(body=[])
    text = module.code_for_node(arg.comma) if isinstance(arg.comma, cst.Comma) else ""
    text += module.code_for_node(arg.whitespace_after_arg)
    return [line.strip() for line in re.findall(r"#[^\n]*", text)]


def _comment(comments: dict[str, list[str]], key: str) -> str:
    found = comments.get(key)
    return "  " + "  ".join(found) if found else ""


class _Prune(cst.CSTTransformer):
    """Drop the plugin factories no ``App(...)`` call of the module enables."""

    def __init__(self, generated: set[cst.BaseStatement], unused: set[str]) -> None:
        super().__init__()
        self.generated = generated
        self.unused = unused

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        if original_node not in self.generated:
            return updated_node
        statement = updated_node.body[0]
        assert isinstance(statement, cst.ImportFrom)
        assert not isinstance(statement.names, cst.ImportStar)
        names = [alias for alias in statement.names if _local(alias) not in self.unused]
        if len(names) == len(statement.names):
            return updated_node
        if not names:
            if original_node.leading_lines or original_node.trailing_whitespace.comment:
                names = list(statement.names)  # keep the line that carries the comments
            else:
                return cst.RemoveFromParent()
        module = _dotted(statement.module)
        line = _import_lines([_Import(module, _dotted(a.name), _local(a)) for a in names])[0]
        new = cst.parse_statement(line + "\n")
        return new.with_changes(  # type: ignore[return-value]
            leading_lines=original_node.leading_lines,
            trailing_whitespace=original_node.trailing_whitespace,
        )


def _local(alias: cst.ImportAlias) -> str:
    return alias.evaluated_alias or _dotted(alias.name)


def rewrite(source: str, plugins: Iterable[str], *, compatible: bool = True) -> str:
    """Return ``source`` ported, its ``FastAPI(...)`` calls enabling ``plugins``.

    ``compatible`` also turns on the settings that make a ported app answer and
    document itself as FastAPI did (see ``COMPATIBILITY``).
    """
    tree = cst.parse_module(source)
    bases = {
        _dotted(base.value)
        for node in m.findall(tree, m.ClassDef())
        if isinstance(node, cst.ClassDef)
        for base in node.bases
    }
    apps: dict[str, dict[str, str]] = {}
    code = cst.Module(body=[]).code_for_node
    for assign in m.findall(tree, m.Assign(value=m.Call())):
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
            continue
        target, call = assign.targets[0].target, assign.value
        if (
            isinstance(target, cst.Name)
            and isinstance(call, cst.Call)
            and _dotted(call.func) in ("FastAPI", "fastapi.FastAPI")
        ):
            apps[target.value] = {
                arg.keyword.value: code(arg.value) for arg in call.args if arg.keyword
            }
    wrapper = MetadataWrapper(tree)
    rewriter = _Rewriter(
        plugins, compatible, bases, apps, _webhook_routers(tree, apps), _callback_routers(tree)
    )
    module = wrapper.visit(rewriter)
    unused = {
        local
        for plugin, local in rewriter.plugin_locals.items()
        if plugin not in rewriter.used_plugins
    }
    if rewriter.callback_routers and not _uses_name(module, "Router"):
        unused.add("Router")  # its only routers were callbacks: DocumentedRouters now
    if unused:
        module = module.visit(_Prune(rewriter.generated, unused))
    return module.code


def _uses_name(module: cst.Module, name: str) -> bool:
    """Whether ``name`` is used in ``module`` outside its imports."""
    imported = {
        id(node)
        for statement in m.findall(module, m.ImportFrom())
        for node in m.findall(statement, m.Name(name))
    }
    return any(id(node) not in imported for node in m.findall(module, m.Name(name)))


def _webhook_routers(tree: cst.Module, apps: Iterable[str]) -> dict[str, str]:
    """The apps whose ``app.webhooks`` is used, and the name of the router replacing it."""
    attributes = m.findall(tree, m.Attribute())
    names = {id(node.attr) for node in attributes if isinstance(node, cst.Attribute)}
    used = {
        n.value for n in m.findall(tree, m.Name()) if isinstance(n, cst.Name) and id(n) not in names
    }
    found = {
        node.value.value
        for node in attributes
        if isinstance(node, cst.Attribute)
        and isinstance(node.value, cst.Name)
        and node.attr.value == "webhooks"
    }
    with_webhooks = [app for app in apps if app in found]
    if len(with_webhooks) == 1 and "webhooks" not in used:
        return {with_webhooks[0]: "webhooks"}
    return {app: f"{app}_webhooks" for app in with_webhooks}


def _callback_routers(tree: cst.Module) -> set[str]:
    """The routers given to a route as ``callbacks=router.routes`` (or ``callbacks=router``)."""
    found: set[str] = set()
    for arg in m.findall(tree, m.Arg(keyword=m.Name("callbacks"))):
        assert isinstance(arg, cst.Arg)
        value = arg.value
        if isinstance(value, cst.Attribute) and value.attr.value == "routes":
            value = value.value
        if isinstance(value, cst.Name):
            found.add(value.value)
    return found
