"""The DI page: every sample runs and does what docs/plugins/di.md says."""

import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import anyio
import pytest
from starlette.testclient import TestClient

from pegboard import RouteDefinitionError
from pegboard.descriptions import ParameterDescription
from pegboard_di import AppScopeNotRunning, overrides

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs/plugins/di.md"
SAMPLES = ROOT / "docs/src/di"

Load = Callable[[str], ModuleType]


def included() -> list[str]:
    return re.findall(r'--8<-- "([^"]+)"', PAGE.read_text())


def test_page_and_samples_stay_in_step():
    samples = included()
    this_file = Path(__file__).read_text()
    for sample in samples:
        assert (ROOT / sample).is_file(), sample
    for path in sorted(SAMPLES.glob("*.py")):
        relative = str(path.relative_to(ROOT))
        assert relative in samples, f"{relative} is on no page"
        assert relative in this_file, f"{relative} is not exercised here"
    for block in re.findall(r"```python[^\n]*\n(.*?)```", PAGE.read_text(), flags=re.S):
        assert block.strip().startswith("--8<--"), f"inline Python {block[:60]!r}"


def test_first_steps(load_sample: Load):
    mod = load_sample("docs/src/di/first_steps.py")
    with TestClient(mod.app) as client:
        assert client.get("/me", headers={"x-token": "t-ada"}).json() == {"name": "ada"}
        assert client.get("/hello", headers={"x-token": "t-bob"}).json() == "Hello, bob!"
        response = client.get("/me")
    assert (response.status_code, response.json()) == (401, {"detail": "Unknown token"})


def test_sub_dependencies_and_caching(load_sample: Load):
    mod = load_sample("docs/src/di/sub_dependencies.py")
    with TestClient(mod.app) as client:
        assert client.get("/greet/ada").json() == {"text": "Hi, ada", "greeting": "Hi"}
        assert mod.CALLS == ["settings"]
        assert client.get("/fresh").json() is True
        assert mod.CALLS == ["settings", "settings", "settings"]


def test_classes(load_sample: Load):
    mod = load_sample("docs/src/di/classes.py")
    with TestClient(mod.app) as client:
        response = client.get("/items?limit=5", headers={"x-tenant": "acme"})
        assert response.json() == {"tenant": "acme", "limit": 5, "offset": 0}
        assert client.get("/items").json() == {"detail": "Missing header x-tenant"}


def test_yield_dependencies_and_the_teardown_table(load_sample: Load):
    mod = load_sample("docs/src/di/yield_deps.py")
    with TestClient(mod.app) as client:
        assert client.post("/notes/hello").json() == {"added": "hello"}
        assert mod.EVENTS == [
            "session opened",
            "handler returned",
            "background task",  # runs with the response, before the teardown
            "committed ['hello']",
            "session closed",
        ]
        mod.EVENTS.clear()
        assert client.post("/notes/bad").status_code == 400
        assert mod.EVENTS == ["session opened", "rolled back", "session closed"]


def test_route_dependencies(load_sample: Load):
    mod = load_sample("docs/src/di/route_dependencies.py")
    with TestClient(mod.app) as client:
        assert client.get("/ping").json() == "pong"
        assert client.get("/admin/stats").status_code == 403
        assert client.get("/admin/stats", headers={"x-role": "admin"}).json() == {"users": 2}
    assert mod.AUDIT == ["GET /ping", "GET /admin/stats", "GET /admin/stats"]


def test_app_scope(load_sample: Load):
    mod = load_sample("docs/src/di/app_scope.py")
    with TestClient(mod.app) as client:
        assert mod.EVENTS == ["pool opened"]
        assert client.get("/query").json() == {"dsn": "postgres://example", "queries": 1}
        assert client.get("/query").json() == {"dsn": "postgres://example", "queries": 2}
    assert mod.EVENTS == ["pool opened", "pool closed"]
    with pytest.raises(AppScopeNotRunning):
        TestClient(mod.app).get("/query")  # no `with`: no lifespan


def test_testing_with_overrides(pytester: pytest.Pytester, load_sample: Load):
    mod = load_sample("docs/src/di/testing_app.py")
    with TestClient(mod.app, raise_server_exceptions=False) as client:
        assert client.get("/users/1").status_code == 500  # the real database is absent
    for name, sample in {
        "testing_app.py": "docs/src/di/testing_app.py",
        "test_overrides.py": "docs/src/di/test_overrides.py",
    }.items():
        (pytester.path / name).write_text((ROOT / sample).read_text())
        sys.modules.pop(Path(name).stem, None)
    result = pytester.runpytest("-p", "no:cacheprovider", "-W", "error")
    result.assert_outcomes(passed=2)


