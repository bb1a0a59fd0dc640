"""The label values the plugin writes besides methods and route templates."""

from __future__ import annotations

__all__ = ["DISCONNECTED", "UNMATCHED", "status_label"]

#: The ``route`` label of requests that matched no route (``unmatched=True``).
UNMATCHED = "<unmatched>"
#: The ``status`` label of requests whose client left before any response was sent.
DISCONNECTED = "disconnected"


def status_label(status: int | None) -> str:
    """The ``status`` label of a response status (None: nothing was sent)."""
    return DISCONNECTED if status is None else str(status)
