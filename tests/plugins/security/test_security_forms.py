"""OAuth2PasswordRequestForm: parsed by the plugin, the same with or without validation."""

from typing import Annotated, Any

import pytest
from starlette.testclient import TestClient

from pegboard import App
from pegboard_di import Depends, di
from pegboard_security import (
    OAuth2PasswordRequestForm,
    OAuth2PasswordRequestFormStrict,
    security,
)
from pegboard_security.forms import MAX_FORM_FIELD_SIZE, MAX_FORM_FIELDS
from pegboard_validation import validation

from .helpers import secured_app

PASSWORD = "hunter2-is-my-password"


def form_app(*plugins: object) -> App:
    app = secured_app(*plugins)

    @app.post("/token")
    async def token(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> dict[str, Any]:
        return {
            "grant_type": form.grant_type,
            "username": form.username,
            "password_length": len(form.password),
            "scopes": form.scopes,
            "client_id": form.client_id,
            "client_secret": form.client_secret is not None,
        }

    @app.post("/strict")
    async def strict(form: Annotated[OAuth2PasswordRequestFormStrict, Depends()]) -> str:
        return form.username

    return app


URLENCODED = {"content-type": "application/x-www-form-urlencoded"}
CREDENTIALS = {"username": "ada", "password": PASSWORD}


def missing(*fields: str) -> tuple[int, Any]:
    errors = [
        {"type": "missing", "loc": ["body", f], "msg": "Field required", "input": None}
        for f in fields
    ]
    return 422, {"detail": errors}


def mismatch(field: str, pattern: str) -> tuple[int, Any]:
    error = {
        "type": "string_pattern_mismatch",
        "loc": ["body", field],
        "msg": f"String should match pattern '{pattern}'",
        "input": None,  # never echoed: a client may type its password anywhere
        "ctx": {"pattern": pattern},
    }
    return 422, {"detail": [error]}


def accepted(**changes: Any) -> tuple[int, Any]:
    fields = {
        "grant_type": None,
        "username": "ada",
        "password_length": len(PASSWORD),
        "scopes": [],
        "client_id": None,
        "client_secret": False,
    }
    return 200, {**fields, **changes}


def refused(status: int, detail: str) -> tuple[int, Any]:
    return status, {"detail": detail}


UNSUPPORTED = (
    "Unsupported Media Type: expected multipart/form-data or "
    "application/x-www-form-urlencoded, got {!r}."
)

# (path, keyword arguments of client.post, the expected status and body)
CASES: list[tuple[str, dict[str, Any], tuple[int, Any]]] = [
    ("/token", {"data": CREDENTIALS}, accepted()),
    (
        "/token",
        {
            "data": {
                **CREDENTIALS,
                "scope": "me  items",
                "grant_type": "password",
                "client_id": "cli",
                "client_secret": "shh",
            }
        },
        accepted(
            grant_type="password", scopes=["me", "items"], client_id="cli", client_secret=True
        ),
    ),
    (
        "/token",
        {"data": CREDENTIALS, "files": {"note": ("n.txt", b"x")}},
        refused(400, "Too many files. Maximum number of files is 0."),
    ),
    ("/token", {"files": {k: (None, v) for k, v in CREDENTIALS.items()}}, accepted()),
    ("/token", {"data": {}}, missing("username", "password")),
    ("/token", {"data": {"username": "", "password": ""}}, missing("username", "password")),
    ("/token", {"data": {"password": PASSWORD}}, missing("username")),
    (
        "/token",
        {"data": {**CREDENTIALS, "grant_type": "client_credentials"}},
        mismatch("grant_type", "^password$"),
    ),
    ("/token", {"json": CREDENTIALS}, refused(415, UNSUPPORTED.format("application/json"))),
    (
        "/token",
        {"content": b"username=ada&password=x", "headers": {"content-type": "text/plain"}},
        refused(415, UNSUPPORTED.format("text/plain")),
    ),
    # No content type at all reads as an empty form.
    ("/token", {"content": b"username=ada&password=x"}, missing("username", "password")),
    # A broken multipart body reads as an empty form too; one without a boundary is a 400.
    (
        "/token",
        {
            "content": b"--x\r\ngarbage",
            "headers": {"content-type": "multipart/form-data; boundary=x"},
        },
        missing("username", "password"),
    ),
    (
        "/token",
        {"content": b"--x\r\ngarbage", "headers": {"content-type": "multipart/form-data"}},
        refused(400, "Missing boundary in multipart."),
    ),
    (
        "/token",
        {
            "content": "&".join(f"f{i}=v" for i in range(MAX_FORM_FIELDS + 1)).encode(),
            "headers": URLENCODED,
        },
        refused(400, f"Too many fields. Maximum number of fields is {MAX_FORM_FIELDS}."),
    ),
    (
        "/token",
        {"data": {"username": "ada", "password": "p" * (MAX_FORM_FIELD_SIZE + 1)}},
        refused(400, "Field exceeded maximum size of 16KB."),
    ),
    (
        "/token",
        {"content": b"username=%FF%FE&password=%C3", "headers": URLENCODED},
        accepted(username="\ufffd\ufffd", password_length=1),
    ),
    ("/strict", {"data": CREDENTIALS}, missing("grant_type")),
    ("/strict", {"data": {**CREDENTIALS, "grant_type": "password"}}, (200, "ada")),
    (
        "/strict",
        {"data": {**CREDENTIALS, "grant_type": "refresh_token"}},
        mismatch("grant_type", "^password$"),
    ),
]


def run_all(app: App) -> list[tuple[int, Any]]:
    results = []
    with TestClient(app) as client:
        for path, kwargs, _ in CASES:
            response = client.post(path, **kwargs)
            assert PASSWORD not in response.text
            results.append((response.status_code, response.json()))
    return results


@pytest.mark.parametrize("with_validation", [False, True], ids=["alone", "with-validation"])
def test_each_request_gets_the_expected_answer(with_validation: bool) -> None:
    app = form_app(validation()) if with_validation else form_app()
    for (path, kwargs, expected), got in zip(CASES, run_all(app), strict=True):
        assert got == expected, (path, kwargs)


def test_the_answers_are_identical_with_and_without_the_validation_plugin() -> None:
    assert run_all(form_app()) == run_all(form_app(validation()))


def test_the_secrets_are_never_echoed() -> None:
    app = form_app()
    with TestClient(app) as client:
        response = client.post(
            "/strict", data={"grant_type": "password", "password": PASSWORD, "client_secret": "shh"}
        )
    assert response.status_code == 422
    assert PASSWORD not in response.text
    assert "shh" not in response.text


def test_the_form_repr_hides_the_secrets() -> None:
    form = OAuth2PasswordRequestForm(username="ada", password=PASSWORD, client_secret="shh")
    text = repr(form)
    assert PASSWORD not in text
    assert "shh" not in text
    assert "username='ada'" in text
    assert "client_secret=None" in repr(OAuth2PasswordRequestForm(username="a", password="b"))


def test_the_form_can_be_built_directly_for_tests() -> None:
    form = OAuth2PasswordRequestFormStrict(
        grant_type="password", username="ada", password="pw", scope="a b"
    )
    assert (form.username, form.password, form.scopes) == ("ada", "pw", ["a", "b"])


def test_a_form_field_read_by_the_validation_plugin_on_the_same_route_shares_the_form() -> None:
    from pegboard_validation import Form

    app = secured_app(validation())

    @app.post("/token")
    async def token(
        form: Annotated[OAuth2PasswordRequestForm, Depends()],
        otp: Annotated[str, Form()],
    ) -> list[str]:
        return [form.username, otp]

    with TestClient(app) as client:
        response = client.post("/token", data={"username": "ada", "password": "pw", "otp": "123"})
        assert response.json() == ["ada", "123"]
        response = client.post("/token", data={"password": "pw"})
        assert response.status_code == 422
        assert [e["loc"] for e in response.json()["detail"]] == [
            ["body", "username"],
            ["body", "otp"],
        ]


def test_a_file_where_a_field_belongs_is_a_422_when_another_plugin_parsed_the_form() -> None:
    from pegboard_validation import File, UploadFile

    app = secured_app(validation())

    @app.post("/token")
    async def token(
        avatar: Annotated[UploadFile, File()],
        form: Annotated[OAuth2PasswordRequestForm, Depends()],
    ) -> str:
        return form.username

    with TestClient(app) as client:
        response = client.post(
            "/token",
            data={"password": PASSWORD},
            files={"avatar": ("a.png", b"png"), "username": ("u.txt", b"ada")},
        )
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "type": "string_type",
            "loc": ["body", "username"],
            "msg": "Input should be a valid string",
            "input": None,
        }
    ]


def test_fastapi_compatible_reads_another_content_type_as_an_empty_form() -> None:
    app = App(plugins=[di(), security(fastapi_compatible=True)])

    @app.post("/token")
    async def token(form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> str:
        return form.username

    with TestClient(app) as client:
        response = client.post("/token", json=CREDENTIALS)
        assert client.post("/token", data=CREDENTIALS).json() == "ada"
    assert (response.status_code, response.json()) == missing("username", "password")
