"""The Content-Security-Policy of the docs pages.

Scripts run only from this site (or the CDN in CDN mode) and inline only with the
response's nonce; nothing is fetched from elsewhere. Scalar sets inline styles that
carry no nonce, so its pages allow inline styles; the other UIs need no exception.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence

__all__ = ["CSPOption", "check_csp_option", "content_security_policy", "new_nonce"]

#: ``True`` (the default policy), ``False`` (no header), or extra sources by directive.
CSPOption = bool | Mapping[str, str | Sequence[str]]


def new_nonce() -> str:
    """A fresh nonce, 128 random bits; one per response."""
    return secrets.token_urlsafe(16)


def check_csp_option(value: object) -> CSPOption:
    """Return ``value`` if it is a valid ``csp=`` option; raise ValueError saying why not."""
    if isinstance(value, bool):
        return value
    if not isinstance(value, Mapping):
        raise ValueError(
            f"csp= takes True, False or a dict of extra sources by directive, "
            f"got {type(value).__name__}."
        )
    for directive, sources in value.items():
        if not isinstance(directive, str) or not directive.replace("-", "").isalpha():
            raise ValueError(f"csp= has {directive!r}, which is not a directive name.")
        items = [sources] if isinstance(sources, str) else sources
        if not all(isinstance(s, str) and s and not set(s) & set(";,\r\n") for s in items):
            raise ValueError(f"csp={{{directive!r}: ...}} must be sources without ';' or ','.")
    return value


def content_security_policy(
    *,
    nonce: str | None,
    origins: Iterable[str] = (),
    connect: Iterable[str] = (),
    inline_styles: bool = False,
    extra: Mapping[str, str | Sequence[str]] | None = None,
) -> str:
    """The policy for one docs page.

    ``origins`` serve scripts, styles, images and fonts (a CDN); ``connect`` may be
    fetched from (a document elsewhere); ``extra`` adds sources to any directive.
    """
    origins = list(dict.fromkeys(origins))
    nonce_source = [f"'nonce-{nonce}'"] if nonce else []
    styles = ["'unsafe-inline'"] if inline_styles else nonce_source
    directives: dict[str, list[str]] = {
        "default-src": ["'none'"],
        "script-src": ["'self'", *nonce_source, *origins],
        "style-src": ["'self'", *styles, *origins],
        "img-src": ["'self'", "data:", *origins],
        "font-src": ["'self'", "data:", *origins],
        "connect-src": ["'self'", *dict.fromkeys(connect)],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
    for directive, sources in (extra or {}).items():
        current = directives.setdefault(directive.lower(), [])
        if current == ["'none'"]:
            current.clear()
        for source in [sources] if isinstance(sources, str) else sources:
            if source not in current:
                current.append(source)
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())
