"""examples/oauth2_jwt: log in, get a JWT, use scope-protected routes, end to end."""

import base64
import json
from collections.abc import Iterator
from datetime import timedelta
from types import ModuleType

import jwt
import pytest
from openapi_spec_validator import validate
from starlette.testclient import TestClient

from pegboard import App

from ..conftest import load_module

KEY = "test-signing-key-of-at-least-32-bytes"


@pytest.fixture(scope="module")
def example() -> ModuleType:
    return load_module("examples/oauth2_jwt/app.py")


@pytest.fixture
def client(example: ModuleType) -> Iterator[TestClient]:
    with TestClient(example.create_app(secret_key=KEY)) as test_client:
        yield test_client


def log_in(client: TestClient, username: str, password: str, scope: str = "") -> str:
    # What Swagger UI's Authorize dialog posts for the password flow.
    data = {"grant_type": "password", "username": username, "password": password}
    if scope:
        data["scope"] = scope
    response = client.post("/token", data=data, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_the_module_level_app_serves(example: ModuleType) -> None:
    assert isinstance(example.app, App)
    with TestClient(example.app) as client:
        assert client.get("/health").json() == {"status": "ok"}
        assert client.get("/users/me").status_code == 401


def test_log_in_and_use_every_route(client: TestClient) -> None:
    response = client.post("/token", data={"username": "ada", "password": "lovelace"})
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 1800
    assert body["scope"] == "me items:read items:write"
    claims = jwt.decode(body["access_token"], KEY, algorithms=["HS256"])
    assert (claims["sub"], claims["scope"]) == ("ada", "me items:read items:write")

    token = body["access_token"]
    me = client.get("/users/me", headers=auth(token))
    assert me.json() == {
        "username": "ada",
        "full_name": "Ada Lovelace",
        "scopes": ["me", "items:read", "items:write"],
    }
    assert client.get("/users/me/items", headers=auth(token)).json() == []
    created = client.post("/users/me/items", json={"name": "Notes"}, headers=auth(token))
    assert (created.status_code, created.json()) == (201, {"name": "Notes", "owner": "ada"})
    items = client.get("/users/me/items", headers=auth(token))
    assert items.json() == [{"name": "Notes", "owner": "ada"}]


def test_scopes_decide_between_200_and_403(client: TestClient) -> None:
    bob = log_in(client, "bob", "builder")
    assert client.get("/users/me/items", headers=auth(bob)).status_code == 200
    refused = client.post("/users/me/items", json={"name": "Shed"}, headers=auth(bob))
    assert refused.status_code == 403
    assert refused.json() == {"detail": "Not enough permissions"}
    assert refused.headers["www-authenticate"] == (
        'Bearer error="insufficient_scope", scope="items:write"'
    )
    # A token asked for with fewer scopes carries fewer, whatever the account may do.
    narrow = log_in(client, "ada", "lovelace", scope="me")
    assert client.get("/users/me", headers=auth(narrow)).status_code == 200
    assert client.get("/users/me/items", headers=auth(narrow)).status_code == 403
    # Scopes the account lacks are not granted by asking.
    asked = log_in(client, "bob", "builder", scope="me items:write")
    assert jwt.decode(asked, KEY, algorithms=["HS256"])["scope"] == "me"


def test_bad_logins(client: TestClient) -> None:
    for username, password in (("ada", "wrong"), ("nobody", "lovelace"), ("ada", "")):
        response = client.post("/token", data={"username": username, "password": password})
        assert response.status_code in (400, 422)
        assert "lovelace" not in response.text
    wrong = client.post("/token", data={"username": "ada", "password": "Lovelace"})
    assert (wrong.status_code, wrong.json()) == (400, {"detail": "Incorrect username or password"})
    missing = client.post("/token", data={"username": "ada"})
    assert missing.status_code == 422
    assert missing.json() == {
        "detail": [
            {"type": "missing", "loc": ["body", "password"], "msg": "Field required", "input": None}
        ]
    }
    assert client.post("/token", json={"username": "ada"}).status_code == 415
    strange_grant = client.post(
        "/token", data={"username": "ada", "password": "lovelace", "grant_type": "implicit"}
    )
    assert strange_grant.status_code == 422


def test_bad_tokens(client: TestClient, example: ModuleType) -> None:
    missing = client.get("/users/me")
    assert (missing.status_code, missing.headers["www-authenticate"]) == (401, 'Bearer scope="me"')
    token = log_in(client, "ada", "lovelace")
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "bob"
    tampered_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=")
    tampered = f"{header}.{tampered_payload.decode()}.{signature}"
    other_key = jwt.encode({"sub": "ada", "scope": "me", "exp": 4_000_000_000}, "k" * 32)
    none_alg = jwt.encode({"sub": "ada", "scope": "me", "exp": 4_000_000_000}, None, "none")
    for bad in (tampered, other_key, none_alg, "garbage", token[:-2]):
        response = client.get("/users/me", headers=auth(bad))
        assert response.status_code == 401, bad
        assert response.headers["www-authenticate"] == 'Bearer error="invalid_token", scope="me"'
    for header_value in ("Basic " + token, "Bearer", f"Bearer {token} extra"):
        assert client.get("/users/me", headers={"Authorization": header_value}).status_code == 401
    twice = client.get("/users/me", headers=[("Authorization", f"Bearer {token}")] * 2)
    assert twice.status_code == 401

    expired_app = example.create_app(secret_key=KEY, token_lifetime=timedelta(seconds=-1))
    with TestClient(expired_app) as expired_client:
        expired = log_in(expired_client, "ada", "lovelace")
        response = expired_client.get("/users/me", headers=auth(expired))
        assert response.status_code == 401


def test_tokens_from_one_key_do_not_open_another_app(example: ModuleType) -> None:
    with TestClient(example.create_app(secret_key=KEY)) as first:
        token = log_in(first, "ada", "lovelace")
    with TestClient(example.create_app(secret_key=KEY[::-1])) as second:
        assert second.get("/users/me", headers=auth(token)).status_code == 401


def test_the_openapi_document(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    validate(document)
    assert document["components"]["securitySchemes"] == {
        "OAuth2PasswordBearer": {
            "type": "oauth2",
            "flows": {
                "password": {
                    "tokenUrl": "token",
                    "scopes": {
                        "me": "Read your profile.",
                        "items:read": "Read your items.",
                        "items:write": "Add items.",
                    },
                }
            },
        }
    }
    paths = document["paths"]
    assert paths["/users/me"]["get"]["security"] == [{"OAuth2PasswordBearer": ["me"]}]
    assert paths["/users/me/items"]["get"]["security"] == [{"OAuth2PasswordBearer": ["items:read"]}]
    assert paths["/users/me/items"]["post"]["security"] == [
        {"OAuth2PasswordBearer": ["items:write"]}
    ]
    assert "security" not in paths["/health"]["get"]
    assert "security" not in paths["/token"]["post"]
    form = paths["/token"]["post"]["requestBody"]["content"]["application/x-www-form-urlencoded"]
    assert form["schema"]["required"] == ["username", "password"]


def test_swagger_ui_is_served_when_the_docs_plugin_is_installed(
    client: TestClient, example: ModuleType
) -> None:
    if not example.docs_ui():
        pytest.skip("pegboard_docs or its Swagger UI files are not installed")
    page = client.get("/docs")
    assert page.status_code == 200
    assert "/openapi.json" in page.text
    assert client.get("/docs/oauth2-redirect").status_code == 200
