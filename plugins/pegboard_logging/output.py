"""Where the lines go: one JSON handler on the root logger, and no duplicate errors.

With ``configure=True`` (the default) the plugin installs a handler writing one JSON
object per line (``python-json-logger``) on the root logger, so the app's own
loggers and libraries' come out in the same format, each line with its request id.
Configuring again (another app, a server that reset logging) replaces that handler
instead of adding a second. With ``configure=False`` the app's own logging setup is
left alone; :func:`json_formatter` gives it the same format.

The plugin logs an unhandled error itself, with the request id. The server then logs
the same exception as "Exception in ASGI application"; :class:`AlreadyLogged`, put
on the servers' error loggers, drops that second copy.
"""

from __future__ import annotations

import contextlib
import logging
import traceback
from contextvars import ContextVar
from typing import IO

from pythonjsonlogger.core import BaseJsonFormatter, LogData
from pythonjsonlogger.json import JsonFormatter

__all__ = [
    "SERVER_ERROR_LOGGERS",
    "AlreadyLogged",
    "drop_server_copies",
    "install_handler",
    "json_formatter",
    "mark",
]

#: The loggers uvicorn and granian report application errors on.
SERVER_ERROR_LOGGERS = ("uvicorn.error", "_granian.utils")

_LOGGED = "_pegboard_logged"
_HANDLER = "pegboard_logging"
_logged_here: ContextVar[BaseException | None] = ContextVar("pegboard_logged", default=None)


_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"
_RENAMED = {"asctime": "time", "levelname": "level", "name": "logger"}


def json_formatter() -> logging.Formatter:
    """The JSON formatter the plugin uses: time, level, logger, message, then extras.

    python-json-logger's orjson flavour when orjson is installed (``pegboard[speed]``):
    compact lines, UTF-8 text, in half the formatting time of its standard-library
    flavour, which is used otherwise.
    """
    formatter: BaseJsonFormatter
    try:
        from pythonjsonlogger.orjson import OrjsonFormatter
    except ImportError:  # pragma: no cover - orjson is in the test environment
        return JsonFormatter(_FIELDS, rename_fields=_RENAMED)

    class Formatter(OrjsonFormatter):
        """Falls back to the standard library for what orjson refuses (ints over 64 bits)."""

        fallback = JsonFormatter(_FIELDS, rename_fields=_RENAMED)

        def jsonify_log_record(self, log_data: LogData) -> str:
            try:
                return super().jsonify_log_record(log_data)
            except TypeError:
                return self.fallback.jsonify_log_record(log_data)

    formatter = Formatter(_FIELDS, rename_fields=_RENAMED)
    return formatter


def install_handler(stream: IO[str] | None, level: int | str) -> logging.Handler:
    """Put the JSON handler on the root logger at ``level``, replacing an earlier one."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER:
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream)
    handler.set_name(_HANDLER)
    handler.setFormatter(json_formatter())
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def drop_server_copies() -> None:
    """Put :class:`AlreadyLogged` on the servers' error loggers (once)."""
    for name in SERVER_ERROR_LOGGERS:
        server = logging.getLogger(name)
        if not any(isinstance(f, AlreadyLogged) for f in server.filters):
            server.addFilter(AlreadyLogged())


def mark(exc: BaseException) -> None:
    """Remember that ``exc`` was logged, so servers' copies of it are dropped."""
    with contextlib.suppress(AttributeError, TypeError):  # exceptions with __slots__
        setattr(exc, _LOGGED, True)
    # The server reports it later in the same task: left set until the task ends.
    _logged_here.set(exc)


class AlreadyLogged(logging.Filter):
    """Drops a server's record of an exception the plugin has already logged.

    uvicorn passes the exception as ``exc_info``, which is checked for the plugin's
    mark. granian formats the traceback into the message; it is dropped when it ends
    with the exception this request's task logged.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        info = record.exc_info
        if info and info[1] is not None:
            return not getattr(info[1], _LOGGED, False)
        exc = _logged_here.get()
        if exc is None:
            return True
        last = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return not record.getMessage().rstrip().endswith(last)
