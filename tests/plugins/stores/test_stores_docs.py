"""The stores page: every sample runs, on the memory store and on a real Redis."""

from __future__ import annotations

import asyncio
import http.client
import json
import re
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

import pegboard_stores
from pegboard_stores import MemoryStore, RedisStore
from tests.servers import RedisServer, redis_server, serve

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs/plugins/stores.md"
SAMPLES = ROOT / "docs/src/stores"
SNIPPET = re.compile(r'--8<-- "([^":]+)(?::[\w-]+)?"')
MODULES = ("choose", "pegboard_hits", "hits_app")

Load = Callable[[str], ModuleType]


@pytest.fixture
def samples_on_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """``hits_app`` imports its neighbours as a reader's project would."""
    monkeypatch.syspath_prepend(str(SAMPLES))
    for name in MODULES:
        monkeypatch.delitem(sys.modules, name, raising=False)
    yield
    for name in MODULES:
        sys.modules.pop(name, None)


def get(base: str, path: str) -> tuple[int, dict[str, object]]:
    """One request on a fresh connection, so that either worker may answer."""
    url = urlsplit(base)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def test_page_and_samples_stay_in_step() -> None:
    text = PAGE.read_text()
    included = set(SNIPPET.findall(text))
    on_disk = {str(p.relative_to(ROOT)) for p in SAMPLES.glob("*.py")}
    assert included == on_disk
    this_file = Path(__file__).read_text()
    for sample in on_disk:
        assert sample in this_file, f"{sample} is not exercised here"
    for block in re.findall(r"```python[^\n]*\n(.*?)```", text, flags=re.S):
        assert block.strip().startswith("--8<--"), "inline Python on the stores page"
    for name, section in re.findall(r'--8<-- "([^":]+):([\w-]+)"', text):
        assert f"# --8<-- [start:{section}]" in (ROOT / name).read_text(), section
    for name in pegboard_stores.__all__:
        assert f"::: pegboard_stores.{name}\n" in text, name


@pytest.mark.parametrize("kind", ["memory", "redis"])
def test_basics_run_on_every_store(load_sample: Load, request: pytest.FixtureRequest, kind: str):
    mod = load_sample("docs/src/stores/basics.py")

    async def scenario() -> list[int]:
        store = (
            MemoryStore() if kind == "memory" else RedisStore(request.getfixturevalue("redis_url"))
        )
        try:
            return [await mod.remember_login(store, "ada") for _ in range(2)]
        finally:
            await store.close()

    # delete_prefix("logins:") resets the counter each time.
    assert asyncio.run(scenario()) == [1, 1]


def test_choose(load_sample: Load, monkeypatch: pytest.MonkeyPatch) -> None:
    mod = load_sample("docs/src/stores/choose.py")
    monkeypatch.delenv("REDIS_URL", raising=False)
    assert isinstance(mod.make_store(), MemoryStore)
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    store = mod.make_store()
    assert isinstance(store, RedisStore)
    assert (store.url, store.prefix, store.timeout) == ("redis://127.0.0.1:1/0", "shop:", 0.5)


def test_hits_app_in_one_process(
    samples_on_path: None, load_sample: Load, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    mod = load_sample("docs/src/stores/hits_app.py")
    with TestClient(mod.app) as client:
        for _ in range(3):
            assert client.get("/page").status_code == 200
        assert client.get("/stats").json() == {"/page": 3}
        assert client.get("/stats").json() == {"/page": 3}  # /stats is not counted


def test_the_plugin_checks_its_options(load_sample: Load) -> None:
    mod = load_sample("docs/src/stores/pegboard_hits.py")
    with pytest.raises(ValueError, match="'open' or 'closed'"):
        mod.hits(on_store_error="shut")


@pytest.mark.slow
def test_hits_are_shared_by_two_workers(redis_url: str) -> None:
    env = {"REDIS_URL": redis_url}
    with serve("hits_app.py", workers=2, env=env, cwd=SAMPLES, ready_path="/stats") as base:
        pids: set[object] = set()
        sent = 0
        deadline = time.monotonic() + 30
        # Requests in parallel, on fresh connections, until both workers have answered.
        with ThreadPoolExecutor(8) as pool:
            while len(pids) < 2 and time.monotonic() < deadline:
                for status, body in pool.map(lambda _: get(base, "/page"), range(8)):
                    assert status == 200
                    pids.add(body["pid"])
                sent += 8
        assert len(pids) == 2, "both workers answered"
        assert get(base, "/stats") == (200, {"/page": sent})


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    with redis_server() as server:
        yield server


@pytest.mark.parametrize("closed", [False, True], ids=["open", "closed"])
def test_outage_and_recovery(
    samples_on_path: None,
    load_sample: Load,
    monkeypatch: pytest.MonkeyPatch,
    own_redis: RedisServer,
    closed: bool,
) -> None:
    monkeypatch.setenv("REDIS_URL", own_redis.url)
    if closed:
        monkeypatch.setenv("HITS_FAIL_CLOSED", "1")
    mod = load_sample("docs/src/stores/hits_app.py")
    with TestClient(mod.app) as client:
        assert client.get("/page").status_code == 200
        own_redis.stop()
        started = time.monotonic()
        assert client.get("/page").status_code == (503 if closed else 200)
        assert client.get("/stats").status_code == 503
        assert time.monotonic() - started < 3.0  # 0.5 s timeouts: an answer, not a hang
        own_redis.start()  # empty again: no persistence
        assert client.get("/page").status_code == 200
        assert client.get("/stats").json() == {"/page": 1}
