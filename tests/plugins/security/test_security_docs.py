"""The security pages: every sample runs and does what the pages say."""

import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import jwt
import pytest
from starlette.testclient import TestClient

from .helpers import basic

ROOT = Path(__file__).resolve().parents[3]
PAGES = sorted((ROOT / "docs/plugins").glob("security*.md"))
SAMPLES = ROOT / "docs/src/security"
SNIPPET = re.compile(r'--8<-- "([^":]+)(?::[\w-]+)?"')

Load = Callable[[str], ModuleType]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_pages_and_samples_stay_in_step() -> None:
    assert [p.name for p in PAGES] == [
        "security-api-keys.md",
        "security-fastapi.md",
        "security-http.md",
        "security-oauth2.md",
        "security-scopes.md",
        "security.md",
    ]
    included = {sample for page in PAGES for sample in SNIPPET.findall(page.read_text())}
    on_disk = {str(p.relative_to(ROOT)) for p in SAMPLES.glob("*.py")}
    assert included == on_disk
    this_file = Path(__file__).read_text()
    for sample in on_disk:
        assert sample in this_file, f"{sample} is not exercised here"
    for page in PAGES:
        text = page.read_text()
        for block in re.findall(r"```python[^\n]*\n(.*?)```", text, flags=re.S):
            assert block.strip().startswith("--8<--"), f"inline Python in {page.name}"
        for name, section in re.findall(r'--8<-- "([^":]+):([\w-]+)"', text):
            assert f"# --8<-- [start:{section}]" in (ROOT / name).read_text(), section


def test_the_api_section_names_every_public_name() -> None:
    import pegboard_security

    text = (ROOT / "docs/plugins/security.md").read_text()
    for name in pegboard_security.__all__:
        if name in ("APIKeyBase", "SecurityPlugin", "MAX_CREDENTIALS_LENGTH"):
            continue
        assert f"::: pegboard_security.{name}\n" in text, name


def test_enable(load_sample: Load) -> None:
    mod = load_sample("docs/src/security/enable.py")
    with TestClient(mod.app) as client:
        assert client.get("/token-info", headers=bearer("abc")).json() == {"length": 3}
        response = client.get("/token-info")
        assert (response.status_code, response.headers["www-authenticate"]) == (401, "Bearer")
        assert client.get("/hello").json() == "Hello, stranger"
        assert client.get("/hello", headers=bearer("abc")).json() == "Hello, token holder"


def test_fastapi_errors(load_sample: Load) -> None:
    mod = load_sample("docs/src/security/fastapi_errors.py")
    with TestClient(mod.app) as client:
        response = client.get("/me")
        assert (response.status_code, response.headers["www-authenticate"]) == (401, "Basic")
        assert client.get("/me", headers={"Authorization": basic("ada", "pw")}).json() == "ada"
        malformed = client.get("/me", headers={"Authorization": "Basic !"})
        assert malformed.json() == {"detail": "Not authenticated"}


def test_first_steps(load_sample: Load) -> None:
    mod = load_sample("docs/src/security/first_steps.py")
    with TestClient(mod.app) as client:
        response = client.post("/token", data={"username": "ada", "password": "lovelace"})
        assert response.json() == {"access_token": "ada", "token_type": "bearer"}
        me = client.get("/users/me", headers=bearer("ada"))
        assert me.json() == {"username": "ada", "full_name": "Ada Lovelace"}
        wrong = client.post("/token", data={"username": "ada", "password": "babbage"})
        assert (wrong.status_code, wrong.json()) == (
            400,
            {"detail": "Incorrect username or password"},
        )
        unknown = client.post("/token", data={"username": "eve", "password": "x"})
        assert unknown.status_code == 400
        for headers in ({}, bearer("eve")):
            response = client.get("/users/me", headers=headers)
            assert response.status_code == 401
            assert response.headers["www-authenticate"] == "Bearer"


@pytest.fixture(scope="module")
def jwt_app() -> ModuleType:
    from tests.conftest import load_module

    return load_module("docs/src/security/oauth2_jwt.py")


def login(client: TestClient, username: str, password: str, scope: str = "") -> str:
    data = {"username": username, "password": password, "scope": scope}
    response = client.post("/token", data=data)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    return str(body["access_token"])


