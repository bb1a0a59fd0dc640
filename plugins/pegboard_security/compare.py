"""Comparing secrets without leaking, through timing, how much of them matched."""

from __future__ import annotations

import hmac

__all__ = ["compare_secrets"]


def _as_bytes(value: str | bytes, which: str) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        # surrogatepass: any str encodes, even one decoded with surrogateescape.
        return value.encode("utf-8", "surrogatepass")
    raise TypeError(f"compare_secrets() compares str or bytes; the {which} is {type(value)!r}.")


def compare_secrets(given: str | bytes | None, expected: str | bytes | None) -> bool:
    """Whether two secrets are equal, in time that does not depend on where they differ.

    Use it for API keys, passwords read from configuration, HMAC signatures: ``==``
    stops at the first differing character, which lets an attacker guess a secret
    one character at a time. ``str`` is compared as its UTF-8 bytes, so any text
    works (``hmac.compare_digest`` itself refuses non-ASCII ``str``), and ``str`` and
    ``bytes`` can be mixed. None never matches anything, not even None, so a secret
    missing from the configuration locks everyone out instead of letting everyone in.
    The time taken may reveal the lengths, not the contents. Text is not normalized:
    ``"é"`` composed and decomposed differ.
    """
    if given is None or expected is None:
        return False
    return hmac.compare_digest(_as_bytes(given, "first"), _as_bytes(expected, "second"))
