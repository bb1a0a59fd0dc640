"""The route decorators shared by :class:`~pegboard.Router` and :class:`~pegboard.App`.

Their keyword parameters name the route options the core and the first-party plugins
declare, so editors complete them and type checkers check their values
(``status_code="201"`` is flagged). Options of third-party plugins go through
``**options``: Python's typing cannot accept unknown keyword names and still reject
misspelt ones (a ``TypedDict`` with ``Unpack`` is closed; PEP 728's ``extra_items``
is not in mypy), so a misspelt name (``status_cod=201``) is caught when the route is
defined, by the check that names the plugin declaring each option.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar

if TYPE_CHECKING:
    from starlette.middleware import Middleware
    from starlette.responses import Response

    from pegboard.route_wrappers import RouteWrapperFunction
    from pegboard.routing import Route, WebSocketRoute

__all__ = ["FIRST_PARTY_OPTIONS", "UNSET", "RouteDecorators"]

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T", bound=Callable[..., Any])

#: The default of every option parameter: "not given", so the route's router or app
#: decides (``None`` is a real value for several options, ``max_body_size=None``).
UNSET: Final[Any] = type("Unset", (), {"__repr__": lambda self: "UNSET"})()

#: The options named as parameters here, and who declares each.
FIRST_PARTY_OPTIONS: Final[Mapping[str, str]] = {
    "tags": "pegboard",
    "include_in_schema": "pegboard",
    "max_body_size": "pegboard",
    "response_class": "pegboard",
    "middleware": "pegboard",
    "route_wrappers": "pegboard",
    "response_model": "validation",
    "response_model_include": "validation",
    "response_model_exclude": "validation",
    "response_model_by_alias": "validation",
    "response_model_exclude_unset": "validation",
    "response_model_exclude_defaults": "validation",
    "response_model_exclude_none": "validation",
    "dependencies": "di",
    "security": "security",
    "summary": "openapi",
    "description": "openapi",
    "operation_id": "openapi",
    "response_description": "openapi",
    "responses": "openapi",
    "deprecated": "openapi",
    "openapi_extra": "openapi",
    "callbacks": "openapi",
    "compress": "compression",
    "cache": "caching",
    "etag": "caching",
    "rate_limit": "ratelimit",
    "rate_limit_key": "ratelimit",
    "rate_limit_group": "ratelimit",
}


class _Decorator(Protocol):
    """What a route decorator returns: it registers the handler and gives it back."""

    def __call__(self, func: F, /) -> F: ...


def _signature_of(template: T) -> Callable[[Callable[..., Any]], T]:
    """Give a method ``template``'s signature, for editors, type checkers and ``inspect``.

    The one-method decorators (``get``, ``post``...) take the same options; they are
    written once, in ``RouteDecorators._route``, instead of eight times.
    """

    def copy(method: Callable[..., Any]) -> T:
        method.__signature__ = inspect.signature(template)  # type: ignore[attr-defined]
        return method  # type: ignore[return-value]

    return copy


def _given(arguments: dict[str, Any]) -> dict[str, Any]:
    """The route options among a decorator's arguments that the caller gave."""
    options = arguments.pop("options")
    for name in ("self", "path", "__class__"):
        arguments.pop(name, None)
    return {**{k: v for k, v in arguments.items() if v is not UNSET}, **options}


