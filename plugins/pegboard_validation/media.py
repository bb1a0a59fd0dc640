"""Content types: which bodies a route accepts, checked before a body is parsed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pegboard import HTTPException

__all__ = [
    "FORM_TYPES",
    "content_type",
    "is_form",
    "is_json",
    "json_media_check",
    "media_type",
]

FORM_TYPES = (b"multipart/form-data", b"application/x-www-form-urlencoded")


def content_type(scope: Any) -> bytes | None:
    """The raw Content-Type header of a request, or None."""
    for name, value in scope["headers"]:
        if name == b"content-type":
            return value  # type: ignore[no-any-return]
    return None


def media_type(value: bytes) -> bytes:
    return value.split(b";", 1)[0].strip().lower()


def is_json(value: bytes) -> bool:
    if value == b"application/json":
        return True
    media = media_type(value)
    return media == b"application/json" or (
        media.startswith(b"application/") and media.endswith(b"+json")
    )


def json_media_check(strict: bool, refuse: bool = True) -> Callable[[Any], bool]:
    """A check of a JSON body's Content-Type: True when the body is to be read as JSON.

    A body that is not JSON (or, when ``strict``, has no Content-Type) is refused with
    a 415 when ``refuse``; otherwise the check returns False and the body is validated
    as the text it is, which fails as FastAPI's does, with a 422.
    """

    def check(scope: Any) -> bool:
        # Per request, before the body is parsed: the header is found inline and the
        # usual exact "application/json" needs no parsing.
        value = None
        for name, found in scope["headers"]:
            if name == b"content-type":
                if found == b"application/json":
                    return True
                value = found
                break
        if value is None:
            if not strict:
                return True
            if refuse:
                raise HTTPException(
                    415, "Unsupported Media Type: send JSON with Content-Type: application/json."
                )
            return False
        if is_json(value):
            return True
        if refuse:
            received = value.decode("latin-1")
            raise HTTPException(
                415,
                f"Unsupported Media Type: expected application/json, got {received!r}.",
            )
        return False

    return check


def is_form(scope: Any, refuse: bool = True) -> bool:
    """Whether a body is a form to parse; no Content-Type reads as an empty form.

    Another type is refused with a 415 when ``refuse``; otherwise it is False, an
    empty form whose required fields fail with a 422, as FastAPI answers.
    """
    value = content_type(scope)
    if value is None or media_type(value) in FORM_TYPES:
        return True
    if refuse:
        raise HTTPException(
            415,
            "Unsupported Media Type: expected multipart/form-data or "
            f"application/x-www-form-urlencoded, got {value.decode('latin-1')!r}.",
        )
    return False
