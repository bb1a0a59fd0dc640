"""Content types: which bodies a route accepts, checked before a body is parsed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pegboard import HTTPException

__all__ = [
    "FORM_TYPES",
    "check_form_media",
    "content_type",
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


def json_media_check(strict: bool) -> Callable[[Any], None]:
    """A check refusing (415) a body that is not JSON; ``strict``: one without a type."""

    def check(scope: Any) -> None:
        value = content_type(scope)
        if value is None:
            if strict:
                raise HTTPException(
                    415, "Unsupported Media Type: send JSON with Content-Type: application/json."
                )
        elif not is_json(value):
            received = value.decode("latin-1")
            raise HTTPException(
                415,
                f"Unsupported Media Type: expected application/json, got {received!r}.",
            )

    return check


def check_form_media(scope: Any) -> None:
    """Refuse a body that is not a form (415); no Content-Type reads as an empty form."""
    value = content_type(scope)
    if value is not None and media_type(value) not in FORM_TYPES:
        raise HTTPException(
            415,
            "Unsupported Media Type: expected multipart/form-data or "
            f"application/x-www-form-urlencoded, got {value.decode('latin-1')!r}.",
        )
