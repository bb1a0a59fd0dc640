"""The CSRF page: every sample runs and does what the page says."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from starlette.testclient import TestClient

from pegboard_sessions import SECRET_ENV

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "docs/plugins/csrf.md"
SAMPLES = ROOT / "docs/src/csrf"
SNIPPET = re.compile(r'--8<-- "([^":]+)(?::[\w-]+)?"')
TOKEN_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')

Load = Callable[[str], ModuleType]


def test_the_page_and_its_samples_stay_in_step() -> None:
    text = PAGE.read_text()
    included = set(SNIPPET.findall(text))
    on_disk = {str(p.relative_to(ROOT)) for p in SAMPLES.rglob("*") if p.is_file()}
    assert included == on_disk
    here = Path(__file__).read_text()
    for sample in on_disk:
        assert sample.rpartition("/")[2] in here, f"{sample} is not exercised"
    for block in re.findall(r"```python[^\n]*\n(.*?)```", text, flags=re.S):
        assert block.strip().startswith("--8<--"), "inline Python on the page"


def test_the_api_section_names_every_public_name() -> None:
    import pegboard_csrf

    text = PAGE.read_text()
    for name in pegboard_csrf.__all__:
        if name in ("CSRFPlugin", "UNSAFE_METHODS"):
            continue
        assert f"::: pegboard_csrf.{name}\n" in text, name


def test_the_missing_token_message_on_the_page_is_the_real_one(load_sample: Load) -> None:
    module = load_sample("docs/src/csrf/exempt.py")
    client = TestClient(module.app, base_url="https://testserver")
    detail = client.post("/likes/1").json()["detail"]
    assert " ".join(PAGE.read_text().split()).count(detail) == 1


@pytest.fixture(autouse=True)
def secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, "k" * 48)


def test_forms_page_the_template_and_the_check(load_sample: Load) -> None:
    # forms.py renders templates/comments.html with the token in a hidden field.
    module = load_sample("docs/src/csrf/forms.py")
    client = TestClient(module.app, base_url="https://testserver")
    page = client.get("/comments")
    (token,) = TOKEN_FIELD.findall(page.text)
    assert '"X-CSRF-Token": token' in page.text
    posted = client.post("/comments", data={"csrf_token": token, "text": "hello"})
    assert posted.status_code == 200  # followed the redirect
    assert "<li>hello</li>" in posted.text
    forged = client.post("/comments", data={"text": "spam"})
    assert forged.status_code == 403
    other = TestClient(module.app, base_url="https://testserver")
    other.get("/comments")
    assert other.post("/comments", data={"csrf_token": token, "text": "x"}).status_code == 403


def test_exempt_sample(load_sample: Load) -> None:
    module = load_sample("docs/src/csrf/exempt.py")
    client = TestClient(module.app, base_url="https://testserver")
    assert client.post("/likes/1").status_code == 403
    assert client.post("/hooks/payment").json() == "accepted"
    assert client.post("/api/likes/7", headers={"Authorization": "Bearer t"}).json() == "7"
    assert client.post("/api/likes/7").status_code == 401
    forms = load_sample("docs/src/csrf/forms.py")
    browser = TestClient(forms.app, base_url="https://testserver")
    (token,) = TOKEN_FIELD.findall(browser.get("/comments").text)
    # The token works in the header of a script's request to the same app, too.
    response = browser.post("/comments", data={"text": "x"}, headers={"X-CSRF-Token": token})
    assert response.status_code == 200
