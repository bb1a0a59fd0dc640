"""The sessions page: every sample runs and does what the page says."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from starlette.testclient import TestClient

from pegboard import ConfigurationError
from pegboard_sessions import SECRET_ENV

from .helpers import KEY, set_cookie_headers

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs/plugins/sessions.md"
SAMPLES = ROOT / "docs/src/sessions"
SNIPPET = re.compile(r'--8<-- "([^":]+)(?::[\w-]+)?"')
# The samples run elsewhere: the multi-worker app needs Redis and two workers.
ELSEWHERE = {"docs/src/sessions/workers.py": Path(__file__).parent / "test_sessions_workers.py"}

Load = Callable[[str], ModuleType]


def test_the_page_and_its_samples_stay_in_step() -> None:
    text = PAGE.read_text()
    included = set(SNIPPET.findall(text))
    on_disk = {str(p.relative_to(ROOT)) for p in SAMPLES.glob("*.py")}
    assert included == on_disk
    here = Path(__file__).read_text()
    for sample in on_disk:
        where = ELSEWHERE.get(sample)
        assert sample in (where.read_text() if where else here), f"{sample} is not exercised"
    for block in re.findall(r"```python[^\n]*\n(.*?)```", text, flags=re.S):
        assert block.strip().startswith("--8<--"), "inline Python on the page"


def test_the_api_section_names_every_public_name() -> None:
    import pegboard_sessions

    text = PAGE.read_text()
    for name in pegboard_sessions.__all__:
        if name == "SECRET_ENV":
            continue
        assert f"::: pegboard_sessions.{name}\n" in text, name


@pytest.fixture
def login(load_sample: Load, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    monkeypatch.setenv(SECRET_ENV, KEY)
    return load_sample("docs/src/sessions/login.py")


def test_login_rotates_visits_persist_and_logout_ends_it(login: ModuleType) -> None:
    client = TestClient(login.app, base_url="https://testserver")
    assert client.get("/me").status_code == 401
    client.post("/visit")
    anonymous_cookie = client.cookies["session"]
    wrong = client.post("/login", data={"username": "ada", "password": "guess"})
    assert wrong.status_code == 401
    response = client.post(
        "/login", data={"username": "ada", "password": "correct horse"}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.cookies["session"] != anonymous_cookie  # rotated
    client.post("/visit")
    assert client.get("/me").json() == {"user": "ada", "visits": 2}
    # The id from before the login is dead.
    planted = {"cookie": f"session={anonymous_cookie}"}
    assert (
        TestClient(login.app, base_url="https://testserver").get("/me", headers=planted).status_code
        == 401
    )
    logout = client.post("/logout")
    assert "max-age=0" in set_cookie_headers(logout)[0].lower()
    assert client.get("/me").status_code == 401


def test_the_login_sample_without_a_key_says_how_to_make_one(
    load_sample: Load, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)
    with pytest.raises(ConfigurationError, match="token_urlsafe"):
        load_sample("docs/src/sessions/login.py")


@pytest.mark.parametrize(("env", "secure"), [("dev", False), ("production", True)])
def test_the_options_sample(
    load_sample: Load, monkeypatch: pytest.MonkeyPatch, env: str, secure: bool
) -> None:
    monkeypatch.setenv("APP_SESSION_KEY", KEY)
    monkeypatch.setenv("APP_OLD_SESSION_KEY", "o" * 40)
    monkeypatch.setenv("APP_ENV", env)
    module = load_sample("docs/src/sessions/options.py")
    ((_, plugin),) = [(i, p) for i, p in module.app.plugin_manager.enabled]
    settings = plugin.settings
    assert (settings.cookie_name, settings.max_age, settings.expiry) == ("sid", 28800, "absolute")
    assert settings.samesite == "strict"
    assert settings.secure is secure


def test_the_testing_sample_passes(load_sample: Load) -> None:
    module = load_sample("docs/src/sessions/testing.py")
    module.test_the_cart_survives_between_requests()
    # And the reason for https://: over http:// the Secure cookie is not sent back.
    client = TestClient(module.app)
    client.post("/cart/pencil")
    assert client.post("/cart/paper").json() == ["paper"]
