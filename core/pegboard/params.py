"""What the core knows about one handler parameter, and the base class for markers.

:class:`ParamInfo` is handed to ``pegboard_resolve_parameter`` for every parameter of
every handler (and, through the DI plugin, of every dependency). It is computed once,
when the app is built.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, get_args, get_origin

import attrs

from pegboard.exceptions import RouteDefinitionError

__all__ = ["EMPTY", "Marker", "ParamInfo", "describe_callable"]

#: The value of ``ParamInfo.default`` and ``ParamInfo.annotation`` when there is none.
EMPTY: Any = inspect.Parameter.empty


if TYPE_CHECKING:
    # To type checkers a marker is assignable to any type, so the default-value style
    # (``x: int = Depends(dep)``, ``q: str = Query()``) checks cleanly, as FastAPI's
    # marker functions annotated ``-> Any`` do; at run time it is a plain class.
    _MarkerBase = Any
else:
    _MarkerBase = object


class Marker(_MarkerBase):  # type: ignore[misc]
    """Base class for the objects that say how a parameter is resolved.

    ``Query()``, ``Header()``, ``Depends(...)`` and any third-party marker subclass it,
    used as a default value or inside ``Annotated[...]``. The core uses it only to name
    the plugin that would resolve a parameter when no enabled plugin does.

    Type checkers accept a marker where any type is expected (it derives from ``Any``
    for them), so ``limit: int = Query(10)`` type-checks under mypy and pyright strict.
    """

    __slots__ = ()


@attrs.frozen(eq=False)
class ParamInfo:
    """One parameter of a handler or dependency, with its annotation taken apart.

    ``pegboard_resolve_parameter`` receives one per parameter; build them with
    :meth:`from_callable`.

    :ivar name: The parameter's name.
    :ivar annotation: The annotation as written (:data:`EMPTY` if none).
    :ivar type: The annotation with ``Annotated`` removed.
    :ivar metadata: The extras ``Annotated`` carried, in order.
    :ivar default: The default value, or :data:`EMPTY`.
    :ivar kind: The ``inspect.Parameter`` kind.
    :ivar owner: The callable the parameter belongs to (handler or dependency).
    """

    name: str
    annotation: Any = EMPTY
    type: Any = EMPTY
    metadata: tuple[Any, ...] = ()
    default: Any = EMPTY
    kind: inspect._ParameterKind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    owner: Callable[..., Any] | None = None

    @classmethod
    def create(
        cls,
        name: str,
        annotation: Any = EMPTY,
        default: Any = EMPTY,
        *,
        kind: inspect._ParameterKind = inspect.Parameter.POSITIONAL_OR_KEYWORD,
        owner: Callable[..., Any] | None = None,
    ) -> ParamInfo:
        """Build a ParamInfo from a raw annotation, splitting ``Annotated``."""
        tp, metadata = annotation, ()
        if get_origin(annotation) is Annotated:
            tp, *extras = get_args(annotation)
            metadata = tuple(extras)
        return cls(name, annotation, tp, metadata, default, kind, owner)

    @classmethod
    def from_callable(cls, func: Callable[..., Any]) -> tuple[ParamInfo, ...]:
        """The parameters of ``func`` (a function, class, method or callable object)."""
        try:
            signature = inspect.signature(func)
        except (TypeError, ValueError) as exc:
            raise RouteDefinitionError(
                f"Cannot read the signature of {describe_callable(func)}: {exc}"
            ) from exc
        hints = _type_hints(func)
        return tuple(
            cls.create(
                p.name,
                hints.get(p.name, p.annotation),
                p.default,
                kind=p.kind,
                owner=func,
            )
            for p in signature.parameters.values()
        )

    @property
    def has_default(self) -> bool:
        """Whether the parameter has a default value (a marker used as one counts)."""
        return self.default is not EMPTY

    @property
    def marker(self) -> Marker | None:
        """The last :class:`Marker` in ``Annotated`` metadata, else a Marker default."""
        for extra in reversed(self.metadata):
            if isinstance(extra, Marker):
                return extra
        if isinstance(self.default, Marker):
            return self.default
        return None

    def __repr__(self) -> str:
        owner = describe_callable(self.owner) if self.owner is not None else "?"
        return f"<ParamInfo {self.name!r} of {owner}>"


def _type_hints(func: Callable[..., Any]) -> dict[str, Any]:
    target: Any = func
    while isinstance(target, functools.partial):
        target = target.func
    if inspect.isclass(target):
        target = target.__init__
    elif not (inspect.isfunction(target) or inspect.ismethod(target)):
        target = type(target).__call__ if callable(target) else target
    try:
        return typing.get_type_hints(target, include_extras=True)
    except NameError as exc:
        raise RouteDefinitionError(
            f"Cannot resolve the type hints of {describe_callable(func)}: {exc}. "
            "Define or import every name used in its annotations at module level."
        ) from exc
    except TypeError:
        return {}


def describe_callable(func: Callable[..., Any]) -> str:
    """A readable name for a callable in error messages: ``module.qualname``."""
    target: Any = func
    while isinstance(target, functools.partial):
        target = target.func
    module = getattr(target, "__module__", None)
    qualname = getattr(target, "__qualname__", None) or type(target).__qualname__
    return f"{module}.{qualname}" if module else qualname
