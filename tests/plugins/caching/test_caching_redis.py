"""The caching plugin on a real redis-server: shared by two workers, and its outages.

``redis_url`` is the session's redis-server (emptied per test); the outage tests
start their own, since they stop it.
"""

from __future__ import annotations

import http.client
import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from pegboard import App
from pegboard_caching import Cache, caching
from pegboard_stores import RedisStore
from tests.servers import RedisServer, redis_server, serve

APPS = Path(__file__).parent / "apps"


def request(base: str, method: str, path: str) -> tuple[int, dict[str, str], Any]:
    """One request on a fresh connection, so that either worker may answer."""
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        headers = {k.lower(): v for k, v in response.getheaders()}
        return response.status, headers, json.loads(response.read())
    finally:
        conn.close()


@pytest.mark.slow
def test_a_response_cached_by_one_worker_is_served_by_the_other(redis_url: str) -> None:
    env = {"REDIS_URL": redis_url}
    with serve("shared_cache.py", workers=2, env=env, cwd=APPS, ready_path="/ready") as base:
        status, _, first = request(base, "GET", "/report")
        assert status == 200
        answers: list[tuple[str, Any, str | None]] = []
        deadline = time.monotonic() + 30
        with ThreadPoolExecutor(8) as pool:
            while time.monotonic() < deadline:
                for status, headers, body in pool.map(
                    lambda _: request(base, "GET", "/report"), range(8)
                ):
                    assert status == 200
                    answers.append((headers["x-served-by"], body, headers.get("age")))
                if len({served_by for served_by, _, _ in answers}) == 2:
                    break
        workers = {served_by for served_by, _, _ in answers}
        assert len(workers) == 2, "both workers answered"
        # Every answer is the one response the first worker computed: the other worker
        # served it from Redis without running its handler (it has never run it).
        assert all(body == first for _, body, _ in answers)
        other = workers - {str(first["computed_by"])}
        assert other, "a worker that did not compute the response served it"
        assert all(age is not None for served_by, _, age in answers if served_by in other)

        # An invalidation through either worker reaches both.
        status, _, dropped = request(base, "POST", "/report/refresh")
        assert (status, dropped) == (200, {"dropped": 1})
        status, _, fresh = request(base, "GET", "/report")
        assert fresh != first
        with ThreadPoolExecutor(8) as pool:
            bodies = list(pool.map(lambda _: request(base, "GET", "/report")[2], range(16)))
        assert all(body == fresh for body in bodies)


# -- outages ----------------------------------------------------------------------------


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    with redis_server() as server:
        yield server


def outage_app(url: str, on_store_error: str) -> tuple[App, list[int]]:
    runs: list[int] = []
    store = RedisStore(url, timeout=0.3)
    app = App(plugins=[caching(store=store, on_store_error=on_store_error, retry_store_after=0.5)])

    @app.get("/data", cache=60)
    async def data() -> int:
        runs.append(1)
        return len(runs)

    @app.post("/flush")
    async def flush(cache: Cache) -> int:
        return await cache.clear()

    return app, runs


@pytest.mark.slow
@pytest.mark.parametrize("how", ["stopped", "frozen"])
def test_fail_open_serves_uncached_and_recovers(own_redis: RedisServer, how: str) -> None:
    app, _ = outage_app(own_redis.url, "open")
    with TestClient(app) as client:
        assert [client.get("/data").json() for _ in range(2)] == [1, 1]
        if how == "stopped":
            own_redis.stop()
        else:
            own_redis.pause()  # accepts connections, never answers: timeouts must catch it
        started = time.monotonic()
        answers = [client.get("/data") for _ in range(5)]
        elapsed = time.monotonic() - started
        assert [r.status_code for r in answers] == [200] * 5
        assert [r.json() for r in answers] == [2, 3, 4, 5, 6]  # the handler ran each time
        # One request waited for the store to time out; the others skipped it.
        assert elapsed < 3.0
        if how == "stopped":
            own_redis.start()  # empty: nothing persisted
        else:
            own_redis.resume()
        time.sleep(0.6)  # retry_store_after
        deadline = time.monotonic() + 10
        while client.get("/data").headers.get("age") is None:  # cached again
            assert time.monotonic() < deadline, "caching never resumed"
            time.sleep(0.2)


@pytest.mark.slow
def test_fail_closed_answers_503_and_recovers(own_redis: RedisServer) -> None:
    app, runs = outage_app(own_redis.url, "closed")
    with TestClient(app) as client:
        assert client.get("/data").json() == 1
        own_redis.stop()
        response = client.get("/data")
        assert response.status_code == 503
        assert response.headers["retry-after"] == "1"
        assert response.json() == {"detail": "The cache is unavailable; try again shortly."}
        assert client.get("/data").status_code == 503  # skipped the store: fast
        assert runs == [1]
        own_redis.start()
        time.sleep(0.6)
        assert client.get("/data").json() == 2  # the restarted Redis is empty
        assert client.get("/data").headers["age"] is not None
