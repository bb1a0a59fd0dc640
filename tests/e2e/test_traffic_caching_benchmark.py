"""The caching benchmark measures what it says (benchmarks/traffic_caching.py).

Not its speed: that every variant answers as named (a hit really comes from the
cache, the compressed page really is compressed), so a broken variant cannot pass
for a fast one.
"""

from __future__ import annotations

import asyncio

import pytest

from benchmarks import traffic_caching


@pytest.mark.slow
def test_each_variant_answers_as_named() -> None:
    measured = asyncio.run(traffic_caching.measure(requests=20, repeats=1, warmup=5))
    for handler, rows in measured["results"].items():
        assert "from cache" not in rows["plain"]["answer"], handler
        assert "from cache" in rows["cache hit (memory)"]["answer"], handler
        assert "from cache" in rows["cache hit, gzip (memory)"]["answer"], handler
        if measured["redis"]:
            assert "from cache" in rows["cache hit (redis)"]["answer"], handler
    assert rows["compressed (gzip)"]["answer"].endswith("gzip")  # the 4 KB page
    assert "gzip" not in measured["results"]["tiny"]["compressed (gzip)"]["answer"]
    report = traffic_caching.report(measured)
    assert "| cache hit (memory) |" in report
    assert "Target (cache hit >= 0.87x plain, CPU)" in report