def test_oauth2_jwt_login_and_scopes(jwt_app: ModuleType) -> None:
    with TestClient(jwt_app.app) as client:
        token = login(client, "ada", "lovelace")
        claims = jwt.decode(token, jwt_app.SECRET_KEY, algorithms=["HS256"])
        assert claims["sub"] == "ada"
        assert claims["scope"] == "me items"
        assert claims["exp"] - claims["iat"] == 30 * 60
        me = client.get("/users/me", headers=bearer(token))
        assert me.json() == {"username": "ada", "full_name": "Ada Lovelace"}
        items = client.get("/users/me/items", headers=bearer(token))
        assert items.json() == [{"item": "Analytical Engine notes", "owner": "ada"}]

        # A client asking for fewer scopes gets fewer; never more than the user has.
        narrow = login(client, "ada", "lovelace", scope="me admin")
        assert jwt.decode(narrow, jwt_app.SECRET_KEY, algorithms=["HS256"])["scope"] == "me"
        refused = client.get("/users/me/items", headers=bearer(narrow))
        assert refused.status_code == 403
        assert refused.headers["www-authenticate"] == (
            'Bearer error="insufficient_scope", scope="items"'
        )
        bob = login(client, "bob", "builder")
        assert client.get("/users/me", headers=bearer(bob)).status_code == 200
        assert client.get("/users/me/items", headers=bearer(bob)).status_code == 403


def test_oauth2_jwt_refuses_bad_logins_and_tokens(jwt_app: ModuleType) -> None:
    with TestClient(jwt_app.app) as client:
        for username, password in (("ada", "wrong"), ("nobody", "lovelace")):
            response = client.post("/token", data={"username": username, "password": password})
            assert response.status_code == 400
        now = datetime.now(timezone.utc)
        expired = jwt.encode(
            {"sub": "ada", "scope": "me", "exp": now - timedelta(seconds=1)},
            jwt_app.SECRET_KEY,
            algorithm="HS256",
        )
        forged = jwt.encode(
            {"sub": "ada", "scope": "me", "exp": now + timedelta(minutes=5)},
            "another-key-of-at-least-32-bytes!!",
            algorithm="HS256",
        )
        no_expiry = jwt.encode({"sub": "ada", "scope": "me"}, jwt_app.SECRET_KEY)
        unknown_user = jwt_app.create_access_token("mallory", ["me"])
        for token in (expired, forged, no_expiry, unknown_user, "not-a-jwt"):
            response = client.get("/users/me", headers=bearer(token))
            assert response.status_code == 401, token
            assert response.json() == {"detail": "Could not validate credentials"}
            assert response.headers["www-authenticate"] == (
                'Bearer error="invalid_token", scope="me"'
            )
        response = client.get("/users/me/items")
        assert response.headers["www-authenticate"] == 'Bearer scope="items"'


def test_password_recipe(jwt_app: ModuleType) -> None:
    hashed = jwt_app.hash_password("pässwörd")
    assert hashed.startswith("$argon2id$")
    assert hashed != jwt_app.hash_password("pässwörd")  # salted
    assert jwt_app.verify_password(hashed, "pässwörd") is True
    assert jwt_app.verify_password(hashed, "passwörd") is False
    assert jwt_app.verify_password("not a hash", "pässwörd") is False
    assert jwt_app.verify_password(jwt_app.DUMMY_HASH, "") is False


def test_scopes(load_sample: Load) -> None:
    mod = load_sample("docs/src/security/scopes.py")
    with TestClient(mod.app) as client:
        ada, bob = bearer("t-ada"), bearer("t-bob")
        assert client.get("/me", headers=bob).json() == "bob"
        assert client.get("/items", headers=bob).json() == ["quill", "ink"]
        assert client.post("/items", headers=ada).json() == "added"
        assert client.get("/admin/stats", headers=ada).json() == {"users": 2}
        # The table on the page: what each route requires, and the answers.
        expectations = {
            ("GET", "/me"): "me",
            ("GET", "/items"): "items:read me",
            ("POST", "/items"): "items:write me",
            ("GET", "/admin/stats"): "admin",
        }
        for (method, path), scopes in expectations.items():
            missing = client.request(method, path)
            assert missing.status_code == 401
            assert missing.headers["www-authenticate"] == f'Bearer scope="{scopes}"'
            invalid = client.request(method, path, headers=bearer("t-eve"))
            assert invalid.status_code == 401
            assert invalid.headers["www-authenticate"] == (
                f'Bearer error="invalid_token", scope="{scopes}"'
            )
        for method, path in (("POST", "/items"), ("GET", "/admin/stats")):
            response = client.request(method, path, headers=bob)
            assert response.status_code == 403
            assert response.json() == {"detail": "Not enough permissions"}