class RouteDecorators:
    """The route-declaring methods shared by :class:`~pegboard.Router` and the App.

    Every decorator takes the route's ``name`` and ``status_code``, the route options
    of the core and the first-party plugins as keyword parameters (an option whose
    plugin is not enabled is an error when the route is defined), and any option a
    third-party plugin declares as a further keyword.
    """

    def add_api_route(
        self,
        path: str,
        endpoint: Callable[..., Any],
        *,
        methods: Collection[str] | None = None,
        name: str | None = None,
        status_code: int | None = None,
        **options: Any,
    ) -> Route:
        raise NotImplementedError

    def add_api_websocket_route(
        self, path: str, endpoint: Callable[..., Any], *, name: str | None = None, **options: Any
    ) -> WebSocketRoute:
        raise NotImplementedError

    def api_route(
        self,
        path: str,
        *,
        methods: Collection[str] | None = None,
        name: str | None = None,
        status_code: int | None = None,
        tags: Sequence[str | Enum] = UNSET,
        include_in_schema: bool = UNSET,
        max_body_size: int | None = UNSET,
        response_class: type[Response] = UNSET,
        middleware: Sequence[Middleware] = UNSET,
        route_wrappers: Sequence[RouteWrapperFunction] = UNSET,
        response_model: Any = UNSET,
        response_model_include: Any = UNSET,
        response_model_exclude: Any = UNSET,
        response_model_by_alias: bool = UNSET,
        response_model_exclude_unset: bool = UNSET,
        response_model_exclude_defaults: bool = UNSET,
        response_model_exclude_none: bool = UNSET,
        dependencies: Sequence[Any] = UNSET,
        security: Sequence[Any] = UNSET,
        summary: str = UNSET,
        description: str = UNSET,
        operation_id: str = UNSET,
        response_description: str = UNSET,
        responses: Mapping[int | str, Any] = UNSET,
        deprecated: bool = UNSET,
        openapi_extra: Mapping[str, Any] = UNSET,
        callbacks: Mapping[str, Any] | Iterable[Any] = UNSET,
        compress: Any = UNSET,
        cache: Any = UNSET,
        etag: bool = UNSET,
        rate_limit: Any = UNSET,
        rate_limit_key: Callable[..., Any] | None = UNSET,
        rate_limit_group: str | None = UNSET,
        **options: Any,
    ) -> Callable[[F], F]:
        """Decorate a handler for ``path`` and ``methods`` (default ``["GET"]``).

        The core's options: ``tags``, ``include_in_schema``, ``max_body_size``,
        ``response_class``, ``middleware`` and ``route_wrappers``. The validation plugin's:
        ``response_model`` and the ``response_model_*`` filters. The DI plugin's:
        ``dependencies``. The security plugin's: ``security``. The OpenAPI plugin's:
        ``summary``, ``description``, ``operation_id``, ``response_description``,
        ``responses``, ``deprecated``, ``openapi_extra`` and ``callbacks``. The
        compression plugin's: ``compress``. The caching plugin's: ``cache`` and
        ``etag``. The ratelimit plugin's: ``rate_limit``, ``rate_limit_key`` and
        ``rate_limit_group``. Further keywords are options third-party plugins declare.
        """
        given = _given(locals())
        del given["methods"], given["name"], given["status_code"]

        def decorator(func: F) -> F:
            self.add_api_route(
                path, func, methods=methods, name=name, status_code=status_code, **given
            )
            return func

        return decorator

    def _route(
        self,
        path: str,
        *,
        name: str | None = None,
        status_code: int | None = None,
        tags: Sequence[str | Enum] = UNSET,
        include_in_schema: bool = UNSET,
        max_body_size: int | None = UNSET,
        response_class: type[Response] = UNSET,
        middleware: Sequence[Middleware] = UNSET,
        route_wrappers: Sequence[RouteWrapperFunction] = UNSET,
        response_model: Any = UNSET,
        response_model_include: Any = UNSET,
        response_model_exclude: Any = UNSET,
        response_model_by_alias: bool = UNSET,
        response_model_exclude_unset: bool = UNSET,
        response_model_exclude_defaults: bool = UNSET,
        response_model_exclude_none: bool = UNSET,
        dependencies: Sequence[Any] = UNSET,
        security: Sequence[Any] = UNSET,
        summary: str = UNSET,
        description: str = UNSET,
        operation_id: str = UNSET,
        response_description: str = UNSET,
        responses: Mapping[int | str, Any] = UNSET,
        deprecated: bool = UNSET,
        openapi_extra: Mapping[str, Any] = UNSET,
        callbacks: Mapping[str, Any] | Iterable[Any] = UNSET,
        compress: Any = UNSET,
        cache: Any = UNSET,
        etag: bool = UNSET,
        rate_limit: Any = UNSET,
        rate_limit_key: Callable[..., Any] | None = UNSET,
        rate_limit_group: str | None = UNSET,
        **options: Any,
    ) -> _Decorator:
        """The signature of :meth:`get` and the other one-method decorators (typing only)."""
        raise NotImplementedError

    @_signature_of(_route)
    def get(self, path: str, **options: Any) -> _Decorator:
        """Decorate a GET handler (HEAD is answered too). The options are :meth:`api_route`'s."""
        return self.api_route(path, methods=["GET"], **options)

    @_signature_of(_route)
    def post(self, path: str, **options: Any) -> _Decorator:
        """Decorate a POST handler. The options are :meth:`api_route`'s."""
        return self.api_route(path, methods=["POST"], **options)

    @_signature_of(_route)
    def put(self, path: str, **options: Any) -> _Decorator:
        """Decorate a PUT handler. The options are :meth:`api_route`'s."""
        return self.api_route(path, methods=["PUT"], **options)

    @_signature_of(_route)
    def patch(self, path: str, **options: Any) -> _Decorator:
        """Decorate a PATCH handler. The options are :meth:`api_route`'s."""
        return self.api_route(path, methods=["PATCH"], **options)

    @_signature_of(_route)
    def delete(self, path: str, **options: Any) -> _Decorator:
        """Decorate a DELETE handler. The options are :meth:`api_route`'s."""
        return self.api_route(path, methods=["DELETE"], **options)

    @_signature_of(_route)
    def head(self, path: str, **options: Any) -> _Decorator:
        """Decorate a HEAD handler. The options are :meth:`api_route`'s."""
        return self.api_route(path, methods=["HEAD"], **options)

    @_signature_of(_route)
    def options(self, path: str, **options: Any) -> _Decorator:
        """Decorate an OPTIONS handler. The options are :meth:`api_route`'s."""
        return self.api_route(path, methods=["OPTIONS"], **options)

    @_signature_of(_route)
    def trace(self, path: str, **options: Any) -> _Decorator:
        """Decorate a TRACE handler. The options are :meth:`api_route`'s."""
        return self.api_route(path, methods=["TRACE"], **options)

    def websocket(self, path: str, *, name: str | None = None, **options: Any) -> Callable[[F], F]:
        """Decorate an async WebSocket handler."""

        def decorator(func: F) -> F:
            self.add_api_websocket_route(path, func, name=name, **options)
            return func

        return decorator
