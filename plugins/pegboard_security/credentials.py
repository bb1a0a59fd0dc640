"""Reading credentials from a request, defensively.

Every scheme reads through these functions, so the rules for hostile input are the
same everywhere: a credential header sent twice, longer than the scheme's limit, or
holding bytes that are not printable ASCII is *malformed*, which the schemes answer
with a 401 whatever their ``auto_error``. The values themselves never reach an error
message.
"""

from __future__ import annotations

import re

from starlette.requests import HTTPConnection, cookie_parser

__all__ = [
    "MAX_CREDENTIALS_LENGTH",
    "MalformedCredentials",
    "authorization",
    "cookie_value",
    "header_value",
    "is_token",
    "is_token68",
    "quoted",
    "split_authorization",
]

#: The longest credential (an ``Authorization`` value, an API key) accepted by default,
#: in bytes. Large enough for the biggest identity-provider JWTs seen in practice.
MAX_CREDENTIALS_LENGTH = 8192

# Visible ASCII, space and tab: what RFC 9110 allows in these header values.
_UNPRINTABLE = re.compile(rb"[^\t\x20-\x7e]")
# RFC 9110, 5.6.2: a token (header names, scheme words)
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# RFC 9110, 11.2: token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
_TOKEN68 = re.compile(r"[A-Za-z0-9\-._~+/]+=*")


class MalformedCredentials(Exception):
    """The request carries credentials that cannot be read; ``str(exc)`` is safe to show."""


def header_value(connection: HTTPConnection, key: bytes, label: str, max_length: int) -> str | None:
    """The one value of the header named ``key`` (lower-case bytes), or None if absent.

    ``label`` is the header's name as error messages spell it.

    Raises :class:`MalformedCredentials` if it is repeated, too long, or not printable
    ASCII. A repeated credential header is ambiguous (which one would a proxy in front
    have checked?), so it is refused rather than picking one.
    """
    found: bytes | None = None
    for name, value in connection.scope["headers"]:
        if name == key:
            if found is not None:
                raise MalformedCredentials(f"Multiple {label} headers")
            found = value
    if found is None:
        return None
    if len(found) > max_length:
        raise MalformedCredentials(f"{label} header too long")
    if _UNPRINTABLE.search(found):
        raise MalformedCredentials(f"Invalid characters in {label} header")
    return found.decode("ascii")


def cookie_value(connection: HTTPConnection, name: str) -> str | None:
    """The one value of the cookie ``name``, or None if absent.

    Raises :class:`MalformedCredentials` if the cookie is set twice, in one
    ``Cookie`` header or across several. Starlette's ``request.cookies`` keeps the
    last of two and reads only the first header, so the raw headers are read here.
    """
    found: str | None = None
    for key, value in connection.scope["headers"]:
        if key != b"cookie":
            continue
        for chunk in value.decode("latin-1").split(";"):
            if "=" in chunk and chunk.partition("=")[0].strip() == name:
                if found is not None:
                    raise MalformedCredentials(f"Multiple {name} cookies")
                found = chunk
    if found is None:
        return None
    return cookie_parser(found).get(name)


def authorization(connection: HTTPConnection, max_length: int) -> str | None:
    """The ``Authorization`` header, checked as :func:`header_value` does."""
    return header_value(connection, b"authorization", "Authorization", max_length)


def split_authorization(value: str) -> tuple[str, str]:
    """``"Bearer abc"`` -> ``("Bearer", "abc")``; the scheme word keeps its case."""
    scheme, _, rest = value.strip(" \t").partition(" ")
    return scheme, rest.strip(" \t")


def is_token(value: str) -> bool:
    """Whether ``value`` is a token, the syntax of header names and scheme words."""
    return _TOKEN.fullmatch(value) is not None


def is_token68(value: str) -> bool:
    """Whether ``value`` is a token68, the syntax of Bearer tokens and Basic credentials."""
    return _TOKEN68.fullmatch(value) is not None


def quoted(value: str, what: str = "value") -> str:
    """``value`` as an HTTP quoted-string, for a ``WWW-Authenticate`` parameter.

    Raises ValueError (at definition time, from the schemes' constructors) for text a
    header cannot carry.
    """
    if _UNPRINTABLE.search(value.encode("utf-8")):
        raise ValueError(f"The {what} {value!r} must be printable ASCII to fit in a header.")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
