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
import sys
import time
import traceback
from contextvars import ContextVar
from itertools import filterfalse
from types import ModuleType
from typing import IO, Any

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

_orjson: ModuleType | None
try:
    import orjson as _orjson
    from pythonjsonlogger.orjson import orjson_default
except ImportError:  # pragma: no cover - orjson is in the test environment
    _orjson = None

__all__ = [
    "SERVER_ERROR_LOGGERS",
    "AlreadyLogged",
    "JsonLines",
    "JsonLinesHandler",
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
#: A record's attributes that are not written as fields of their own.
_skipped = (frozenset(RESERVED_ATTRS) | {"asctime", "message"}).__contains__


class JsonLines(logging.Formatter):
    """One JSON object per record: time, level, logger, message, then the extras.

    python-json-logger encodes the object: with orjson and its defaults for dates,
    exceptions, enums and the like when orjson is installed, else (and for what orjson
    refuses, such as ints over 64 bits or keys that are not strings) with its
    standard-library encoder. The object itself is built here, for the one fixed field
    set: the library's general formatter (renames, defaults and static fields looked
    up per field) takes twice as long per line, for the same output.
    """

    def __init__(self) -> None:
        super().__init__()
        self._fallback = JsonFormatter(_FIELDS, rename_fields=_RENAMED)
        self._second: tuple[int, str] = (-1, "")

    def format(self, record: logging.LogRecord) -> str:
        msg = record.msg
        logged = msg if isinstance(msg, dict) else None  # logger.info({"key": ...})
        record.message = "" if logged is not None else record.getMessage()
        data: dict[str, Any] = {
            "time": self.formatTime(record, self.datefmt),
            "level": record.levelname,
            "logger": record.name,
            "message": record.message,
        }
        if logged is not None:
            data.update(logged)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)  # as Formatter caches it
        if record.exc_text and not data.get("exc_info"):
            data["exc_info"] = record.exc_text
        if record.stack_info and not data.get("stack_info"):
            data["stack_info"] = self.formatStack(record.stack_info)
        attributes = record.__dict__
        for key in filterfalse(_skipped, attributes):  # the extras, in order
            if key.__class__ is not str or key[:1] != "_":
                data[key] = attributes[key]
        if _orjson is not None:
            try:
                line: str = _orjson.dumps(data, default=orjson_default).decode()
            except TypeError:
                pass
            else:
                return line
        return self.dumps(data)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        """``2026-12-04 22:30:00,120`` as ``logging.Formatter``; the second part cached."""
        if datefmt:
            return super().formatTime(record, datefmt)
        second = int(record.created)
        cached = self._second
        if cached[0] != second:
            text = time.strftime(self.default_time_format, self.converter(record.created))
            cached = self._second = (second, text)
        return f"{cached[1]},{int(record.msecs):03d}"

    def dumps(self, data: dict[str, Any]) -> str:
        """``data`` as one line of JSON, when orjson is missing or refuses it."""
        return self._fallback.jsonify_log_record(data)


def json_formatter() -> logging.Formatter:
    """The JSON formatter the plugin uses: time, level, logger, message, then extras.

    Encoded with orjson when it is installed (``pegboard[speed]``): compact lines,
    UTF-8 text, in half the time of the standard library's ``json``, which is used
    otherwise.
    """
    return JsonLines()


_PLAIN = logging.Formatter()
#: ``Handler.handle`` returns the record that passed its filters since Python 3.12.
_RETURNS_RECORD = sys.version_info >= (3, 12)


class JsonLinesHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """``logging.StreamHandler`` writing and flushing each line in one step.

    ``StreamHandler.emit`` flushes through ``Handler.flush``, which takes the lock
    ``handle`` already holds; the line written is the same.
    """

    def handle(self, record: logging.LogRecord) -> Any:
        """As ``Handler.handle``; without filters, straight to :meth:`emit` under the lock."""
        lock = self.lock
        if self.filters or lock is None:
            return super().handle(record)
        with lock:
            self.emit(record)
        return record if _RETURNS_RECORD else True

    def emit(self, record: logging.LogRecord) -> None:
        try:
            formatter = self.formatter or _PLAIN  # as Handler.format
            stream = self.stream
            stream.write(formatter.format(record) + self.terminator)
            stream.flush()
        except RecursionError:  # pragma: no cover - as logging.StreamHandler
            raise
        except Exception:
            self.handleError(record)


def install_handler(stream: IO[str] | None, level: int | str) -> logging.Handler:
    """Put the JSON handler on the root logger at ``level``, replacing an earlier one."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER:
            root.removeHandler(handler)
    handler = JsonLinesHandler(stream)
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
