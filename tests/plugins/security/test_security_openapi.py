"""Schemes in the OpenAPI document, and apps without the OpenAPI plugin."""

from pathlib import Path
from typing import Annotated, Any

import pytest
from openapi_spec_validator import validate
from starlette.testclient import TestClient

import pegboard_security
from pegboard import App, Router
from pegboard.descriptions import BodyDescription, SecurityDescription
from pegboard_di import Depends
from pegboard_openapi import get_openapi, openapi
from pegboard_security import (
    APIKeyCookie,
    APIKeyHeader,
    APIKeyQuery,
    HTTPBasic,
    HTTPBearer,
    HTTPDigest,
    OAuth2AuthorizationCodeBearer,
    OAuth2PasswordBearer,
    OAuth2PasswordRequestForm,
    OpenIdConnect,
    Security,
    SecurityScopes,
)

from .helpers import secured_app

password = OAuth2PasswordBearer(
    tokenUrl="token",
    scopes={"me": "Read your profile", "items": "Read your items"},
    description="Log in with your username and password.",
)
code = OAuth2AuthorizationCodeBearer(
    authorizationUrl="https://idp.example/authorize",
    tokenUrl="https://idp.example/token",
    refreshUrl="https://idp.example/refresh",
    scopes={"openid": "OpenID"},
    scheme_name="corporate",
)
oidc = OpenIdConnect(openIdConnectUrl="https://idp.example/.well-known/openid-configuration")
basic = HTTPBasic(realm="admin", description="Admins only")
bearer = HTTPBearer(bearerFormat="JWT")
digest = HTTPDigest()
header_key = APIKeyHeader(name="X-API-Key")
query_key = APIKeyQuery(name="api_key")
cookie_key = APIKeyCookie(name="session")


async def current_user(
    security_scopes: SecurityScopes, token: Annotated[str, Depends(password)]
) -> str:
    return token


def build(*plugins: object) -> App:
    app = secured_app(*plugins)

    @app.post("/token")
    async def login(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> dict[str, str]:
        return {"access_token": form.username, "token_type": "bearer"}

    @app.get("/items")
    async def items(user: Annotated[str, Security(current_user, scopes=["items", "me"])]) -> str:
        return user

    @app.get("/me")
    async def me(
        user: Annotated[str, Security(current_user, scopes=["me"])],
        again: Annotated[str, Security(password, scopes=["items"])],
    ) -> str:
        return user

    admin = Router(prefix="/admin", security=[basic])

    @admin.get("/stats", security=[header_key, query_key, cookie_key])
    async def stats() -> str:
        return "stats"

    app.include_router(admin)

    @app.get("/others", security=[Security(code, scopes=["openid"]), oidc, bearer, digest])
    async def others() -> str:
        return "others"

    @app.get("/public")
    async def public() -> str:
        return "public"

    return app


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    app = build(openapi())
    result = get_openapi(app)
    validate(result)
    return result


def test_every_scheme_is_a_component(document: dict[str, Any]) -> None:
    assert document["components"]["securitySchemes"] == {
        "OAuth2PasswordBearer": {
            "type": "oauth2",
            "description": "Log in with your username and password.",
            "flows": {
                "password": {
                    "tokenUrl": "token",
                    "scopes": {"me": "Read your profile", "items": "Read your items"},
                }
            },
        },
        "HTTPBasic": {"type": "http", "scheme": "basic", "description": "Admins only"},
        "APIKeyHeader": {"type": "apiKey", "name": "X-API-Key", "in": "header"},
        "APIKeyQuery": {"type": "apiKey", "name": "api_key", "in": "query"},
        "APIKeyCookie": {"type": "apiKey", "name": "session", "in": "cookie"},
        "corporate": {
            "type": "oauth2",
            "flows": {
                "authorizationCode": {
                    "authorizationUrl": "https://idp.example/authorize",
                    "tokenUrl": "https://idp.example/token",
                    "refreshUrl": "https://idp.example/refresh",
                    "scopes": {"openid": "OpenID"},
                }
            },
        },
        "OpenIdConnect": {
            "type": "openIdConnect",
            "openIdConnectUrl": "https://idp.example/.well-known/openid-configuration",
        },
        "HTTPBearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
        "HTTPDigest": {"type": "http", "scheme": "digest"},
    }


def test_each_operation_requires_its_schemes_with_their_scopes(document: dict[str, Any]) -> None:
    paths = document["paths"]
    assert paths["/items"]["get"]["security"] == [{"OAuth2PasswordBearer": ["items", "me"]}]
    # The scopes of every position of one scheme are required together.
    assert paths["/me"]["get"]["security"] == [{"OAuth2PasswordBearer": ["me", "items"]}]
    assert paths["/admin/stats"]["get"]["security"] == [
        {"HTTPBasic": [], "APIKeyHeader": [], "APIKeyQuery": [], "APIKeyCookie": []}
    ]
    assert paths["/others"]["get"]["security"] == [
        {"corporate": ["openid"], "OpenIdConnect": [], "HTTPBearer": [], "HTTPDigest": []}
    ]
    assert "security" not in paths["/public"]["get"]
    assert "security" not in paths["/token"]["post"]


def test_secured_operations_document_401_and_scoped_ones_403(document: dict[str, Any]) -> None:
    paths = document["paths"]
    items = paths["/items"]["get"]["responses"]
    assert sorted(items) == ["200", "401", "403"]
    assert items["401"]["headers"]["WWW-Authenticate"]["schema"] == {"type": "string"}
    assert sorted(paths["/admin/stats"]["get"]["responses"]) == ["200", "401"]
    assert sorted(paths["/public"]["get"]["responses"]) == ["200"]


def test_the_token_endpoint_documents_its_form(document: dict[str, Any]) -> None:
    operation = document["paths"]["/token"]["post"]
    body = operation["requestBody"]
    assert body["required"] is True
    schema = body["content"]["application/x-www-form-urlencoded"]["schema"]
    assert schema["required"] == ["username", "password"]
    assert list(schema["properties"]) == [
        "grant_type",
        "username",
        "password",
        "scope",
        "client_id",
        "client_secret",
    ]
    assert schema["properties"]["password"] == {
        "type": "string",
        "format": "password",
        "title": "Password",
    }
    assert schema["properties"]["grant_type"]["anyOf"][0]["pattern"] == "^password$"
    assert "422" in operation["responses"]


def test_without_the_openapi_plugin_the_app_serves_and_still_describes() -> None:
    app = build()
    with TestClient(app) as client:
        assert client.get("/openapi.json").status_code == 404
        assert client.get("/public").json() == "public"
        assert client.get("/items", headers={"Authorization": "Bearer t"}).json() == "t"
        assert client.get("/items").status_code == 401
    routes = {route.info.label: route for route in app.routes}
    security = [
        d for d in routes["GET /items"].compiled.descriptions if isinstance(d, SecurityDescription)
    ]
    assert security == [
        SecurityDescription("OAuth2PasswordBearer", password.openapi_scheme, ("items", "me"))
    ]
    bodies = [
        d for d in routes["POST /token"].compiled.descriptions if isinstance(d, BodyDescription)
    ]
    assert len(bodies) == 1  # the form's fields share one description


def test_the_security_plugin_never_imports_the_openapi_plugin() -> None:
    package = Path(pegboard_security.__file__).parent
    for path in package.glob("*.py"):
        assert "pegboard_openapi" not in path.read_text(encoding="utf-8"), path.name
