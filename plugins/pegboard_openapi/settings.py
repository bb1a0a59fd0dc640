"""What an app tells the OpenAPI plugin: the document's metadata and where to serve it."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from pegboard import RouteInfo

__all__ = [
    "OpenAPISettings",
    "default_operation_id",
    "default_summary",
    "path_format",
    "path_parameters",
]

OperationIdFunction = Callable[[RouteInfo, str], str]


# A path parameter as Starlette writes it: ``{name}`` or ``{name:convertor}``.
_PATH_PARAMETER = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::([a-zA-Z_][a-zA-Z0-9_]*))?}")


def path_format(path: str) -> str:
    """The OpenAPI form of a route path: ``/items/{id:int}`` becomes ``/items/{id}``."""
    return _PATH_PARAMETER.sub(r"{\1}", path) if "{" in path else path


def path_parameters(path: str) -> dict[str, str]:
    """The path parameters of a route path and their convertors: ``{"id": "int"}``."""
    if "{" not in path:
        return {}
    return {m[1]: m[2] or "str" for m in _PATH_PARAMETER.finditer(path)}


def default_operation_id(route: RouteInfo, method: str) -> str:
    """``{name}{path}_{method}`` with every non-word character replaced by ``_``.

    ``read_item`` at ``GET /items/{item_id}`` gives ``read_item_items__item_id__get``,
    the same id FastAPI generates, so client code generated from either agrees.
    """
    return re.sub(r"\W", "_", route.name + path_format(route.path)) + "_" + method.lower()


def default_summary(route: RouteInfo) -> str:
    """The route's name as a title: ``read_items`` becomes ``Read Items``."""
    return route.name.replace("_", " ").title()


def _tags(value: Sequence[str | Mapping[str, Any]]) -> tuple[dict[str, Any], ...]:
    return tuple({"name": tag} if isinstance(tag, str) else dict(tag) for tag in value)


def _servers(value: Sequence[str | Mapping[str, Any]]) -> tuple[dict[str, Any], ...]:
    return tuple({"url": server} if isinstance(server, str) else dict(server) for server in value)


def _url(value: str | None) -> str | None:
    if value is not None and not value.startswith("/"):
        raise ValueError(f"Document URLs must start with '/', got {value!r}.")
    return value


@attrs.frozen
class OpenAPISettings:
    """The document-level settings of one app; see :func:`pegboard_openapi.openapi`.

    ``tags`` and ``servers`` accept plain strings as shorthand for ``{"name": ...}``
    and ``{"url": ...}``.
    """

    title: str = "pegboard"
    version: str = "0.1.0"
    description: str | None = None
    summary: str | None = None
    terms_of_service: str | None = None
    contact: Mapping[str, Any] | None = None
    license_info: Mapping[str, Any] | None = None
    servers: tuple[dict[str, Any], ...] = attrs.field(default=(), converter=_servers)
    tags: tuple[dict[str, Any], ...] = attrs.field(default=(), converter=_tags)
    external_docs: Mapping[str, Any] | None = None
    #: Path Items by name, or a ``DocumentedRouter`` whose routes are documented.
    webhooks: Mapping[str, Mapping[str, Any]] | Any = attrs.field(factory=dict)
    generate_operation_id: OperationIdFunction = default_operation_id
    openapi_version: str = "3.1.0"
    openapi_url: str | None = attrs.field(default="/openapi.json", converter=_url)
    yaml_url: str | None = attrs.field(default=None, converter=_url)
    root_path_in_servers: bool = True
    fastapi_compatible: bool = False

    def info(self) -> dict[str, Any]:
        """The document's Info object."""
        info: dict[str, Any] = {"title": self.title}
        if self.summary:
            info["summary"] = self.summary
        if self.description:
            info["description"] = self.description
        if self.terms_of_service:
            info["termsOfService"] = self.terms_of_service
        if self.contact:
            info["contact"] = dict(self.contact)
        if self.license_info:
            info["license"] = dict(self.license_info)
        info["version"] = self.version
        return info