def test_outside_handlers(load_sample: Load):
    mod = load_sample("docs/src/di/outside.py")
    with TestClient(mod.app) as client:
        assert client.post("/reports/ada@example.org").json() == {"queued": "ada@example.org"}
    assert mod.LOG == [
        "mailer opened",
        "sent report to ada@example.org with mailer(smtp://mail.example)",
        "mailer closed",
    ]
    mod.LOG.clear()
    with overrides(mod.app).override(mod.get_settings, lambda: {"smtp": "smtp://test"}):
        mod.main()
    assert mod.LOG[1] == "sent report to ops@example.org with mailer(smtp://test)"


def test_with_validation(load_sample: Load):
    pytest.importorskip("pegboard_validation")
    mod = load_sample("docs/src/di/with_validation.py")
    with TestClient(mod.app) as client:
        response = client.get("/items?q=x&limit=5", headers={"x-api-key": "k"})
        assert response.json() == {"q": "x", "skip": 0, "limit": 5, "key": "k"}
        response = client.get("/items?limit=500")
    assert response.status_code == 422
    assert sorted(tuple(e["loc"]) for e in response.json()["detail"]) == [
        ("header", "x-api-key"),
        ("query", "limit"),
    ]
    mod.app.build()
    compiled = mod.app.routes[0].compiled
    names = {d.name for d in compiled.descriptions if isinstance(d, ParameterDescription)}
    assert names == {"q", "skip", "limit", "x-api-key"}


def test_mistakes_match_the_table(load_sample: Load):
    mod = load_sample("docs/src/di/mistakes.py")
    text = PAGE.read_text()
    for factory, start in [
        (mod.cycle_app, "Dependency cycle in GET /loop: loop(value) -> get_a -> get_b -> get_a"),
        (mod.scope_app, "Scope error in GET /pool: pool(value) -> get_pool -> get_settings:"),
        (mod.query_app, "Parameter 'limit' of "),
    ]:
        with pytest.raises(RouteDefinitionError) as info:
            factory().build()
        assert str(info.value).startswith(start)
        assert start.rstrip(":") in text
    with pytest.raises(RouteDefinitionError) as info:
        mod.query_app().build()
    assert "Dependency chain: GET /items: items(limit) -> paginate." in str(info.value)


def test_plugin_hooks(load_sample: Load):
    mod = load_sample("docs/src/di/plugin_hooks.py")
    with TestClient(mod.app) as client:
        assert client.get("/reports").json() == {"detail": "Missing permissions: reports:read"}
        ok = client.get("/reports", headers={"x-permissions": "reports:read"})
        assert ok.json() == ["q1", "q2"]
        denied = client.delete("/reports/q1", headers={"x-permissions": "reports:read"})
        assert denied.status_code == 403
        deleted = client.delete("/reports/q1", headers={"x-permissions": "reports:delete"})
        assert deleted.json() == {"deleted": "q1", "as": ["reports:delete"]}


def test_fastapi_port(load_sample: Load):
    mod = load_sample("docs/src/di/fastapi_port.py")
    with TestClient(mod.app) as client:
        assert client.get("/items/1").status_code == 401
        headers = {"x-key": "secret"}
        assert client.get("/items/1", headers=headers).json() == {"item": "hammer"}
        assert client.get("/items/2", headers=headers).status_code == 404
        mod.use_test_database()
        try:
            assert client.get("/items/1", headers=headers).json() == {"item": "test hammer"}
        finally:
            overrides(mod.app).clear()


def test_outside_handlers_resolve_in_a_script(load_sample: Load):
    mod = load_sample("docs/src/di/outside.py")

    async def job() -> str:
        async with mod.resolve(mod.app, mod.get_mailer) as mailer:
            return mailer

    assert anyio.run(job) == "mailer(smtp://mail.example)"


def test_every_di_hook_is_on_the_page_with_its_signature():
    import inspect

    from pegboard_di import hookspecs

    text = PAGE.read_text()
    for name in hookspecs.__all__:
        params = ", ".join(inspect.signature(getattr(hookspecs, name)).parameters)
        assert f"`{name}({params})`" in text, name


def test_scopes(load_sample: Load):
    mod = load_sample("docs/src/di/scopes.py")
    mod.EVENTS.clear()
    with TestClient(mod.app, raise_server_exceptions=False) as client:
        assert client.post("/orders/0").json() == "stored"
        assert mod.EVENTS == ["handler returned", "committed"]
        assert client.post("/orders/1").status_code == 500
        assert mod.EVENTS == ["handler returned", "committed", "handler returned"]
        mod.EVENTS.clear()
        assert client.get("/export").text == "a\nb\n"
        assert mod.EVENTS == ["file closed"]
