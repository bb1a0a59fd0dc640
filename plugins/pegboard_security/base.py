"""``SecurityBase``: what every scheme is, and how it says "not authenticated"."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Mapping
from typing import Any, TypedDict, TypeVar

if sys.version_info >= (3, 11):
    from typing import Unpack as Unpack
else:  # pragma: no cover - Python 3.10
    from typing_extensions import Unpack as Unpack

from pegboard import HTTPException
from pegboard_security.credentials import MAX_CREDENTIALS_LENGTH
from pegboard_security.scopes import NO_SCOPES, SecurityScopes

__all__ = ["SchemeOptions", "SecurityBase", "reads_scope_only", "scope_is_enough"]

F = TypeVar("F", bound=Callable[..., Any])

# The first-party methods that take the request and read only ``request.scope``
# (headers, cookies) or ``request.query_params``.
_SCOPE_READERS: set[Callable[..., Any]] = set()
# Every method of the first-party schemes that is handed the request.
_TAKES_REQUEST = ("__call__", "_read", "_header", "_bearer_token")


def reads_scope_only(method: F) -> F:
    """Mark a first-party scheme method that reads no more of its request than the scope."""
    _SCOPE_READERS.add(method)
    return method


def scope_is_enough(scheme: object) -> bool:
    """Whether ``scheme`` reads only the scope of the request it is called with (build time).

    True for the first-party schemes and for subclasses that keep their request-reading
    methods: the plugin then calls them with an ``HTTPConnection`` on the scope instead
    of the request's ``Request``, which is not made for them. A scheme of your own, or a
    subclass overriding one of those methods, gets the ``Request`` as before.
    """
    cls = type(scheme)
    return all(
        not hasattr(cls, name) or getattr(cls, name) in _SCOPE_READERS for name in _TAKES_REQUEST
    )


class SchemeOptions(TypedDict, total=False):
    """The keywords every scheme takes, passed on to :class:`SecurityBase`.

    :ivar scheme_name: The name the scheme is documented under (the class name).
    :ivar description: Its description in the OpenAPI document.
    :ivar auto_error: True (default): missing credentials are a 401. False: the
        scheme returns None, for optional authentication or several schemes.
    :ivar max_length: The longest credentials accepted, in bytes (longer is a 401).
    """

    scheme_name: str | None
    description: str | None
    auto_error: bool
    max_length: int


def _check_length(max_length: Any) -> int:
    if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
        raise ValueError(f"max_length must be a positive number of bytes, got {max_length!r}.")
    return max_length


def _takes_only_self(method: Any) -> bool:
    try:
        parameters = list(inspect.signature(method).parameters.values())
    except (TypeError, ValueError):
        return False
    return len(parameters) == 1


class SecurityBase:
    """A security scheme: a callable dependency that reads credentials from a request.

    Use an instance with ``Depends(scheme)`` or ``Security(scheme, scopes=[...])``: it
    returns the credentials, raises a 401 when they are missing or malformed, or,
    with ``auto_error=False``, returns None when they are missing. It checks their
    form only; deciding whether they are *valid* is the job of the dependency that
    receives them.

    ``openapi_scheme`` is the OpenAPI Security Scheme object it is documented with,
    under ``scheme_name`` (the class name by default). Subclasses set it in
    ``__init__`` and implement ``async def __call__``.

    A scheme of your own is called with the request's ``Request``, the object its
    handler gets. The first-party schemes read only headers, cookies and the query
    string, so they are called with an ``HTTPConnection`` on the request instead and
    no ``Request`` is made for them; a subclass of theirs that overrides ``__call__``
    (or another method that is handed the request) gets the ``Request`` again.
    """

    openapi_scheme: Mapping[str, Any]

    def __init__(
        self,
        *,
        scheme_name: str | None = None,
        description: str | None = None,
        auto_error: bool = True,
        max_length: int = MAX_CREDENTIALS_LENGTH,
    ) -> None:
        self.scheme_name = scheme_name or type(self).__name__
        self.description = description
        self.auto_error = auto_error
        self.max_length = _check_length(max_length)

    def _scheme(self, **fields: Any) -> dict[str, Any]:
        """An OpenAPI Security Scheme object with this scheme's description."""
        scheme = {name: value for name, value in fields.items() if value is not None}
        if self.description:
            scheme["description"] = self.description
        return scheme

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        override = cls.__dict__.get("make_not_authenticated_error")
        if override is not None and _takes_only_self(override):
            # FastAPI's schemes call make_not_authenticated_error() without arguments;
            # an override written for them answers every case, as it did there.
            def make_not_authenticated_error(
                self: SecurityBase,
                detail: Any = "Not authenticated",
                security_scopes: SecurityScopes = NO_SCOPES,
            ) -> HTTPException:
                return override(self)  # type: ignore[no-any-return]

            cls.make_not_authenticated_error = make_not_authenticated_error  # type: ignore[method-assign]

    def challenge(self, security_scopes: SecurityScopes = NO_SCOPES) -> str:
        """The ``WWW-Authenticate`` value sent with this scheme's 401 responses."""
        if security_scopes.plain_errors:
            return "Bearer"
        return security_scopes.challenge()

    def make_authenticate_headers(
        self, security_scopes: SecurityScopes = NO_SCOPES
    ) -> dict[str, str]:
        return {"WWW-Authenticate": self.challenge(security_scopes)}

    def make_not_authenticated_error(
        self, detail: Any = "Not authenticated", security_scopes: SecurityScopes = NO_SCOPES
    ) -> HTTPException:
        """The 401 this scheme raises, with its challenge."""
        if security_scopes.plain_errors:
            detail = "Not authenticated"
        return HTTPException(401, detail, self.make_authenticate_headers(security_scopes))

    def __repr__(self) -> str:
        return f"{type(self).__name__}(scheme_name={self.scheme_name!r})"