def test_api_keys(load_sample: Load, monkeypatch: pytest.MonkeyPatch) -> None:
    mod = load_sample("docs/src/security/api_keys.py")
    with TestClient(mod.app) as client:
        response = client.get("/reports", headers={"X-API-Key": "k-reporting-0b1f9c"})
        assert response.json() == {"for": "reporting"}
        unknown = client.get("/reports", headers={"X-API-Key": "k-guess"})
        assert (unknown.status_code, unknown.headers["www-authenticate"]) == (401, "APIKey")
        missing = client.get("/reports")
        assert (missing.status_code, missing.json()) == (401, {"detail": "Not authenticated"})
        assert client.delete("/cache", headers={"X-API-Key": "k-backup-77d2e0"}).status_code == 403
        admin = client.delete("/cache", headers={"X-API-Key": "k-admin-5e4f01"})
        assert admin.json() == {"cleared": True}
        assert client.get("/greeting").json() == "Hello, anonymous"
        assert client.get("/greeting", headers={"X-API-Key": "k"}).json() == "Hello, key holder"
        client.cookies.set("api_key", "k")
        assert client.get("/greeting").json() == "Hello, key holder"
        client.cookies.clear()
        twice = client.get("/greeting", headers=[("X-API-Key", "a"), ("X-API-Key", "b")])
        assert (twice.status_code, twice.json()) == (
            401,
            {"detail": "Multiple X-API-Key headers"},
        )


def test_http_basic(load_sample: Load) -> None:
    mod = load_sample("docs/src/security/http_basic.py")
    with TestClient(mod.app) as client:
        ok = client.get("/users/me", headers={"Authorization": basic("stanley", "swordfish")})
        assert ok.json() == {"username": "stanley"}
        challenge = 'Basic realm="reports", charset="UTF-8"'
        for headers in (
            {},
            {"Authorization": basic("stanley", "wrong")},
            {"Authorization": basic("wrong", "swordfish")},
            {"Authorization": "Basic not-base64!"},
        ):
            response = client.get("/users/me", headers=headers)
            assert response.status_code == 401
            assert response.headers["www-authenticate"] == challenge


def test_http_bearer(load_sample: Load) -> None:
    mod = load_sample("docs/src/security/http_bearer.py")
    with TestClient(mod.app) as client:
        assert client.post("/deploy", headers=bearer("dpl_3f9a1c7e")).json() == {
            "status": "deploying"
        }
        wrong = client.post("/deploy", headers=bearer("dpl_guess"))
        assert wrong.status_code == 401
        assert wrong.headers["www-authenticate"] == 'Bearer error="invalid_token"'
        assert client.post("/deploy").status_code == 401
        spaced = client.post("/deploy", headers=bearer("dpl 3f9a1c7e"))
        assert spaced.json() == {"detail": "Invalid Bearer token"}


def test_fastapi_port(load_sample: Load) -> None:
    mod = load_sample("docs/src/security/fastapi_port.py")
    with TestClient(mod.app) as client:
        token = client.post("/token", data={"username": "alice", "password": "wonderland"})
        assert token.json() == {"access_token": "token-of-alice", "token_type": "bearer"}
        me = client.get("/users/me", headers=bearer("token-of-alice"))
        assert me.json() == {"username": "alice"}
        for username, password in (("alice", "wrong"), ("bob", "wonderland")):
            wrong = client.post("/token", data={"username": username, "password": password})
            assert wrong.status_code == 400
        invalid = client.get("/users/me", headers=bearer("forged"))
        assert invalid.status_code == 401
        assert invalid.headers["www-authenticate"] == 'Bearer scope="me"'


def test_fastapi_behaves_as_the_porting_table_says(load_sample: Load) -> None:
    """Rows of the 'What behaves differently' table, checked against FastAPI itself."""
    from fastapi import Depends as FastAPIDepends
    from fastapi import FastAPI
    from fastapi.security import HTTPBasic, HTTPBearer

    app = FastAPI()
    optional_bearer = HTTPBearer(auto_error=False)
    basic_scheme = HTTPBasic()

    @app.get("/bearer")
    async def read_bearer(credentials: Any = FastAPIDepends(optional_bearer)) -> Any:
        return None if credentials is None else [credentials.scheme, credentials.credentials]

    @app.get("/basic")
    async def read_basic(credentials: Any = FastAPIDepends(basic_scheme)) -> Any:
        return credentials.password

    with TestClient(app) as client:
        assert client.get("/bearer", headers={"Authorization": "Bearer"}).json() is None
        spaced = client.get("/bearer", headers={"Authorization": "bearer a b"})
        assert spaced.json() == ["bearer", "a b"]
        twice = client.get("/bearer", headers=[("Authorization", "Bearer a")] * 2)
        assert twice.json() == ["Bearer", "a"]
        non_ascii = client.get("/basic", headers={"Authorization": basic("ada", "pässwörd")})
        assert non_ascii.status_code == 401
