"""``Depends``: the marker that says a parameter is filled by calling another function."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, Literal

import attrs

from pegboard import EMPTY, Marker, ParamInfo, RouteDefinitionError
from pegboard.params import describe_callable

__all__ = ["Depends", "Scope"]

Scope = Literal["function", "request", "app"]
_SCOPES = ("function", "request", "app")


def _check_dependency(instance: Depends, attribute: Any, value: Any) -> None:
    if value is None or callable(value):
        return
    hint = ""
    if inspect.isgenerator(value) or inspect.isasyncgen(value) or inspect.iscoroutine(value):
        hint = " It looks like the function was called; pass it without parentheses."
    raise TypeError(f"Depends() takes a callable, got {value!r}.{hint}")


def _check_scope(instance: Depends, attribute: Any, value: Any) -> None:
    if value not in _SCOPES:
        raise ValueError(
            f"Depends(scope=...) must be 'function', 'request' or 'app', got {value!r}."
        )


@attrs.frozen
class Depends(Marker):
    """Fill a parameter with what ``dependency`` returns (or yields).

    Use it as a default value, ``db = Depends(get_db)``, or inside ``Annotated``,
    ``db: Annotated[Session, Depends(get_db)]``. Without a callable,
    ``Annotated[Pagination, Depends()]`` calls the annotated class.

    ``use_cache`` (default True) calls a dependency once per request however many
    times the request's graph asks for it; False gives this position its own call.
    ``scope`` says when a generator dependency's teardown runs (every scope but
    ``"app"`` calls the dependency once per request):

    - ``"request"`` (default): after the response is sent. Right for what must
      outlive the response, such as a streamed body reading from the value.
    - ``"function"``: as soon as the handler returned and its value was encoded,
      before anything is sent; an exception raised by the teardown becomes the error
      response (a failed commit answers 500, not 200).
    - ``"app"``: created once when the app starts and closed when it stops.

    Plugins may subclass it to carry more data (the security plugin's ``Security``
    adds ``scopes``); subclasses stay frozen attrs classes so that equal markers
    compare equal (``dependencies=[...]`` given at several levels is deduplicated).
    """

    dependency: Callable[..., Any] | None = attrs.field(default=None, validator=_check_dependency)
    use_cache: bool = attrs.field(default=True, kw_only=True)
    scope: Scope = attrs.field(default="request", kw_only=True, validator=_check_scope)

    def for_param(self, param: ParamInfo) -> Depends:
        """This marker with ``dependency`` filled from ``param``'s annotation if missing."""
        if self.dependency is not None:
            return self
        if param.type is EMPTY or not callable(param.type):
            owner = describe_callable(param.owner) if param.owner is not None else "?"
            raise RouteDefinitionError(
                f"Parameter {param.name!r} of {owner} uses Depends() without a callable and "
                "without a class annotation to call. Write Depends(some_function), or "
                "annotate the parameter with the class: Annotated[MyClass, Depends()]."
            )
        return attrs.evolve(self, dependency=param.type)

    def __repr__(self) -> str:
        parts = [dependency_name(self.dependency) if self.dependency is not None else ""]
        if not self.use_cache:
            parts.append("use_cache=False")
        if self.scope != "request":
            parts.append(f"scope={self.scope!r}")
        return f"{type(self).__name__}({', '.join(p for p in parts if p)})"


def dependency_name(dependency: Any) -> str:
    """A short name for a dependency in messages: its qualname, or its class's."""
    name = getattr(dependency, "__qualname__", None)
    if not isinstance(name, str):
        name = type(dependency).__qualname__
    return name.rpartition("<locals>.")[2]  # functions defined inside functions
