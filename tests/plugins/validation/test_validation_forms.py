"""Forms and files: fields, uploads, form models, limits, cleanup."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile as StarletteUploadFile

from pegboard import App, RouteDefinitionError
from pegboard.descriptions import BodyDescription
from pegboard.testing import TestClient
from pegboard_validation import File, Form, UploadFile, validation


class Login(BaseModel):
    username: str
    password: str = Field(min_length=3)
    remember: bool = False


class StrictLogin(BaseModel):
    model_config = {"extra": "forbid"}
    username: str


OPENED: list[StarletteUploadFile] = []


def test_url_encoded_form_fields(app: App) -> None:
    @app.post("/login")
    async def login(
        username: Annotated[str, Form()],
        age: Annotated[int, Form(ge=0)],
        tags: Annotated[list[str], Form()] = [],  # noqa: B006
        nickname: Annotated[str, Form()] = "anon",
    ) -> dict[str, object]:
        return {"username": username, "age": age, "tags": tags, "nickname": nickname}

    with TestClient(app) as client:
        response = client.post("/login", data={"username": "ann", "age": "30", "tags": ["a", "b"]})
        assert response.json() == {
            "username": "ann",
            "age": 30,
            "tags": ["a", "b"],
            "nickname": "anon",
        }
        # An empty field counts as not sent, as browsers submit "" for empty inputs.
        assert (
            client.post("/login", data={"username": "ann", "age": "1", "nickname": ""}).json()[
                "nickname"
            ]
            == "anon"
        )
        response = client.post("/login", data={"age": "-1"})
    assert response.status_code == 422
    assert [(e["loc"], e["type"]) for e in response.json()["detail"]] == [
        (["body", "username"], "missing"),
        (["body", "age"], "greater_than_equal"),
    ]


def test_a_form_model(app: App) -> None:
    @app.post("/login")
    async def login(data: Annotated[Login, Form()]) -> Login:
        return data

    @app.post("/strict")
    async def strict(data: Annotated[StrictLogin, Form()]) -> StrictLogin:
        return data

    with TestClient(app) as client:
        assert client.post("/login", data={"username": "a", "password": "pwd"}).json() == {
            "username": "a",
            "password": "pwd",
            "remember": False,
        }
        error = client.post("/login", data={"username": "a", "password": "x"}).json()["detail"][0]
        assert error["loc"] == ["body", "password"]
        error = client.post("/strict", data={"username": "a", "other": "x"}).json()["detail"][0]
    assert (error["loc"], error["type"]) == (["body", "other"], "extra_forbidden")


def test_an_optional_form_model(app: App) -> None:
    @app.post("/login")
    async def login(data: Annotated[Login | None, Form()] = None) -> Login | None:
        return data

    with TestClient(app) as client:
        assert client.post("/login", data={}).json() is None
        sent = client.post("/login", data={"username": "a", "password": "pwd"}).json()
        assert sent == {"username": "a", "password": "pwd", "remember": False}
        error = client.post("/login", data={"username": "a"}).json()["detail"][0]
        # A field sent empty still means the model was sent: its required fields fail.
        empty = client.post("/login", data={"username": ""}).json()["detail"]
    assert error["loc"] == ["body", "password"]
    assert [e["loc"] for e in empty] == [["body", "username"], ["body", "password"]]


def test_a_form_model_beside_other_form_fields_and_files(app: App) -> None:
    @app.post("/profile")
    async def profile(
        data: Annotated[StrictLogin, Form()],
        avatar: UploadFile,
        note: Annotated[str, Form()] = "",
    ) -> dict[str, object]:
        return {"data": data, "avatar": avatar.filename, "note": note}

    with TestClient(app) as client:
        files = {"avatar": ("me.png", b"png", "image/png")}
        sent = client.post("/profile", data={"username": "a", "note": "hi"}, files=files)
        # The other fields' keys are not extra keys of the extra="forbid" model.
        assert sent.json() == {"data": {"username": "a"}, "avatar": "me.png", "note": "hi"}
        missing = client.post("/profile", data={"username": "a"}).json()["detail"]
        assert [e["loc"] for e in missing] == [["body", "avatar"]]
    # Described as one form holding every field.
    compiled = app.routes[0].compiled
    assert compiled is not None
    [body] = [d for d in compiled.descriptions if isinstance(d, BodyDescription)]
    schema, definitions = body.content["multipart/form-data"].build()  # type: ignore[union-attr]
    properties = definitions[schema["$ref"].rsplit("/", 1)[1]]["properties"]
    assert list(properties) == ["username", "avatar", "note"]
    assert body.required is True


def test_a_form_field_also_read_by_the_form_model_is_an_error(app: App) -> None:
    @app.post("/login")
    async def login(data: Annotated[Login, Form()], username: Annotated[str, Form()]) -> None:
        raise AssertionError("not called")

    with pytest.raises(RouteDefinitionError, match=r"'username'.*Login.*reads too"):
        app.build()


class Preferences(BaseModel):
    model_config = {"extra": "forbid"}
    tags: list[str] = []
    username: str = "same key as Login's"


class Person(BaseModel):
    kind: Literal["person"]
    name: str
    nicknames: list[str] = []


class Company(BaseModel):
    kind: Literal["company"]
    name: str
    nicknames: str = ""


def test_several_form_models_each_read_their_fields_from_the_whole_form(app: App) -> None:
    @app.post("/login")
    async def login(
        data: Annotated[Login, Form()],
        preferences: Annotated[Preferences, Form()],
        token: Annotated[str, Form()],
    ) -> dict[str, object]:
        return {"data": data, "preferences": preferences, "token": token}

    with TestClient(app) as client:
        sent = {"username": "a", "password": "pwd", "tags": ["x", "y"], "token": "t"}
        # Both models read "username"; the other parameters' keys are not extra keys
        # of the extra="forbid" model.
        assert client.post("/login", data=sent).json() == {
            "data": {"username": "a", "password": "pwd", "remember": False},
            "preferences": {"tags": ["x", "y"], "username": "a"},
            "token": "t",
        }
        missing = client.post("/login", data={"username": "a", "token": "t"}).json()["detail"]
    assert [e["loc"] for e in missing] == [["body", "password"]]
    [body] = _body_descriptions(app)
    schema, definitions = body.content["application/x-www-form-urlencoded"].build()  # type: ignore[union-attr]
    own = definitions[schema["$ref"].rsplit("/", 1)[1]]
    assert list(own["properties"]) == ["token"]
    assert own["allOf"] == [
        {"$ref": "#/components/schemas/Login"},
        {"$ref": "#/components/schemas/Preferences"},
    ]


def test_a_discriminated_union_of_form_models(app: App) -> None:
    @app.post("/contacts")
    async def contact(
        who: Annotated[Person | Company | None, Form(discriminator="kind")] = None,
    ) -> Person | Company | None:
        return who

    with TestClient(app) as client:
        assert client.post("/contacts", data={}).json() is None
        person = {"kind": "person", "name": "Rick", "nicknames": ["r", "ricky"]}
        assert client.post("/contacts", data=person).json() == person
        # A key one member reads as a list and another as one value: each gets its shape.
        company = {"kind": "company", "name": "Acme", "nicknames": "acme"}
        assert client.post("/contacts", data=company).json() == company
        errors = [
            client.post("/contacts", data=data).json()["detail"][0]
            for data in ({"kind": "company"}, {"name": "Rick"}, {"kind": "robot"})
        ]
    assert [(e["loc"], e["type"]) for e in errors] == [
        (["body", "company", "name"], "missing"),
        (["body"], "union_tag_not_found"),
        (["body"], "union_tag_invalid"),
    ]
    [body] = _body_descriptions(app)
    schema, _ = body.content["application/x-www-form-urlencoded"].build()  # type: ignore[union-attr]
    assert schema["anyOf"][0]["discriminator"]["propertyName"] == "kind"


def test_a_required_union_of_form_models_reports_the_missing_tag(app: App) -> None:
    @app.post("/contacts")
    async def contact(
        who: Annotated[Person | Company, Form(discriminator="kind")],
        token: Annotated[str, Form()],
    ) -> dict[str, object]:
        return {"who": who, "token": token}

    with TestClient(app) as client:
        sent = client.post("/contacts", data={"kind": "person", "name": "R", "token": "t"})
        assert sent.json() == {
            "who": {"kind": "person", "name": "R", "nicknames": []},
            "token": "t",
        }
        error = client.post("/contacts", data={"token": "t"}).json()["detail"][0]
    assert (error["loc"], error["type"]) == (["body"], "union_tag_not_found")


def _body_descriptions(app: App) -> list[BodyDescription]:
    compiled = app.routes[0].compiled
    assert compiled is not None
    return [d for d in compiled.descriptions if isinstance(d, BodyDescription)]


def test_files_as_upload_file_and_bytes(app: App) -> None:
    @app.post("/upload")
    async def upload(
        doc: UploadFile,
        raw: Annotated[bytes, File()],
        title: Annotated[str, Form()],
        extras: Annotated[list[UploadFile], File()] = [],  # noqa: B006
    ) -> dict[str, object]:
        return {
            "doc": [doc.filename, doc.content_type, (await doc.read()).decode()],
            "raw": raw.decode(),
            "title": title,
            "extras": [f.filename for f in extras],
        }

    files = [
        ("doc", ("a.txt", b"hello", "text/plain")),
        ("raw", ("b.bin", b"\x00bytes")),
        ("extras", ("c", b"1")),
        ("extras", ("d", b"2")),
    ]
    with TestClient(app) as client:
        assert client.post("/upload", data={"title": "t"}, files=files).json() == {
            "doc": ["a.txt", "text/plain", "hello"],
            "raw": "\x00bytes",
            "title": "t",
            "extras": ["c", "d"],
        }
        response = client.post(
            "/upload", data={"title": "t", "doc": "not a file"}, files=[("raw", ("b", b"x"))]
        )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "doc"]
    assert response.json()["detail"][0]["type"] == "file_type"


def test_starlette_upload_file_annotation_works_too(app: App) -> None:
    @app.post("/upload")
    async def upload(doc: StarletteUploadFile) -> dict[str, str | None]:
        return {"name": doc.filename}

    with TestClient(app) as client:
        assert client.post("/upload", files={"doc": ("a.txt", b"x")}).json() == {"name": "a.txt"}


def test_an_empty_file_input_counts_as_missing(app: App) -> None:
    @app.post("/upload")
    async def upload(doc: UploadFile | None = None) -> dict[str, bool]:
        return {"sent": doc is not None}

    with TestClient(app) as client:
        assert client.post("/upload", files={"doc": ("", b"")}).json() == {"sent": False}
        assert client.post("/upload", files={"doc": ("a", b"x")}).json() == {"sent": True}


def test_uploaded_files_are_closed_after_the_response(app: App) -> None:
    OPENED.clear()

    @app.post("/upload")
    async def upload(doc: UploadFile) -> dict[str, bool]:
        OPENED.append(doc)
        return {"closed": doc.file.closed}

    with TestClient(app) as client:
        assert client.post("/upload", files={"doc": ("a.txt", b"x" * 10)}).json() == {
            "closed": False
        }
    assert OPENED[0].file.closed


def test_too_many_fields_or_files_and_huge_parts_are_refused(serve: Any) -> None:
    app = App(plugins=[validation(max_form_fields=3, max_form_files=1, max_form_part_size=100)])

    @app.post("/form")
    async def form(
        f: Annotated[list[UploadFile], File(default_factory=list)],
        a: Annotated[str, Form()] = "",
    ) -> dict[str, int]:
        return {"files": len(f)}

    client = serve(app)
    assert client.post("/form", data={"a": "x"}).status_code == 200
    too_many = client.post("/form", data={f"k{i}": "v" for i in range(10)})
    assert too_many.status_code == 400
    assert "Too many fields" in too_many.json()["detail"]
    multipart_many = client.post(
        "/form", data={f"k{i}": "v" for i in range(10)}, files={"f": ("a", b"x")}
    )
    assert multipart_many.status_code == 400
    files = client.post("/form", files=[("f", ("a", b"1")), ("f", ("b", b"2"))])
    assert files.status_code == 400
    assert "Too many files" in files.json()["detail"]
    huge = client.post("/form", data={"a": "x" * 1000}, files={"f": ("a", b"x")})
    assert huge.status_code == 400
    assert "exceeded maximum size" in huge.json()["detail"]
    huge_urlencoded = client.post("/form", data={"a": "x" * 1000})
    assert huge_urlencoded.status_code == 400


def test_the_body_size_limit_bounds_uploads(serve: Any) -> None:
    app = App(plugins=[validation()], max_body_size=1000)

    @app.post("/upload")
    async def upload(doc: UploadFile) -> None:
        raise AssertionError("not called")

    client = serve(app)
    assert client.post("/upload", files={"doc": ("a", b"x" * 5000)}).status_code == 413


def test_a_form_route_refuses_other_content_types(serve: Any, app: App) -> None:
    @app.post("/login")
    async def login(username: Annotated[str, Form()]) -> None:
        raise AssertionError("not called")

    client = serve(app)
    response = client.post("/login", json={"username": "a"})
    assert response.status_code == 415
    assert "multipart/form-data" in response.json()["detail"]
    assert client.post("/login").status_code == 422  # no body: the field is missing


def test_a_form_route_can_read_other_content_types_as_an_empty_form(serve: Any) -> None:
    app = App(plugins=[validation(wrong_content_type="validate")])

    @app.post("/login")
    async def login(
        username: Annotated[str, Form()], note: Annotated[str, Form()] = "none"
    ) -> dict[str, str]:
        return {"username": username, "note": note}

    client = serve(app)
    response = client.post("/login", json={"username": "a"})
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"type": "missing", "loc": ["body", "username"], "msg": "Field required", "input": None}
    ]
    assert client.post("/login", data={"username": "a"}).json() == {"username": "a", "note": "none"}


def test_malformed_multipart_is_400(serve: Any, app: App) -> None:
    @app.post("/upload")
    async def upload(doc: UploadFile) -> None:
        raise AssertionError("not called")

    client = serve(app)
    no_boundary = client.post(
        "/upload", content=b"--x\r\n", headers={"content-type": "multipart/form-data"}
    )
    assert no_boundary.status_code == 400


def test_a_file_where_a_plain_field_is_expected_is_named_in_the_422(serve: Any, app: App) -> None:
    # The error's input used to be the UploadFile itself, which the 422 could not
    # encode (a 500); now it is summarized, and the file's content never echoed.
    @app.post("/rate")
    async def rate(
        stars: Annotated[int, Form()],
        photos: Annotated[list[UploadFile], File(max_length=1)] = [],  # noqa: B006
    ) -> int:
        raise AssertionError("not called")

    client = serve(app)
    response = client.post(
        "/rate",
        files=[
            ("stars", ("s.txt", b"secret content", "text/plain")),
            ("photos", ("a.png", b"a", "image/png")),
            ("photos", ("b.png", b"bb", "image/png")),
        ],
    )
    assert response.status_code == 422
    assert "secret content" not in response.text
    errors = {error["loc"][1]: error["input"] for error in response.json()["detail"]}
    assert errors["stars"] == {"filename": "s.txt", "content_type": "text/plain", "size": 14}
    assert errors["photos"] == [
        {"filename": "a.png", "content_type": "image/png", "size": 1},
        {"filename": "b.png", "content_type": "image/png", "size": 2},
    ]
