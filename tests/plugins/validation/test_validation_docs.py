"""The validation pages: every sample runs and does what docs/plugins/validation*.md say."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from pegboard.testing import TestClient

ROOT = Path(__file__).resolve().parents[3]
PAGES = sorted((ROOT / "docs/plugins").glob("validation*.md"))
SAMPLES = ROOT / "docs/src/validation"

Load = Callable[[str], ModuleType]


def client_for(module: ModuleType) -> TestClient:
    return TestClient(module.app, raise_server_exceptions=False)


def test_pages_and_samples_stay_in_step() -> None:
    assert PAGES, "no docs/plugins/validation*.md page"
    included = [s for page in PAGES for s in re.findall(r'--8<-- "([^"]+)"', page.read_text())]
    this_file = Path(__file__).read_text()
    for sample in included:
        assert (ROOT / sample).is_file(), sample
    for path in sorted(SAMPLES.glob("*.py")):
        relative = str(path.relative_to(ROOT))
        assert relative in included, f"{relative} is on no page"
        assert relative in this_file, f"{relative} is not exercised here"
    for page in PAGES:
        for block in re.findall(r"```python[^\n]*\n(.*?)```", page.read_text(), flags=re.S):
            assert block.strip().startswith("--8<--"), f"{page.name}: inline Python {block[:60]!r}"


def test_first_steps(load_sample: Load) -> None:
    mod = load_sample("docs/src/validation/first_steps.py")
    with client_for(mod) as client:
        response = client.get("/items/3?q=hi", headers={"x-token": "t"})
        assert response.json() == {"item_id": 3, "q": "hi", "limit": 10, "token": "t"}
        assert client.get("/items/0").json()["detail"][0]["loc"] == ["path", "item_id"]
        assert client.get("/items/1?limit=0").json()["detail"][0]["loc"] == ["query", "limit"]
        created = client.post("/items", json={"name": "nail", "price": 0.1, "tags": ["x"]})
        assert created.status_code == 201
        assert created.json() == {"id": 1, "name": "nail", "price": 0.1}
        assert client.post("/items", json={"name": "nail", "price": 0}).status_code == 422


def test_query_parameters(load_sample: Load) -> None:
    mod = load_sample("docs/src/validation/query_params.py")
    with client_for(mod) as client:
        assert client.get("/search?q=hammer").json() == {
            "q": "hammer",
            "page": 1,
            "sort": "newest",
            "fmt": "json",
            "since": None,
            "owner": None,
            "tag": [],
            "item_query": None,
            "old": False,
        }
        full = client.get(
            "/search?q=hammer&page=2&sort=cheapest&fmt=csv&since=2030-01-31"
            "&owner=00000000-0000-0000-0000-000000000001&tag=a&tag=b&item-query=x&old=true"
        ).json()
        assert full["sort"] == "cheapest"
        assert full["since"] == "2030-01-31"
        assert full["tag"] == ["a", "b"]
        assert full["item_query"] == "x"
        errors = client.get("/search?q=a&page=0&sort=random&fmt=xml").json()["detail"]
    assert [e["loc"][1] for e in errors] == ["q", "page", "sort", "fmt"]


def test_headers_and_cookies(load_sample: Load) -> None:
    mod = load_sample("docs/src/validation/headers_cookies.py")
    with client_for(mod) as client:
        client.cookies.set("session", "s1")
        response = client.get(
            "/whoami", headers=[("x-request-id", "7"), ("x-tag", "a"), ("x-tag", "b")]
        )
        assert response.json() == {
            "agent": "testclient",
            "request_id": 7,
            "tags": ["a", "b"],
            "session": "s1",
        }
        error = client.get("/whoami", headers={"x-request-id": "seven"}).json()["detail"][0]
    assert error["loc"] == ["header", "x-request-id"]


def test_parameter_models(load_sample: Load) -> None:
    mod = load_sample("docs/src/validation/param_models.py")
    with client_for(mod) as client:
        client.cookies.set("theme", "dark")
        response = client.get("/items?limit=5&tags=a&tags=b", headers={"x-api-version": "2"})
        assert response.json() == {
            "paging": {"limit": 5, "offset": 0, "order": "asc", "tags": ["a", "b"]},
            "client": {"x_api_version": 2, "x_trace": []},
            "prefs": {"theme": "dark", "lang": "en"},
        }
        unknown = client.get("/items?limit=5&color=red").json()["detail"][0]
        assert (unknown["type"], unknown["loc"]) == ("extra_forbidden", ["query", "color"])
        assert client.get("/items?limit=500").json()["detail"][0]["loc"] == ["query", "limit"]
        assert client.get("/webhook").json() == {"signed": None}
        signed = client.get("/webhook", headers={"x-signature": "abc", "x-timestamp": "1"})
        assert signed.json() == {"signed": {"x_signature": "abc", "x_timestamp": 1}}
        partial = client.get("/webhook", headers={"x-signature": "abc"}).json()["detail"]
        assert [e["loc"] for e in partial] == [["header", "x-timestamp"]]


def test_bodies(load_sample: Load) -> None:
    mod = load_sample("docs/src/validation/bodies.py")
    item = {"name": "hammer", "price": 9.5}
    with client_for(mod) as client:
        assert client.post("/items", json=item).json() == item
        payload = {"item": item, "user": {"username": "ann"}, "importance": 5}
        assert client.put("/items/3", json=payload).json() == {"item_id": 3, **payload}
        assert client.post("/wrapped", json={"item": item}).json() == item
        assert client.post("/wrapped", json=item).json()["detail"][0]["loc"] == ["body", "item"]


def test_body_types(load_sample: Load) -> None:
    mod = load_sample("docs/src/validation/body_types.py")
    with client_for(mod) as client:
        assert client.post("/points", json=[{"x": 1}, {"x": 2, "y": 3}]).json() == {"sum_x": 3.0}
        assert client.post("/movies", json={"title": "M", "year": 1999}).json() == {
            "title": "M",
            "year": 1999,
        }
        assert client.post("/books", json={"title": "T"}).json() == {"title": "T", "pages": 1}
        assert client.post("/books", json={"title": ""}).status_code == 422
        assert client.post("/stock", json={"a": 1, "b": 2}).json() == {"total": 3}


def test_forms_and_files(load_sample: Load) -> None:
    mod = load_sample("docs/src/validation/forms.py")
    with client_for(mod) as client:
        login = client.post("/login", data={"username": "ann", "password": "long enough"})
        assert login.json() == {"username": "ann", "remember": False}
        short = client.post("/login", data={"username": "ann", "password": "short"})
        assert short.json()["detail"][0]["loc"] == ["body", "password"]
        files = [
            ("photo", ("cat.jpg", b"\xff\xd8 jpeg", "image/jpeg")),
            ("thumbnail", ("t.jpg", b"tiny")),
            ("extras", ("a.txt", b"a")),
        ]
        response = client.post("/photos", data={"caption": "a cat"}, files=files)
        assert response.json() == {
            "filename": "cat.jpg",
            "content_type": "image/jpeg",
            "size": 7,
            "caption": "a cat",
            "thumbnail": 4,
            "extras": ["a.txt"],
        }
        assert client.post("/photos", data={"caption": "no photo"}).json()["detail"][0]["loc"] == [
            "body",
            "photo",
        ]
        assert client.post("/login", json={"username": "ann"}).status_code == 415


def test_form_model(load_sample: Load) -> None:
    mod = load_sample("docs/src/validation/form_model.py")
    with client_for(mod) as client:
        ok = client.post("/signup", data={"email": "a@b", "password": "12345678"})
        assert ok.json() == {"email": "a@b", "newsletter": False}
        extra = client.post("/signup", data={"email": "a@b", "password": "12345678", "admin": "1"})
        assert extra.json()["detail"][0]["type"] == "extra_forbidden"
        files = {"avatar": ("me.png", b"png", "image/png")}
        made = client.post("/profiles", data={"name": "Ann", "age": "7"}, files=files)
        assert made.json() == {
            "profile": {"name": "Ann", "age": 7},
            "avatar": "me.png",
            "token": None,
        }
        no_file = client.post("/profiles", data={"name": "Ann", "age": "7"}).json()["detail"]
        assert [e["loc"] for e in no_file] == [["body", "avatar"]]


def test_aliases(load_sample: Load) -> None:
    mod = load_sample("docs/src/validation/aliases.py")
    with client_for(mod) as client:
        assert client.get("/search?search=pegs").json() == {"q": "pegs"}
        assert client.get("/search?q=pegs").json() == {"q": "pegs"}
        assert client.get("/search").json()["detail"][0]["loc"] == ["query", "q"]
        assert client.get("/items?page_size=5").json() == {"limit": 5}


def test_form_unions(load_sample: Load) -> None:
    mod = load_sample("docs/src/validation/form_unions.py")
    with client_for(mod) as client:
        sent = {"kind": "company", "company_name": "Acme", "tags": ["a", "b"], "token": "t"}
        assert client.post("/contacts", data=sent).json() == {
            "contact": {"kind": "company", "company_name": "Acme"},
            "preferences": {"tags": ["a", "b"]},
            "token": "t",
        }
        person = client.post("/contacts", data={"kind": "person", "token": "t"})
        assert person.json()["detail"][0]["loc"] == ["body", "person", "name"]
        untagged = client.post("/contacts", data={"name": "Rick", "token": "t"})
        assert untagged.json()["detail"][0]["type"] == "union_tag_not_found"


def test_wrong_content_type(load_sample: Load) -> None:
    mod = load_sample("docs/src/validation/wrong_content_type.py")
    with client_for(mod) as client:
        text = client.post(
            "/items", content='{"name": "a"}', headers={"content-type": "text/plain"}
        )
        assert text.status_code == 422
        assert text.json()["detail"][0]["type"] == "model_attributes_type"
        assert client.post("/items", json={"name": "a"}).json() == {"name": "a"}
        json_form = client.post("/login", json={"username": "a"})
        assert json_form.status_code == 422
        assert json_form.json()["detail"][0]["loc"] == ["body", "username"]


def test_form_limits(load_sample: Load) -> None:
    mod = load_sample("docs/src/validation/form_limits.py")
    with client_for(mod) as client:
        ok = client.post("/documents", files={"document": ("a.pdf", b"%PDF" * 100)})
        assert ok.json() == {"filename": "a.pdf", "size": 400}
        files = [("document", (f"{i}.pdf", b"x")) for i in range(6)]
        too_many = client.post("/documents", files=files)
        assert too_many.status_code == 400
        assert too_many.json() == {"detail": "Too many files. Maximum number of files is 5."}
        huge = client.post(
            "/documents", data={"note": "x" * 70_000}, files={"document": ("a", b"x")}
        )
        assert huge.status_code == 400


def test_response_models(load_sample: Load) -> None:
    mod = load_sample("docs/src/validation/responses.py")
    with client_for(mod) as client:
        created = client.post(
            "/users", json={"username": "ann", "password": "pw", "fullName": "Ann"}
        )
        assert created.status_code == 201
        assert created.json() == {"username": "ann", "fullName": "Ann"}
        assert client.get("/users/bob").json() == {"username": "bob", "full_name": "Bob"}
        assert client.patch("/settings", json={"font_size": 14}).json() == {"font_size": 14}
        assert client.get("/raw").json() == {"anything": "goes"}


def test_streams(load_sample: Load) -> None:
    mod = load_sample("docs/src/validation/streams.py")
    with client_for(mod) as client:
        lines = client.get("/ticks")
        assert lines.headers["content-type"] == "application/jsonl"
        assert lines.text.splitlines() == [
            '{"n":0,"label":"tick 0"}',
            '{"n":1,"label":"tick 1"}',
            '{"n":2,"label":"tick 2"}',
        ]
        events = client.get("/events")
    assert events.text == 'data: {"n":1,"label":"dicts are validated too"}\n\n'


def test_response_errors(load_sample: Load, caplog: pytest.LogCaptureFixture) -> None:
    mod = load_sample("docs/src/validation/response_errors.py")
    with client_for(mod) as client, caplog.at_level(logging.ERROR, logger="pegboard_validation"):
        response = client.get("/items/1")
    assert response.status_code == 500
    assert response.json() == {"detail": "Internal Server Error"}
    assert (
        "The response of GET /items/{item_id} does not match its response model Item" in caplog.text
    )


def test_custom_error_handler(load_sample: Load) -> None:
    mod = load_sample("docs/src/validation/custom_errors.py")
    with client_for(mod) as client:
        old = client.post("/v1/items", json={"name": "a"})
        assert old.status_code == 400
        assert old.json() == {"errors": ["body.price: Field required"], "received": {"name": "a"}}
        new = client.post("/v2/items", json={"name": "a"})
        assert new.status_code == 422
        assert new.json()["detail"][0]["loc"] == ["body", "price"]


def test_problem_details(load_sample: Load) -> None:
    mod = load_sample("docs/src/validation/problem_details.py")
    with client_for(mod) as client:
        response = client.post("/items?limit=50", json={"name": "a", "price": "free"})
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json() == {
            "type": "about:blank",
            "title": "Unprocessable Content",
            "status": 422,
            "detail": "The request has 2 invalid value(s).",
            "instance": "/items",
            "errors": [
                {
                    "code": "float_parsing",
                    "detail": "Input should be a valid number, unable to parse string as a number",
                    "pointer": "#/price",
                },
                {
                    "code": "less_than_equal",
                    "detail": "Input should be less than or equal to 10",
                    "in": "query",
                    "parameter": "limit",
                },
            ],
        }
        missing = client.get("/items/1")
    assert missing.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "No item with this id",
        "instance": "/items/1",
    }


def test_problem_details_handler(load_sample: Load) -> None:
    mod = load_sample("docs/src/validation/problem_details_handler.py")
    with client_for(mod) as client:
        invalid = client.get("/items/x")
        assert invalid.headers["content-type"] == "application/problem+json"
        assert invalid.json()["errors"][0]["parameter"] == "item_id"
        assert client.get("/items/101").json() == {"detail": "No item with this id"}


def test_porting(load_sample: Load) -> None:
    mod = load_sample("docs/src/validation/porting.py")
    with client_for(mod) as client:
        client.cookies.set("ads_id", "ad")
        assert client.get("/items/3?q=x").json() == {
            "item_id": 3,
            "q": "x",
            "ads_id": "ad",
            "user_agent": "testclient",
        }
        payload: dict[str, Any] = {"item": {"name": "n", "price": 1}, "importance": 2}
        assert client.put("/items/3", json=payload).json() == {"name": "n"}
        files = {"file": ("a", b"abc"), "fileb": ("b.txt", b"x", "text/plain")}
        assert client.post("/files", data={"token": "t"}, files=files).json() == {
            "file_size": 3,
            "token": "t",
            "fileb_content_type": "text/plain",
        }
        assert client.get("/items/0").status_code == 422
