"""Hostile and broken credentials: always a 401 with the scheme's challenge, never a 500.

Every scheme that reads the ``Authorization`` header gets the same inputs. The test
client re-raises server errors, so a 500 would fail these tests loudly.
"""

import base64
from collections.abc import Callable, Iterator
from typing import Annotated, Any

import pytest
from starlette.testclient import TestClient

from pegboard import jsonable_encoder
from pegboard_di import Depends
from pegboard_security import (
    MAX_CREDENTIALS_LENGTH,
    APIKeyCookie,
    APIKeyHeader,
    APIKeyQuery,
    HTTPBasic,
    HTTPBearer,
    HTTPDigest,
    OAuth2,
    OAuth2AuthorizationCodeBearer,
    OAuth2PasswordBearer,
    OpenIdConnect,
    SecurityBase,
)

from .helpers import basic, secured_app

SECRET = "s3cr3t-value"

# name -> (scheme factory, its challenge, a valid Authorization value, what the handler sees)
SCHEMES: dict[str, tuple[Callable[..., SecurityBase], str, str, Any]] = {
    "basic": (
        lambda **kw: HTTPBasic(realm="api", **kw),
        'Basic realm="api", charset="UTF-8"',
        basic("ada", SECRET),
        {"username": "ada", "password": SECRET},
    ),
    "bearer": (
        HTTPBearer,
        "Bearer",
        f"Bearer {SECRET}",
        {"scheme": "Bearer", "credentials": SECRET},
    ),
    "digest": (
        HTTPDigest,
        "Digest",
        f'Digest username="ada", response="{SECRET}"',
        {"scheme": "Digest", "credentials": f'username="ada", response="{SECRET}"'},
    ),
    "password": (
        lambda **kw: OAuth2PasswordBearer(tokenUrl="token", **kw),
        "Bearer",
        f"Bearer {SECRET}",
        SECRET,
    ),
    "code": (
        lambda **kw: OAuth2AuthorizationCodeBearer("https://idp/auth", "https://idp/token", **kw),
        "Bearer",
        f"Bearer {SECRET}",
        SECRET,
    ),
    "oauth2": (
        lambda **kw: OAuth2(flows={"clientCredentials": {"tokenUrl": "t", "scopes": {}}}, **kw),
        "Bearer",
        f"Bearer {SECRET}",
        f"Bearer {SECRET}",  # the base class hands over the whole header, as FastAPI's does
    ),
    "oidc": (
        lambda **kw: OpenIdConnect(openIdConnectUrl="https://idp/.well-known/oidc", **kw),
        "Bearer",
        f"Bearer {SECRET}",
        f"Bearer {SECRET}",  # OpenIdConnect hands over the whole header, as FastAPI's does
    ),
}

# Schemes that take only their own word: another one is "no credentials".
WORDED = ["basic", "bearer", "digest", "password", "code"]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = secured_app()
    for name, (make, *_rest) in SCHEMES.items():
        required, optional = make(), make(auto_error=False)

        async def handler(credentials: Annotated[Any, Depends(required)]) -> Any:
            return jsonable_encoder(credentials)

        async def optional_handler(credentials: Annotated[Any, Depends(optional)]) -> Any:
            return {"optional": jsonable_encoder(credentials)}

        app.add_api_route(f"/{name}", handler)
        app.add_api_route(f"/{name}/optional", optional_handler)
    with TestClient(app) as test_client:
        yield test_client


def unauthorized(response: Any, name: str, detail: str = "Not authenticated") -> None:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == SCHEMES[name][1]
    assert response.json() == {"detail": detail}
    assert SECRET not in response.text


def authorization_value(name: str) -> str:
    return SCHEMES[name][2]


@pytest.mark.parametrize("name", SCHEMES)
def test_valid_credentials_pass(client: TestClient, name: str) -> None:
    response = client.get(f"/{name}", headers={"Authorization": authorization_value(name)})
    assert response.json() == SCHEMES[name][3]


@pytest.mark.parametrize("name", SCHEMES)
def test_no_header(client: TestClient, name: str) -> None:
    unauthorized(client.get(f"/{name}"), name)
    assert client.get(f"/{name}/optional").json() == {"optional": None}


@pytest.mark.parametrize("name", WORDED)
def test_the_wrong_scheme_word(client: TestClient, name: str) -> None:
    other = f"Bearer {SECRET}" if name == "basic" else basic("ada", SECRET)
    unauthorized(client.get(f"/{name}", headers={"Authorization": other}), name)
    response = client.get(f"/{name}/optional", headers={"Authorization": other})
    assert response.json() == {"optional": None}


