"""The caching page: every sample runs and does what the page says."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from starlette.testclient import TestClient

from pegboard_caching import cache_of

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs/plugins/caching.md"
SAMPLES = ROOT / "docs/src/caching"
SNIPPET = re.compile(r'--8<-- "([^":]+)(?::[\w-]+)?"')

Load = Callable[[str], ModuleType]


def test_page_and_samples_stay_in_step() -> None:
    text = PAGE.read_text()
    included = set(SNIPPET.findall(text))
    on_disk = {str(p.relative_to(ROOT)) for p in SAMPLES.glob("*.py")}
    assert included == on_disk
    this_file = Path(__file__).read_text()
    for sample in on_disk:
        assert sample in this_file, f"{sample} is not exercised here"
    for block in re.findall(r"```python[^\n]*\n(.*?)```", text, flags=re.S):
        assert block.strip().startswith("--8<--"), "inline Python on the page"
    assert "Caching: plugins/caching.md" in (ROOT / "mkdocs.yml").read_text()


def test_the_api_section_names_every_public_name() -> None:
    import pegboard_caching

    text = PAGE.read_text()
    for name in pegboard_caching.__all__:
        if name == "CachingPlugin":
            continue
        assert f"::: pegboard_caching.{name}\n" in text, name


def test_enable(load_sample: Load) -> None:
    mod = load_sample("docs/src/caching/enable.py")
    with TestClient(mod.app) as client:
        assert client.get("/items/1").json() == {"id": "1", "name": "hammer"}
        assert client.get("/items").json() == {"1": "hammer", "2": "saw"}
        mod.ITEMS["1"] = "mallet"  # behind the cache's back: still the stored answers
        assert client.get("/items/1").json()["name"] == "hammer"
        assert client.get("/items").json()["1"] == "hammer"
        assert client.get("/items/9").status_code == 404
        renamed = client.put("/items/2", json={"name": "chisel"})
        assert renamed.json() == {"id": "2", "name": "chisel"}
        assert client.get("/items").json() == {"1": "mallet", "2": "chisel"}
        assert client.get("/items/1").json()["name"] == "hammer"  # not invalidated
        assert client.post("/items/reload").json() == {"dropped": 2}  # /items/1, /items/9
        assert client.get("/items/1").json()["name"] == "mallet"
        assert client.get("/items/1").headers["cache-control"] == "max-age=300"


def test_policy(load_sample: Load) -> None:
    mod = load_sample("docs/src/caching/policy.py")
    with TestClient(mod.app) as client:
        first = client.get("/articles?page=2&utm_source=mail")
        assert first.json() == {"page": "2"}
        again = client.get("/articles?utm_source=feed&page=2")
        assert again.headers["age"] == "0"
        assert again.headers["cache-control"] == "public, max-age=30, stale-while-revalidate=60"
        assert client.get("/greeting", headers={"Accept-Language": "fr"}).json() == "bonjour"
        assert client.get("/greeting", headers={"Accept-Language": "de"}).json() == "hallo"
        fr = client.get("/greeting", headers={"Accept-Language": "fr"})
        assert (fr.json(), "age" in fr.headers) == ("bonjour", True)
        ada = {"Authorization": "Bearer ada"}
        bob = {"Authorization": "Bearer bob"}
        assert client.get("/me", headers=ada).json() == {"token": "ada"}
        assert client.get("/me", headers=bob).json() == {"token": "bob"}
        assert "age" in client.get("/me", headers=ada).headers
        stats = client.get("/stats")
        assert "age" not in stats.headers
        unchanged = client.get("/stats", headers={"If-None-Match": stats.headers["etag"]})
        assert (unchanged.status_code, unchanged.content) == (304, b"")


def test_shared_with_a_memory_store(load_sample: Load, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    mod = load_sample("docs/src/caching/shared.py")
    assert type(cache_of(mod.app).store).__name__ == "MemoryStore"
    with TestClient(mod.app) as client:
        bodies = [client.get("/report") for _ in range(2)]
        assert bodies[0].json() == bodies[1].json()
        assert bodies[1].headers["age"] == "0"


def test_shared_with_redis(
    load_sample: Load, monkeypatch: pytest.MonkeyPatch, redis_url: str
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)
    mod = load_sample("docs/src/caching/shared.py")
    assert type(cache_of(mod.app).store).__name__ == "RedisStore"
    with TestClient(mod.app) as client:
        assert client.get("/report").status_code == 200
        assert client.get("/report").headers["age"] == "0"
    # A second app (another worker) sees what the first stored.
    other = load_sample("docs/src/caching/shared.py")
    with TestClient(other.app) as client:
        assert "age" in client.get("/report").headers
