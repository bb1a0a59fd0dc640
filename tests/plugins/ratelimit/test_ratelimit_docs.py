"""The rate limiting page: every sample runs and does what the page says."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from starlette.testclient import TestClient

from pegboard import RouteDefinitionError
from pegboard_ratelimit import ratelimit

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs/plugins/ratelimit.md"
SAMPLES = ROOT / "docs/src/ratelimit"
SNIPPET = re.compile(r'--8<-- "([^":]+)(?::[\w-]+)?"')

Load = Callable[[str], ModuleType]


async def nothing() -> list[str]:
    return []


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
    for name, section in re.findall(r'--8<-- "([^":]+):([\w-]+)"', text):
        assert f"# --8<-- [start:{section}]" in (ROOT / name).read_text(), section


def test_enable(load_sample: Load) -> None:
    mod = load_sample("docs/src/ratelimit/enable.py")
    client = TestClient(mod.app)
    assert [client.get("/search").status_code for _ in range(11)] == [200] * 10 + [429]
    assert client.get("/health").headers.get("ratelimit-limit") is None
    assert client.get("/admin/stats").headers["ratelimit-policy"] == "5;w=1, 2000;w=86400"
    assert [client.post("/admin/reindex").status_code for _ in range(2)] == [200, 429]
    app_default = TestClient(mod.app, client=("203.0.113.5", 1)).get("/admin/stats")
    assert app_default.headers["ratelimit-limit"] == "5"


def test_the_page_shows_the_real_429() -> None:
    from pegboard import App

    app = App(plugins=[ratelimit()])
    app.get("/search", rate_limit="10/minute")(nothing)
    client = TestClient(app)
    for _ in range(10):
        client.get("/search")
    refused = client.get("/search")
    wait = refused.headers["retry-after"]
    text = PAGE.read_text().replace("42", wait)
    assert '{"detail": "Too many requests: the limit is 10 per minute. Try again in ' in text
    assert refused.json()["detail"] in text
    for name in ("retry-after", "ratelimit-limit", "ratelimit-remaining", "ratelimit-policy"):
        assert f"{name}: {refused.headers[name]}\n" in text


def test_the_page_shows_the_real_error() -> None:
    from pegboard import App

    app = App(plugins=[ratelimit()])
    with pytest.raises(RouteDefinitionError) as caught:
        app.get("/search", rate_limit="ten/minute")(nothing)
    page = " ".join(PAGE.read_text().split())
    assert f"RouteDefinitionError: {caught.value}" in page


def test_keys(load_sample: Load) -> None:
    mod = load_sample("docs/src/ratelimit/keys.py")
    client = TestClient(mod.app)
    a = {"x-api-key": "a"}
    assert [client.get("/reports", headers=a).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/reports", headers={"x-api-key": "b"}).status_code == 200
    assert client.get("/reports").status_code == 200  # by address, counted apart
    monitoring = {"x-api-key": "k-monitoring"}
    assert [client.get("/reports", headers=monitoring).status_code for _ in range(5)] == [200] * 5
    assert [client.get("/feed?user=ada").status_code for _ in range(4)] == [200] * 3 + [429]
    assert client.get("/feed?user=bob").status_code == 200
    # From the trusted proxy, X-Forwarded-For is the client; from anyone else, ignored.
    proxy = TestClient(mod.app, client=("10.0.0.2", 1))
    for n in range(3):
        fwd = {"x-forwarded-for": f"198.51.100.{n}"}
        assert proxy.get("/reports", headers=fwd).status_code == 200
    spoofer = TestClient(mod.app, client=("203.0.113.1", 1))
    codes = [
        spoofer.get("/reports", headers={"x-forwarded-for": f"198.51.100.{n}"}).status_code
        for n in range(3)
    ]
    assert codes == [200, 200, 429]


def test_proxies_and_groups(load_sample: Load) -> None:
    mod = load_sample("docs/src/ratelimit/proxies.py")
    proxy = TestClient(mod.app, client=("10.1.1.1", 1))
    fwd = {"x-forwarded-for": "198.51.100.7"}
    codes = [proxy.get("/login", headers=fwd).status_code for _ in range(3)]
    codes += [proxy.post("/password-reset", headers=fwd).status_code for _ in range(3)]
    assert codes == [200] * 5 + [429]  # one allowance for both routes
    other = {"x-forwarded-for": "198.51.100.8"}
    assert proxy.get("/login", headers=other).status_code == 200


def test_shared_in_memory(load_sample: Load, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("REDIS_URL", raising=False)
    mod = load_sample("docs/src/ratelimit/shared.py")
    with TestClient(mod.app) as client:
        assert [client.post("/sms").status_code for _ in range(4)] == [200, 200, 200, 429]


@pytest.mark.parametrize("strict", [False, True])
def test_shared_on_redis_and_its_outage(
    load_sample: Load, monkeypatch: pytest.MonkeyPatch, strict: bool
) -> None:
    from tests.servers import redis_server

    with redis_server() as server:
        monkeypatch.setenv("REDIS_URL", server.url)
        if strict:
            monkeypatch.setenv("STRICT_LIMITS", "1")
        mod = load_sample("docs/src/ratelimit/shared.py")
        with TestClient(mod.app) as client:
            assert [client.post("/sms").status_code for _ in range(4)] == [200, 200, 200, 429]
            server.stop()
            assert client.post("/sms").status_code == (503 if strict else 200)
            server.start()
            assert client.post("/sms").status_code == 200
