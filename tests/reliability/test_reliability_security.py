"""Security defaults, each tested: what docs/security-defaults.md and SECURITY.md promise.

The docs samples (``docs/src/security_defaults/``) are imported and exercised here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any

import pytest
from pydantic import BaseModel
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.testclient import TestClient

from pegboard import DEFAULT_MAX_BODY_SIZE, App, Request
from pegboard_security import MAX_CREDENTIALS_LENGTH
from pegboard_validation import File, Form, UploadFile, validation

LoadSample = Callable[[str], ModuleType]
MIB = 1024 * 1024

# -- docs pages under a strict CSP ----------------------------------------------------------

_SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def policy(header: str) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for directive in header.split(";"):
        name, *sources = directive.split()
        result[name] = sources
    return result


@pytest.mark.parametrize("page", ["/docs", "/redoc", "/scalar", "/docs/oauth2-redirect"])
def test_the_showcase_docs_pages_run_under_a_strict_policy(showcase: ModuleType, page: str):
    with TestClient(showcase.app) as client:
        first, second = client.get(page), client.get(page)
    assert first.status_code == 200
    assert first.headers["x-content-type-options"] == "nosniff"
    assert first.headers["cache-control"] == "no-store"
    csp = policy(first.headers["content-security-policy"])
    assert csp["default-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["connect-src"] == ["'self'"]
    # Scripts only from the app itself, or inline with this response's nonce.
    nonces = [s for s in csp["script-src"] if s.startswith("'nonce-")]
    assert [s for s in csp["script-src"] if s not in nonces] == ["'self'"]
    allowed_styles = {"'self'", *nonces} | ({"'unsafe-inline'"} if page == "/scalar" else set())
    assert set(csp["style-src"]) <= allowed_styles
    for attributes in _SCRIPT.findall(first.text):
        src = re.search(r'\bsrc="([^"]+)"', attributes)
        if src is not None:  # from the app itself
            assert src[1].startswith("/"), attributes
            assert not src[1].startswith("//"), attributes
        else:  # inline, with the nonce
            assert nonces, attributes
            assert f'nonce="{nonces[0][7:-1]}"' in attributes, attributes
    if nonces:  # a fresh nonce on every response
        assert first.headers["content-security-policy"] != second.headers["content-security-policy"]


# -- error bodies ----------------------------------------------------------------------------


class Public(BaseModel):
    name: str


def failing_app(*, debug: bool) -> App:
    app = App(plugins=[validation()], debug=debug)

    @app.get("/fail")
    async def fail() -> None:
        raise RuntimeError("the database password is hunter2")

    @app.get("/mismatch", response_model=Public)
    async def mismatch() -> dict[str, Any]:
        return {"password": "hunter2"}  # no "name": the response model refuses it

    return app


@pytest.mark.parametrize("path", ["/fail", "/mismatch"])
def test_server_errors_reveal_nothing(path: str):
    with TestClient(failing_app(debug=False), raise_server_exceptions=False) as client:
        response = client.get(path, headers={"accept": "text/html"})
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"detail": "Internal Server Error"}
    assert "hunter2" not in response.text


def test_debug_true_shows_the_traceback():
    with TestClient(failing_app(debug=True), raise_server_exceptions=False) as client:
        response = client.get("/fail", headers={"accept": "text/html"})
    assert response.status_code == 500
    assert "hunter2" in response.text
    assert "Traceback" in response.text or "traceback" in response.text


def test_the_debug_recipe_is_off_unless_the_environment_says_so(
    load_sample: LoadSample, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("APP_DEBUG", raising=False)
    with TestClient(load_sample("docs/src/security_defaults/debug.py").app,
                    raise_server_exceptions=False) as client:  # fmt: skip
        assert client.get("/fail").json() == {"detail": "Internal Server Error"}
    monkeypatch.setenv("APP_DEBUG", "1")
    with TestClient(load_sample("docs/src/security_defaults/debug.py").app,
                    raise_server_exceptions=False) as client:  # fmt: skip
        assert "hunter2" in client.get("/fail").text


def test_the_showcase_never_repeats_a_credential(showcase: ModuleType):
    with TestClient(showcase.app) as client:
        for key in (
            "wrong-key-123",
            "a" * MAX_CREDENTIALS_LENGTH,
            "b" * (MAX_CREDENTIALS_LENGTH + 1),
        ):
            response = client.post("/books", json={}, headers={"X-API-Key": key})
            assert response.status_code == (403 if len(key) <= MAX_CREDENTIALS_LENGTH else 401)
            assert key not in response.text


# -- trusted hosts and CORS -------------------------------------------------------------------


def test_the_trusted_host_recipe(load_sample: LoadSample, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("ALLOWED_HOSTS", raising=False)
    app = load_sample("docs/src/security_defaults/trusted_host.py").app
    for host, status in [
        ("api.example.com", 200),
        ("eu.api.example.com", 200),
        ("evil.example", 400),
        ("api.example.com.evil.example", 400),
    ]:
        client = TestClient(app, base_url=f"http://{host}")
        response = client.get("/")
        assert response.status_code == status, host
        if status == 400:
            assert response.text == "Invalid host header"


ALLOWED = "https://app.example.com"
PREFLIGHT = {
    "access-control-request-method": "POST",
    "access-control-request-headers": "authorization",
}


def test_the_cors_recipe(load_sample: LoadSample):
    client = TestClient(load_sample("docs/src/security_defaults/cors.py").app)
    allowed = client.options("/me", headers={"origin": ALLOWED, **PREFLIGHT})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ALLOWED
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert allowed.headers["access-control-max-age"] == "600"
    refused = client.options("/me", headers={"origin": "https://evil.example", **PREFLIGHT})
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers
    simple = client.get("/me", headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in simple.headers  # the browser hides it
    assert (
        client.get("/me", headers={"origin": ALLOWED}).headers["access-control-allow-origin"]
        == ALLOWED
    )


def test_a_wildcard_with_credentials_lets_any_origin_in():
    # Why the recipe names its origins: "*" with credentials echoes whoever asks.
    app = App(middleware=[Middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)])

    @app.get("/me")
    async def me() -> dict[str, str]:
        return {"name": "ada"}

    response = TestClient(app).get("/me", headers={"origin": "https://evil.example"})
    assert response.headers["access-control-allow-origin"] == "https://evil.example"
    assert response.headers["access-control-allow-credentials"] == "true"


# -- cookies ----------------------------------------------------------------------------------


def test_pegboard_sets_no_cookies(showcase: ModuleType):
    with TestClient(showcase.app) as client:
        document = client.get("/openapi.json").json()
        pages = ["/", "/docs", "/redoc", "/scalar", "/docs/oauth2-redirect", "/openapi.json"]
        pages += [
            p.replace("{book_id}", "1") for p, ops in document["paths"].items() if "get" in ops
        ]
        for page in ("/docs", "/redoc", "/scalar"):
            html = client.get(page).text
            pages += re.findall(r'(?:src|href)="(/[^"/][^"]*)"', html)
        responses = [client.get(page) for page in pages]
        responses.append(client.post("/books", json={"title": "x"}, headers={"X-API-Key": "no"}))
        responses.append(client.post("/books/1/reviews", data={"rating": "5"}))
    assert len(responses) > 15
    for response in responses:
        assert response.status_code < 500
        assert "set-cookie" not in response.headers, response.url


def test_the_cookie_recipe_sets_every_flag(load_sample: LoadSample):
    client = TestClient(load_sample("docs/src/security_defaults/cookies.py").app)
    cookie = client.post("/preferences").headers["set-cookie"]
    assert cookie.startswith("theme=dark;")
    for flag in ("HttpOnly", "Secure", "SameSite=strict", "Max-Age=31536000"):
        assert flag in cookie


def test_the_session_recipe(load_sample: LoadSample, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SESSION_SECRET", "a-long-random-secret-from-the-environment")
    app = load_sample("docs/src/security_defaults/sessions.py").app
    client = TestClient(app, base_url="https://testserver")  # Secure cookies need HTTPS
    response = client.post("/login")
    cookie = response.headers["set-cookie"].lower()
    for flag in ("httponly", "secure", "samesite=lax", "max-age=28800"):
        assert flag in cookie
    assert client.get("/whoami").json() == {"user": "ada"}
    forged = TestClient(app, base_url="https://testserver", cookies={"session": "forged"})
    assert forged.get("/whoami").json() == {"user": None}


# -- limits on by default ---------------------------------------------------------------------


def body_app(**options: Any) -> App:
    app = App(plugins=[validation()], **options)

    @app.post("/raw")
    async def raw(request: Request) -> int:
        return len(await request.body())

    @app.post("/form")
    async def form(
        note: Annotated[str, Form()] = "",
        files: Annotated[list[UploadFile], File()] = [],  # noqa: B006 - parsed, never mutated
    ) -> dict[str, int]:
        return {"note": len(note), "files": len(files)}

    return app


def multipart(*parts: tuple[str, bytes, str | None]) -> tuple[bytes, dict[str, str]]:
    body = b""
    for name, value, filename in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        body += f"--b\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + value + b"\r\n"
    return body + b"--b--\r\n", {"content-type": "multipart/form-data; boundary=b"}


def test_the_body_limit_is_on_by_default():
    assert DEFAULT_MAX_BODY_SIZE == MIB
    with TestClient(body_app()) as client:
        assert client.post("/raw", content=b"x" * MIB).json() == MIB
        refused = client.post("/raw", content=b"x" * (MIB + 1))
        assert refused.status_code == 413
        assert refused.json() == {
            "detail": f"Request body is larger than the limit of {MIB} bytes."
        }
        body, headers = multipart(("files", b"x" * MIB, "big.bin"))
        assert client.post("/form", content=body, headers=headers).status_code == 413


def test_the_form_limits_are_on_by_default():
    # The body limit raised, so that the form limits are what refuses.
    with TestClient(body_app(max_body_size=64 * MIB)) as client:

        def send(*parts: tuple[str, bytes, str | None]) -> Any:
            body, headers = multipart(*parts)
            return client.post("/form", content=body, headers=headers)

        assert send(*[(f"f{i}", b"", None) for i in range(1000)]).status_code == 200
        too_many = send(*[(f"f{i}", b"", None) for i in range(1001)])
        assert too_many.status_code == 400
        assert too_many.json() == {"detail": "Too many fields. Maximum number of fields is 1000."}
        assert send(*[("files", b"", f"{i}.txt") for i in range(1000)]).status_code == 200
        assert send(*[("files", b"", f"{i}.txt") for i in range(1001)]).status_code == 400
        assert send(("note", b"n" * MIB, None)).json() == {"note": MIB, "files": 0}
        big = send(("note", b"n" * (MIB + 1), None))
        assert big.status_code == 400
        assert big.json() == {"detail": "Part exceeded maximum size of 1024KB."}


def test_the_limits_recipe(load_sample: LoadSample):
    with TestClient(load_sample("docs/src/security_defaults/limits.py").app) as client:
        assert client.post("/notes", data={"text": "hi"}).json() == {"length": 2}
        assert client.post("/notes", data={"text": "x" * 70_000}).status_code == 413
        fields = {f"f{i}": "x" for i in range(21)}
        assert client.post("/notes", data={"text": "hi", **fields}).status_code == 400
        upload = client.post("/uploads", files={"file": ("a.bin", b"u" * (5 * MIB))})
        assert upload.json() == {"size": 5 * MIB}


def test_integers_of_more_than_4300_digits_are_refused():
    app = App(plugins=[validation()])

    @app.post("/n")
    async def n(q: int, body: dict[str, int]) -> bool:
        return True

    with TestClient(app) as client:
        ok, long = "9" * 4300, "9" * 4301
        assert client.post(f"/n?q={ok}", content=f'{{"n": {ok}}}',
                           headers={"content-type": "application/json"}).json() is True  # fmt: skip
        assert client.post(f"/n?q={long}", json={}).status_code == 422
        response = client.post("/n?q=1", content=f'{{"n": {long}}}',
                               headers={"content-type": "application/json"})  # fmt: skip
        assert response.status_code == 422


def test_json_nesting_deeper_than_200_levels_is_refused():
    app = App(plugins=[validation()])

    @app.post("/any")
    async def anything(body: list[Any]) -> bool:
        return True

    with TestClient(app) as client:
        headers = {"content-type": "application/json"}
        assert (
            client.post("/any", content="[" * 200 + "]" * 200, headers=headers).status_code == 200
        )
        deep = client.post("/any", content="[" * 202 + "]" * 202, headers=headers)
        assert deep.status_code == 422
        assert deep.json()["detail"][0]["ctx"] == {"error": "recursion limit exceeded"}


# -- the page and its samples stay in step ----------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "security-defaults.md"
SAMPLES = ROOT / "docs" / "src" / "security_defaults"


def test_every_sample_is_on_the_page_and_tested_here():
    included = set(re.findall(r'--8<-- "([^"]+)"', PAGE.read_text()))
    on_disk = {str(p.relative_to(ROOT)) for p in SAMPLES.glob("*.py")}
    assert included == on_disk
    this_file = Path(__file__).read_text()
    for sample in on_disk:
        assert sample in this_file, f"{sample} is not exercised here"
    assert "```python\n" + "from" not in PAGE.read_text()  # code comes from the samples


def test_the_nosniff_recipe(load_sample: LoadSample):
    mod = load_sample("docs/src/security_defaults/nosniff.py")

    @mod.app.get("/")
    async def root() -> dict[str, str]:
        return {}

    with TestClient(mod.app) as client:
        assert client.get("/").headers["x-content-type-options"] == "nosniff"
        assert client.get("/nowhere").headers["x-content-type-options"] == "nosniff"
    with TestClient(mod.bare) as client:
        assert client.get("/download").headers.get_list("x-content-type-options") == ["nosniff"]
        assert "x-content-type-options" not in client.get("/plain").headers
        assert "x-content-type-options" not in client.get("/nowhere").headers
