"""Sessions in Redis: shared by two workers of `pegboard run`, and a Redis outage.

Runs the page's docs/src/sessions/workers.py with ``pegboard run --workers 2``
against a real redis-server on 127.0.0.1 (tests/servers.py starts and stops both).
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
from pegboard_sessions import SECRET_ENV, Session, sessions
from pegboard_stores import RedisStore
from tests.servers import RedisServer, redis_server, serve

from .helpers import KEY

SAMPLES = Path(__file__).resolve().parents[3] / "docs/src/sessions"

pytestmark = pytest.mark.slow


def call(base: str, method: str, path: str, cookie: str | None = None) -> tuple[int, Any, str]:
    """One request on a fresh connection: (status, JSON body, the session cookie set)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        headers = {"cookie": f"session={cookie}"} if cookie else {}
        conn.request(method, path, headers=headers)
        response = conn.getresponse()
        body = json.loads(response.read() or b"null")
        set_cookie = response.getheader("set-cookie") or ""
    finally:
        conn.close()
    value = set_cookie.partition(";")[0].partition("=")[2] if set_cookie else ""
    return response.status, body, value


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    with redis_server() as server:
        yield server


def test_a_session_written_through_one_worker_is_read_through_the_other(redis_url: str) -> None:
    env = {"REDIS_URL": redis_url, SECRET_ENV: KEY}
    with serve("workers.py", workers=2, env=env, cwd=SAMPLES, ready_path="/visits") as base:
        status, body, cookie = call(base, "POST", "/visit")
        assert (status, body["visits"]) == (200, 1)
        assert cookie
        writer = body["worker"]
        readers: set[int] = set()
        # The server answers once one worker is up; the other may still be starting on
        # a loaded machine: reads in parallel, on fresh connections, until it answers.
        deadline = time.monotonic() + 90
        with ThreadPoolExecutor(8) as pool:
            while writer not in readers or len(readers) < 2:
                assert time.monotonic() < deadline, f"only worker(s) {readers} answered"
                for status, body, _ in pool.map(
                    lambda _: call(base, "GET", "/visits", cookie), range(8)
                ):
                    assert status == 200, body
                    assert body["visits"] == 1, body
                    readers.add(body["worker"])
        assert len(readers) == 2, "both workers answered"
        assert writer in readers


def test_the_served_app_fails_closed_while_redis_is_down_and_recovers(
    own_redis: RedisServer,
) -> None:
    env = {"REDIS_URL": own_redis.url, SECRET_ENV: KEY}
    with serve("workers.py", workers=2, env=env, cwd=SAMPLES, ready_path="/visits") as base:
        _, _, cookie = call(base, "POST", "/visit")
        own_redis.stop()
        started = time.monotonic()
        status, body, set_cookie = call(base, "POST", "/visit", cookie)
        assert status == 503
        assert body == {"detail": "The session store is unavailable; try again shortly."}
        assert set_cookie == ""
        assert time.monotonic() - started < 5.0  # the store's timeouts: an answer, not a hang
        own_redis.start()  # empty again: no persistence, so the old session is gone
        status, body, _ = call(base, "POST", "/visit", cookie)
        assert (status, body["visits"]) == (200, 1)


def redis_app(url: str, **options: Any) -> App:
    app = App(plugins=[sessions(KEY, store=RedisStore(url, timeout=0.5), **options)])

    @app.post("/visit")
    async def visit(session: Session) -> int:
        session["visits"] = session.get("visits", 0) + 1
        return int(session["visits"])

    return app


@pytest.mark.parametrize("policy", ["open", "closed"])
def test_outage_policy_and_recovery_in_one_process(own_redis: RedisServer, policy: str) -> None:
    app = redis_app(own_redis.url, on_store_error=policy)
    with TestClient(app, base_url="https://testserver") as client:
        assert client.post("/visit").json() == 1
        assert client.post("/visit").json() == 2
        own_redis.stop()
        response = client.post("/visit")
        if policy == "closed":
            assert response.status_code == 503
        else:
            assert response.json() == 1  # an empty session, not saved
            assert "set-cookie" not in response.headers
        own_redis.start()
        assert client.post("/visit").json() == 1  # Redis restarted empty
        assert client.post("/visit").json() == 2


def test_a_frozen_redis_is_a_quick_503_not_a_hang(own_redis: RedisServer) -> None:
    app = redis_app(own_redis.url)
    with TestClient(app, base_url="https://testserver") as client:
        assert client.post("/visit").json() == 1
        own_redis.pause()  # accepts connections, never answers
        try:
            started = time.monotonic()
            assert client.post("/visit").status_code == 503
            assert time.monotonic() - started < 3.0  # timeout=0.5, one retry
        finally:
            own_redis.resume()
        assert client.post("/visit").json() == 2  # the same session, kept by Redis
