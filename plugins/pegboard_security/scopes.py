"""``Security`` and ``SecurityScopes``: OAuth2 scopes along a dependency chain.

``Security(dependency, scopes=[...])`` is a :class:`~pegboard_di.Depends` that also
says which scopes this position in the graph requires. A dependency further down that
takes a :class:`SecurityScopes` parameter receives the union of the scopes of every
``Security`` marker from the route down to it, so one ``get_current_user`` can check
whatever each route asks for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import attrs

from pegboard import HTTPException, Marker
from pegboard_di import Depends
from pegboard_security.credentials import quoted

__all__ = ["RequiredScopes", "Security", "SecurityScopes", "scopes_of"]

# RFC 6749, section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
_SCOPE_TOKEN = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]+")


def _scope_tuple(value: Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, (str, bytes)):
        raise TypeError(
            f"scopes takes a list of scope names, got the string {value!r}: "
            f"write scopes=[{value!r}]."
        )
    scopes: list[str] = []
    for scope in value:
        if not isinstance(scope, str) or not _SCOPE_TOKEN.fullmatch(scope):
            raise ValueError(
                f"{scope!r} is not a valid OAuth2 scope: a scope is a non-empty string of "
                "printable ASCII without spaces, quotes or backslashes (RFC 6749, 3.3)."
            )
        if scope not in scopes:
            scopes.append(scope)
    return tuple(scopes)


@attrs.frozen
class Security(Depends):
    """``Depends`` plus the OAuth2 scopes this position requires.

    ``Security(get_current_user, scopes=["items:read"])`` calls ``get_current_user``
    like ``Depends`` would, and adds ``items:read`` to the :class:`SecurityScopes` of
    every dependency below it, to the route's OpenAPI security requirement, and to the
    per-request cache key of the dependencies that read scopes.
    """

    scopes: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=_scope_tuple)

    def __repr__(self) -> str:
        text = super().__repr__()
        if not self.scopes:
            return text
        head = text[:-1]
        separator = "" if head.endswith("(") else ", "
        return f"{head}{separator}scopes={list(self.scopes)!r})"


def scopes_of(chain: Iterable[Depends]) -> tuple[str, ...]:
    """The scopes of every ``Security`` marker in ``chain``, outermost first, once each."""
    found: list[str] = []
    for marker in chain:
        if isinstance(marker, Security):
            found.extend(s for s in marker.scopes if s not in found)
    return tuple(found)


@attrs.frozen
class SecurityScopes:
    """The scopes required of a dependency by every ``Security(...)`` above it.

    Declare a parameter of this type in a dependency; the security plugin fills it
    when the app is built. ``scopes`` lists them outermost first; ``scope_str`` joins
    them with spaces, as OAuth2 writes them. The methods build the errors RFC 6750
    prescribes for bearer tokens, with the ``WWW-Authenticate`` header already right.
    """

    scopes: tuple[str, ...] = attrs.field(default=(), converter=_scope_tuple)
    #: Whether the schemes' own 401s are FastAPI's: detail ``Not authenticated``, a
    #: challenge without parameters (``Bearer`` without ``scope=``, ``Basic``
    #: without ``charset=``). Set by ``security(fastapi_compatible=True)``.
    plain_errors: bool = attrs.field(default=False, kw_only=True)

    @property
    def scope_str(self) -> str:
        return " ".join(self.scopes)

    def challenge(self, error: str | None = None) -> str:
        """A ``WWW-Authenticate`` value: ``Bearer error="...", scope="..."``."""
        params = []
        if error:
            params.append(f"error={quoted(error)}")
        if self.scopes:
            params.append(f"scope={quoted(self.scope_str)}")
        return "Bearer " + ", ".join(params) if params else "Bearer"

    def invalid_token(self, detail: Any = "Could not validate credentials") -> HTTPException:
        """A 401 for a token that is expired, revoked, malformed or otherwise invalid."""
        return HTTPException(401, detail, {"WWW-Authenticate": self.challenge("invalid_token")})

    def insufficient_scope(self, detail: Any = "Not enough permissions") -> HTTPException:
        """A 403 for a valid token that lacks some of :attr:`scopes`."""
        return HTTPException(
            403, detail, {"WWW-Authenticate": self.challenge("insufficient_scope")}
        )

    def check(self, granted: Iterable[str] | str | None) -> None:
        """Raise :meth:`insufficient_scope` unless ``granted`` holds every required scope.

        ``granted`` is the token's scopes: a list, or one space-separated string (the
        ``scope`` claim of RFC 8693), or None for none. Anything else (a number, a
        dict, a list holding something other than strings) is a malformed token, and
        raises :meth:`invalid_token` (401) whether or not scopes are required: claims
        come from the client, and a dict's keys must never count as granted scopes.
        """
        have = _granted(granted)
        if have is None:
            raise self.invalid_token()
        if not have.issuperset(self.scopes):
            raise self.insufficient_scope()


def _granted(value: object) -> set[str] | None:
    """The scopes a token's claim grants, or None when the claim is malformed."""
    if value is None:
        return set()
    if isinstance(value, str):
        return set(value.split())
    if isinstance(value, (list, tuple)) and all(isinstance(s, str) for s in value):
        return set(value)
    return None


#: What a scheme gets when called directly, outside a dependency graph.
NO_SCOPES = SecurityScopes()


class RequiredScopes(Marker):
    """Marks the ``SecurityScopes`` parameter of the built-in schemes.

    The security plugin fills any parameter annotated ``SecurityScopes``; this marker
    only lets pegboard name the plugin to enable when a scheme is used without it.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "RequiredScopes()"
