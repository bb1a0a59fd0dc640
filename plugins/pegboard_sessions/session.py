"""``Session``: one client's data for one request, as a mutable mapping.

The plugin makes one per request that asks for it, filled from the store, and saves
it back once the handler has returned (see :mod:`pegboard_sessions.plugin`). The
object itself does no I/O: it records what the handler did (changed values, asked
for a new id, cleared everything) so the commit knows what to write.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, MutableMapping
from typing import Any

__all__ = ["Session", "new_session_id"]


def new_session_id() -> str:
    """A fresh session id: 256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


class Session(MutableMapping[str, Any]):
    """The current client's session: a mapping of JSON-serialisable values.

    Take it as a handler (or dependency) parameter annotated ``Session``. Changes
    are saved when the handler returns a response; a handler that raises saves
    nothing. Values must survive a JSON round trip (strings, numbers, booleans,
    None, lists and dicts of them); anything else is a ``TypeError`` when the
    session is saved. Changes inside a nested value (``session["cart"].append(x)``)
    are saved too: the whole session is compared with what was loaded.

    :ivar id: The session's id. A new session has one already; it reaches the
        client (in the signed cookie) only if the session holds data when saved.
    :ivar is_new: True when nothing was stored for this client before the request
        (no cookie, or one that was forged, unknown or expired).
    """

    __slots__ = ("_created", "_data", "_loaded", "_read_only", "_stored_id", "_written", "id")

    def __init__(
        self,
        data: dict[str, Any] | None = None,
        *,
        id: str | None = None,
        stored: bytes | None = None,
        created: float = 0.0,
        read_only: bool = False,
    ) -> None:
        self._data: dict[str, Any] = data if data is not None else {}
        self.id: str = id if id is not None else new_session_id()
        # The id under which the store holds this session, None for a new one.
        self._stored_id: str | None = self.id if stored is not None else None
        self._loaded = stored  # the stored bytes, to tell whether anything changed
        self._created = created
        self._written = created  # when the store last received it (sliding renewal)
        self._read_only = read_only

    @property
    def is_new(self) -> bool:
        return self._stored_id is None

    def rotate(self) -> None:
        """Give the session a new id, keeping its data; the old id stops working.

        Call it when the client's privileges change, above all right after a login,
        so that an id an attacker planted in the browser beforehand (session
        fixation) is worthless afterwards. The old entry is deleted from the store
        when the session is saved.
        """
        self._check_writable()
        self.id = new_session_id()

    def clear(self) -> None:
        """Remove everything and start a new session (log out).

        The stored entry is deleted and the cookie expired when the session is
        saved; anything set after ``clear()`` is saved under a new id.
        """
        self._check_writable()
        self._data.clear()
        self.id = new_session_id()

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._check_writable()
        self._data[key] = value

    def __delitem__(self, key: str) -> None:
        self._check_writable()
        del self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __repr__(self) -> str:
        state = "new" if self.is_new else "stored"
        return f"<Session {state} keys={sorted(self._data)!r}>"

    def _check_writable(self) -> None:
        if self._read_only:
            raise RuntimeError(
                "This session is read-only: a WebSocket handler has no HTTP response "
                "to carry a cookie. Change the session in an HTTP route instead."
            )
