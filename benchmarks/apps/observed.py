"""The plain app of :mod:`benchmarks.observability`, as the variant its server is told.

Served over the wire by ``python -m benchmarks.serve benchmarks.apps.observed`` (or
``pegboard run benchmarks.apps.observed:app``) with ``PEGBOARD_BENCH_VARIANT`` set to a
name of ``benchmarks.observability.SERVED_APPS``.
"""

import os

from benchmarks.observability import SERVED_APPS, VARIANT_ENV

app = SERVED_APPS[os.environ.get(VARIANT_ENV, "core")]()
