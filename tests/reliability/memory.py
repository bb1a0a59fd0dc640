"""Peak memory of one request, in-process: the resident set's high-water mark.

On Linux, writing ``5`` to ``/proc/self/clear_refs`` resets ``VmHWM``; the peak a
request causes is then ``VmHWM`` after it minus ``VmRSS`` before it. This counts
what the process really took from the system (C buffers of orjson, pydantic-core
and python-multipart included), which tracemalloc misjudges (it over-counts
orjson's growing output buffer and misses allocations outside the Python heap).
Elsewhere, or where ``clear_refs`` is not writable, tracemalloc's peak is used.
"""

from __future__ import annotations

import contextlib
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

__all__ = ["PeakMemory", "measure_peak"]

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_kib(field: str) -> int:
    for line in _STATUS.read_text().splitlines():
        key, _, value = line.partition(":")
        if key == field:
            return int(value.split()[0])
    raise LookupError(field)


def _can_reset() -> bool:
    try:
        _CLEAR_REFS.write_text("5")
        _status_kib("VmHWM")
    except (OSError, LookupError):
        return False
    return True


class PeakMemory:
    """The growth, in bytes, of peak memory while the ``with`` block ran."""

    method: str = "rss"
    bytes: int = 0


@contextlib.contextmanager
def measure_peak() -> Iterator[PeakMemory]:
    result = PeakMemory()
    if _can_reset():
        before = _status_kib("VmRSS")
        yield result
        result.bytes = max(0, _status_kib("VmHWM") - before) * 1024
        return
    result.method = "tracemalloc"
    tracemalloc.start()
    try:
        yield result
        result.bytes = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
