"""The request id of the request being served, on every log record made meanwhile.

The id lives in a context variable, set by the plugin's observer for the time the
route runs (its handler, dependencies, exception handlers, also in the thread pool).
A log record factory copies it onto each record as ``record.request_id``, so any
handler and formatter can show it, whatever logger wrote the line; outside requests
it is None.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

__all__ = ["current_request_id", "install_record_factory", "is_own_factory", "request_id"]

#: The id of the request being served, or None outside requests.
request_id: ContextVar[str | None] = ContextVar("pegboard_request_id", default=None)

_MARK = "_pegboard_request_id"


def current_request_id() -> str | None:
    """The id of the request being served (to pass on to other services), or None."""
    return request_id.get()


def install_record_factory() -> None:
    """Make every ``LogRecord`` carry ``request_id``; once per process, keeps others'."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, _MARK, False):
        return

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = request_id.get()
        return record

    setattr(factory, _MARK, previous)
    logging.setLogRecordFactory(factory)


def is_own_factory(factory: Callable[..., logging.LogRecord]) -> bool:
    """Whether ``factory`` is the plugin's, over logging's own: a plain ``LogRecord``."""
    return getattr(factory, _MARK, None) is logging.LogRecord
