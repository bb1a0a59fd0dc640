"""compare_secrets, and credentials kept out of logs, error bodies and reprs."""

import logging
from typing import Annotated, Any

import pytest
from starlette.testclient import TestClient

from pegboard import HTTPException
from pegboard_di import Depends
from pegboard_security import (
    APIKeyHeader,
    HTTPAuthorizationCredentials,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
    OAuth2PasswordBearer,
    OAuth2PasswordRequestForm,
    compare_secrets,
)

from .helpers import basic, secured_app

SECRET = "correct-horse-battery-staple"


@pytest.mark.parametrize(
    ("given", "expected", "equal"),
    [
        ("key", "key", True),
        ("key", "kez", False),
        ("key", "key ", False),
        ("", "", True),
        (b"key", b"key", True),
        ("key", b"key", True),
        (b"key", "key", True),
        ("pässwörd ☃", "pässwörd ☃", True),
        ("pässwörd ☃", "passwörd ☃", False),
        ("pässwörd".encode(), "pässwörd", True),
        ("\udcff", "\udcff", True),  # lone surrogates, as surrogateescape produces
        ("\u00e9", "e\u0301", False),  # not normalized
        (None, "key", False),
        ("key", None, False),
        (None, None, False),
    ],
)
def test_compare_secrets(given: Any, expected: Any, equal: bool) -> None:
    assert compare_secrets(given, expected) is equal


@pytest.mark.parametrize("bad", [1, ["key"], bytearray(b"key")])
def test_compare_secrets_refuses_other_types(bad: Any) -> None:
    with pytest.raises(TypeError, match="compares str or bytes"):
        compare_secrets(bad, "key")
    with pytest.raises(TypeError, match="the second is"):
        compare_secrets("key", bad)


def test_credentials_objects_hide_secrets_in_repr() -> None:
    credentials = HTTPBasicCredentials("ada", SECRET)
    assert repr(credentials) == "HTTPBasicCredentials(username='ada', password='***')"
    assert credentials.password == SECRET
    token = HTTPAuthorizationCredentials("Bearer", SECRET)
    assert repr(token) == "HTTPAuthorizationCredentials(scheme='Bearer', credentials='***')"
    assert SECRET not in repr(OAuth2PasswordRequestForm(username="ada", password=SECRET))


def test_no_credentials_in_logs_or_error_bodies(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    basic_scheme = HTTPBasic()
    bearer_scheme = HTTPBearer()
    oauth2 = OAuth2PasswordBearer(tokenUrl="token")
    key = APIKeyHeader(name="X-Key")
    app = secured_app(debug=False)

    @app.get("/basic")
    async def check_basic(
        credentials: Annotated[HTTPBasicCredentials, Depends(basic_scheme)],
    ) -> str:
        if not compare_secrets(credentials.password, "other"):
            raise HTTPException(401, "Incorrect username or password")
        return "never"

    @app.get("/bearer", security=[bearer_scheme, key])
    async def check_bearer(token: Annotated[str, Depends(oauth2)]) -> str:
        return "ok"

    @app.post("/token")
    async def token(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> str:
        return form.username

    attempts: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/basic", {"headers": {"Authorization": basic("ada", SECRET)}}),
        ("GET", "/basic", {"headers": {"Authorization": "Basic " + SECRET + "!"}}),
        ("GET", "/basic", {"headers": [("Authorization", basic("a", SECRET))] * 2}),
        ("GET", "/basic", {"headers": {"Authorization": basic("ada", SECRET + "\x00")}}),
        ("GET", "/bearer", {"headers": {"Authorization": f"Bearer {SECRET} {SECRET}"}}),
        ("GET", "/bearer", {"headers": {"Authorization": f"Bearer {SECRET}", "X-Key": ""}}),
        ("GET", "/bearer", {"headers": {"Authorization": f"Bearer {SECRET}" + "A" * 9000}}),
        ("GET", "/bearer", {"headers": {"Authorization": f"Bearer {SECRET}\u00e9".encode()}}),
        ("POST", "/token", {"data": {"password": SECRET}}),
        ("POST", "/token", {"data": {"username": "", "password": SECRET, "grant_type": SECRET}}),
        ("POST", "/token", {"json": {"password": SECRET}}),
    ]
    with TestClient(app) as client:
        for method, path, kwargs in attempts:
            response = client.request(method, path, **kwargs)
            assert 400 <= response.status_code < 500, (path, response.text)
            assert SECRET not in response.text, (path, kwargs)
            assert SECRET not in str(response.headers), (path, kwargs)
    assert SECRET not in caplog.text
