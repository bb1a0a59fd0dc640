"""pegboard with the caching plugin: the same handlers with and without ``cache``.

For ``python -m benchmarks.traffic_caching --wire``: one server, the routes side by
side, so each pair is measured under the same process, server and load (a memory
store; the cached routes answer from it after wrk's warm-up). It is the in-process
benchmark's app (:func:`benchmarks.traffic_caching.build`): ``tiny`` returns
``{"message": "hello"}``, ``page`` about 4 KB of JSON.
"""

from benchmarks.traffic_caching import build

app = build(None)
