"""The access record, made per request with only the work that differs per request.

``Logger.makeRecord`` runs the record factory, which builds a ``LogRecord`` field by
field (the source file's name split, the level's name looked up, the process id asked
of the system, ...), then copies the extras in, checking each name. For a route's
access record all of that is the same every time except the message, the extras and
what ``LogRecord`` takes from the moment (time, thread, process, asyncio task). So
:class:`AccessRecords` makes one record the ordinary way while the route is compiled
and, per request, a ``LogRecord`` with that record's fields and the moment's, computed
as ``LogRecord.__init__`` computes them. Handlers, filters and formatters get an
ordinary ``LogRecord`` through ``Logger.handle``.

That holds while the record factory is the plugin's own over ``LogRecord`` and the
logger makes records as ``logging.Logger`` does. Otherwise (a factory the app
installed, a logger class of its own, a Python whose ``LogRecord`` has fields this
module does not know) every record is made by ``Logger.makeRecord``, as any other.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Mapping
from typing import Any

from pegboard_logging.context import is_own_factory

__all__ = ["AccessRecords"]

#: What ``LogRecord.__init__`` sets from its arguments: the same for all of a route's
#: access records.
_FROM_ARGUMENTS = frozenset(
    {
        "name",
        "msg",
        "args",
        "levelname",
        "levelno",
        "pathname",
        "filename",
        "module",
        "exc_info",
        "exc_text",
        "stack_info",
        "lineno",
        "funcName",
    }
)
#: What it takes from the moment: set per record by :meth:`AccessRecords.make`.
_FROM_MOMENT = frozenset(
    {
        "created",
        "msecs",
        "relativeCreated",
        "thread",
        "threadName",
        "processName",
        "process",
        "taskName",  # Python 3.12+
    }
)

_get_factory = logging.getLogRecordFactory
_new_record = logging.LogRecord.__new__
_current_thread = threading.current_thread
_clock = time.time


class AccessRecords:
    """Makes one route's access records; built while the route is compiled.

    :param logger: The access logger.
    :param level: The records' level.
    :param func: Their ``funcName``.
    :param extra: The names of the extras every record carries.
    """

    def __init__(
        self, logger: logging.Logger, level: int, func: str, extra: tuple[str, ...]
    ) -> None:
        self.logger = logger
        self.level = level
        self.func = func
        factory = _get_factory()
        model = logger.makeRecord(
            logger.name, level, __file__, 0, "", (), None, func, dict.fromkeys(extra)
        )
        fields = model.__dict__
        self.fixed = {key: value for key, value in fields.items() if key in _FROM_ARGUMENTS}
        self.tasks = "taskName" in fields
        self.reference = (model.created, model.relativeCreated)
        # None: every record by makeRecord. Per record, it must still be the factory.
        self.factory = (
            factory
            if is_own_factory(factory)
            and type(model) is logging.LogRecord
            and type(logger).makeRecord is logging.Logger.makeRecord
            and fields.keys() <= _FROM_ARGUMENTS | _FROM_MOMENT | {"request_id", *extra}
            else None
        )

    def make(self, message: str, request_id: str, extra: Mapping[str, Any]) -> logging.LogRecord:
        """Per request: a record of ``message`` and ``extra``, as ``makeRecord`` makes it."""
        if _get_factory() is not self.factory:
            logger = self.logger
            return logger.makeRecord(
                logger.name, self.level, __file__, 0, message, (), None, self.func, extra
            )
        record: logging.LogRecord = _new_record(logging.LogRecord)
        fields = record.__dict__
        fields.update(self.fixed)
        fields["msg"] = message
        # As LogRecord.__init__, but relative to the model's time (logging's start
        # time is private) and with the process id cached.
        now = _clock()
        fields["created"] = now
        fields["msecs"] = int((now - int(now)) * 1000) + 0.0
        created, relative = self.reference
        fields["relativeCreated"] = relative + (now - created) * 1000
        if logging.logThreads:
            fields["thread"] = threading.get_ident()
            fields["threadName"] = _current_thread().name
        else:  # pragma: no cover - logging's own switch
            fields["thread"] = fields["threadName"] = None
        name: str | None = None
        if logging.logMultiprocessing:
            name = "MainProcess"
            processes = sys.modules.get("multiprocessing")
            if processes is not None:
                try:  # noqa: SIM105 - per record: cheaper than contextlib.suppress
                    name = processes.current_process().name
                except Exception:  # pragma: no cover - as LogRecord
                    pass
        fields["processName"] = name
        fields["process"] = _pid[0] if logging.logProcesses else None
        if self.tasks:  # pragma: no cover - Python 3.12+
            fields["taskName"] = _task_name()
        fields["request_id"] = request_id  # as the plugin's factory sets it
        fields.update(extra)
        return record


def _task_name() -> str | None:  # pragma: no cover - Python 3.12+
    if not getattr(logging, "logAsyncioTasks", True):
        return None
    aio = sys.modules.get("asyncio")
    if aio is None:
        return None
    try:
        name: str = aio.current_task().get_name()
    except Exception:
        return None
    return name


# The process id, as os.getpid() gives it at a system call's cost; renewed on fork.
_pid = [os.getpid()]
if hasattr(os, "register_at_fork"):  # without it, no fork (Windows)
    os.register_at_fork(after_in_child=lambda: _pid.__setitem__(0, os.getpid()))
