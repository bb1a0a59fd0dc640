"""The warning the OpenAPI plugin gives when it had to change a name to keep the document valid."""

from __future__ import annotations

__all__ = ["OpenAPIWarning"]


class OpenAPIWarning(UserWarning):
    """The document was built, but something in the app should be renamed.

    Given when two different schemas or security schemes share a name (the later one
    is published under a numbered name), when generated operation ids collide (the
    later one gets a numbered suffix), and when a route is shadowed by an earlier one
    with the same path and method. Filter it like any warning.
    """