@pytest.mark.parametrize("name", WORDED)
@pytest.mark.parametrize("value", ["{word}", "{word} ", "{word}    "])
def test_only_the_scheme_or_an_empty_token(client: TestClient, name: str, value: str) -> None:
    word = authorization_value(name).split(" ")[0]
    headers = {"Authorization": value.format(word=word)}
    expected = "Invalid Bearer token" if word == "Bearer" else f"Invalid {word} credentials"
    unauthorized(client.get(f"/{name}", headers=headers), name, expected)
    # The client tried this scheme and got it wrong: a 401 even when optional.
    unauthorized(client.get(f"/{name}/optional", headers=headers), name, expected)


@pytest.mark.parametrize("word", ["Bearer", "bearer", "BEARER"])
def test_the_scheme_word_is_case_insensitive(client: TestClient, word: str) -> None:
    response = client.get("/bearer", headers={"Authorization": f"{word} {SECRET}"})
    assert response.json() == {"scheme": "Bearer", "credentials": SECRET}


@pytest.mark.parametrize("token", ["a b", "tok,en", "tok;en", '"quoted"', "=leading", "t\u00f6ken"])
@pytest.mark.parametrize("name", ["bearer", "password", "code"])
def test_a_bearer_token_must_be_a_token68(client: TestClient, name: str, token: str) -> None:
    headers = {"Authorization": f"Bearer {token}".encode()}
    detail = (
        "Invalid characters in Authorization header"
        if not token.isascii()
        else "Invalid Bearer token"
    )
    unauthorized(client.get(f"/{name}", headers=headers), name, detail)


@pytest.mark.parametrize(
    "encoded",
    [
        "not base64!",
        "YWRh",  # "ada": no colon
        "YWRhOnB3",  # "ada:pw" is fine; with junk appended it is not:
        "YWRhOnB3=junk",
        "YWRhOnB",  # bad padding
        base64.b64encode(b"\xff\xfe:\xfd").decode(),  # not UTF-8
        base64.b64encode(b"ada:pw\x00").decode(),  # a control character
        base64.b64encode(b"a\nda:pw").decode(),
    ],
)
def test_malformed_basic_credentials(client: TestClient, encoded: str) -> None:
    response = client.get("/basic", headers={"Authorization": f"Basic {encoded}"})
    if encoded == "YWRhOnB3":
        assert response.json() == {"username": "ada", "password": "pw"}
        return
    unauthorized(response, "basic", "Invalid Basic credentials")
    unauthorized(
        client.get("/basic/optional", headers={"Authorization": f"Basic {encoded}"}),
        "basic",
        "Invalid Basic credentials",
    )


def test_basic_credentials_are_utf8(client: TestClient) -> None:
    response = client.get("/basic", headers={"Authorization": basic("zoë", "pässwörd ☃")})
    assert response.json() == {"username": "zoë", "password": "pässwörd ☃"}
    # Empty user-ids and passwords are allowed, as RFC 7617 allows them; colons too.
    response = client.get("/basic", headers={"Authorization": basic("", "a:b")})
    assert response.json() == {"username": "", "password": "a:b"}


@pytest.mark.parametrize("name", SCHEMES)
@pytest.mark.parametrize("raw", [b"Bearer \xff\xfe", b"Basic \xc3\xa9t\xc3\xa9", b"Bearer a\x01b"])
def test_non_ascii_or_control_bytes_in_the_header(
    client: TestClient, name: str, raw: bytes
) -> None:
    detail = "Invalid characters in Authorization header"
    unauthorized(client.get(f"/{name}", headers={"Authorization": raw}), name, detail)
    unauthorized(client.get(f"/{name}/optional", headers={"Authorization": raw}), name, detail)


@pytest.mark.parametrize("name", SCHEMES)
def test_duplicate_authorization_headers_are_refused(client: TestClient, name: str) -> None:
    value = authorization_value(name)
    for headers in (
        [("Authorization", value), ("Authorization", value)],
        [("Authorization", value), ("authorization", f"Bearer {SECRET}x")],
    ):
        response = client.get(f"/{name}", headers=headers)
        unauthorized(response, name, "Multiple Authorization headers")
        optional = client.get(f"/{name}/optional", headers=headers)
        unauthorized(optional, name, "Multiple Authorization headers")


