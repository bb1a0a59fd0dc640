"""The plain app of :mod:`benchmarks.observability`, as the variant its server is told.

Served over the wire by ``python -m benchmarks.serve benchmarks.apps.observed`` with
``PEGBOARD_BENCH_VARIANT`` set to a name of ``benchmarks.observability.VARIANTS``.
"""

import os

from benchmarks.observability import VARIANT_ENV, VARIANTS

app = VARIANTS[os.environ.get(VARIANT_ENV, "core")].build()