@pytest.mark.parametrize("name", SCHEMES)
def test_a_header_longer_than_the_limit_is_refused(client: TestClient, name: str) -> None:
    value = authorization_value(name)
    padding = "A" * (MAX_CREDENTIALS_LENGTH - len(value))
    at_limit = value + padding if name != "basic" else basic("ada", "x" * 6000)
    assert len(at_limit) <= MAX_CREDENTIALS_LENGTH
    assert client.get(f"/{name}", headers={"Authorization": at_limit}).status_code == 200
    too_long = value + padding + "A"
    assert len(too_long) == MAX_CREDENTIALS_LENGTH + 1
    detail = "Authorization header too long"
    unauthorized(client.get(f"/{name}", headers={"Authorization": too_long}), name, detail)
    huge = "Bearer " + "A" * 1_000_000
    unauthorized(client.get(f"/{name}", headers={"Authorization": huge}), name, detail)


def test_the_limit_can_be_set_per_scheme() -> None:
    app = secured_app()
    scheme = HTTPBearer(max_length=20)

    @app.get("/short")
    async def short(credentials: Annotated[Any, Depends(scheme)]) -> str:
        return credentials.credentials

    with TestClient(app) as client:
        assert client.get("/short", headers={"Authorization": "Bearer " + "a" * 13}).json()
        response = client.get("/short", headers={"Authorization": "Bearer " + "a" * 14})
        assert response.status_code == 401


# -- API keys ------------------------------------------------------------------------------

KEYS: dict[str, Callable[..., SecurityBase]] = {
    "header": APIKeyHeader,
    "query": APIKeyQuery,
    "cookie": APIKeyCookie,
}


@pytest.fixture(scope="module")
def key_client() -> Iterator[TestClient]:
    app = secured_app()
    for where, cls in KEYS.items():
        for auto_error in (True, False):
            scheme = cls(
                name="api_key" if where != "header" else "X-API-Key", auto_error=auto_error
            )

            async def handler(key: Annotated[Any, Depends(scheme)]) -> Any:
                return {"key": key}

            app.add_api_route(f"/{where}/{'required' if auto_error else 'optional'}", handler)
    with TestClient(app) as test_client:
        yield test_client


def send(client: TestClient, where: str, path: str, value: Any) -> Any:
    if where == "header":
        headers = value if isinstance(value, list) else {"X-API-Key": value}
        return client.get(path, headers=headers)
    if where == "query":
        params = value if isinstance(value, list) else {"api_key": value}
        return client.get(path, params=params)
    client.cookies.clear()
    client.cookies.set("api_key", value)
    try:
        return client.get(path)
    finally:
        client.cookies.clear()


def key_unauthorized(response: Any, detail: str = "Not authenticated") -> None:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "APIKey"
    assert response.json() == {"detail": detail}
    assert SECRET not in response.text


@pytest.mark.parametrize("where", KEYS)
def test_api_key_present_missing_and_empty(key_client: TestClient, where: str) -> None:
    assert send(key_client, where, f"/{where}/required", SECRET).json() == {"key": SECRET}
    key_unauthorized(key_client.get(f"/{where}/required"))
    assert key_client.get(f"/{where}/optional").json() == {"key": None}
    key_unauthorized(send(key_client, where, f"/{where}/required", ""))
    assert send(key_client, where, f"/{where}/optional", "").json() == {"key": None}


@pytest.mark.parametrize("where", KEYS)
def test_api_key_longer_than_the_limit(key_client: TestClient, where: str) -> None:
    at_limit = "k" * MAX_CREDENTIALS_LENGTH
    assert send(key_client, where, f"/{where}/required", at_limit).json() == {"key": at_limit}
    too_long = at_limit + "k"
    detail = "X-API-Key header too long" if where == "header" else "API key too long"
    for path in (f"/{where}/required", f"/{where}/optional"):
        key_unauthorized(send(key_client, where, path, too_long), detail)


@pytest.mark.parametrize(
    ("where", "detail"),
    [("header", "Multiple X-API-Key headers"), ("query", "Multiple api_key query parameters")],
)
def test_api_key_given_twice(key_client: TestClient, where: str, detail: str) -> None:
    name = "X-API-Key" if where == "header" else "api_key"
    for path in (f"/{where}/required", f"/{where}/optional"):
        key_unauthorized(send(key_client, where, path, [(name, SECRET), (name, "other")]), detail)


def test_api_key_header_with_non_ascii_bytes(key_client: TestClient) -> None:
    response = key_client.get("/header/required", headers={"X-API-Key": b"k\xffey"})
    key_unauthorized(response, "Invalid characters in X-API-Key header")


def test_api_key_header_name_is_case_insensitive(key_client: TestClient) -> None:
    response = key_client.get("/header/required", headers={"x-api-key": SECRET})
    assert response.json() == {"key": SECRET}
