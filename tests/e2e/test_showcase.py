"""The showcase app (served by scripts/serve) works end to end."""

from __future__ import annotations

from collections.abc import Iterator
from types import ModuleType

import pytest
from openapi_spec_validator import validate
from starlette.testclient import TestClient

from ..conftest import load_module

KEY = {"X-API-Key": "dev-key"}
BOOK = {"title": "The Dispossessed", "author": "Ursula K. Le Guin", "year": 1974}


@pytest.fixture
def showcase() -> ModuleType:
    return load_module("examples/showcase/app.py")


@pytest.fixture
def client(showcase: ModuleType) -> Iterator[TestClient]:
    with TestClient(showcase.app) as test_client:
        yield test_client


def test_every_plugin_is_enabled(showcase: ModuleType):
    assert showcase.app.plugins == [
        "validation",
        "di",
        "security",
        "openapi",
        "swagger",
        "redoc",
        "scalar",
    ]


def test_reading_filtering_and_sorting(client: TestClient):
    books = client.get("/books").json()
    assert [b["title"] for b in books] == ["A Wizard of Earthsea", "Kindred", "Invisible Cities"]
    assert "internal_note" not in books[0]
    assert [b["year"] for b in client.get("/books?sort=year").json()] == [1968, 1972, 1979]
    assert [b["id"] for b in client.get("/books?q=butler").json()] == [2]
    assert [b["id"] for b in client.get("/books?tag=fantasy").json()] == [1]
    assert len(client.get("/books?limit=1&offset=1").json()) == 1
    assert client.get("/books/3").json()["title"] == "Invisible Cities"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/books/0", 422),
        ("/books/abc", 422),
        ("/books/999", 404),
        ("/books?limit=0", 422),
        ("/books?limit=101", 422),
        ("/books?sort=price", 422),
        ("/books?q=" + "x" * 51, 422),
    ],
)
def test_bad_reads_are_client_errors(client: TestClient, path: str, status: int):
    response = client.get(path)
    assert response.status_code == status
    assert "detail" in response.json()


def test_writes_need_the_api_key(client: TestClient):
    assert client.post("/books", json=BOOK).status_code == 401
    refused = client.post("/books", json=BOOK, headers={"X-API-Key": "wrong"})
    assert refused.status_code == 403
    assert "wrong" not in refused.text
    created = client.post("/books", json=BOOK, headers=KEY)
    assert created.status_code == 201
    book_id = created.json()["id"]
    changed = client.put(f"/books/{book_id}", json={**BOOK, "year": 1975}, headers=KEY)
    assert changed.json()["year"] == 1975
    assert client.delete(f"/books/{book_id}", headers=KEY).status_code == 204
    assert client.get(f"/books/{book_id}").status_code == 404


def test_invalid_bodies(client: TestClient):
    assert client.post("/books", json={**BOOK, "year": "soon"}, headers=KEY).status_code == 422
    assert (
        client.post(
            "/books", content=b"{", headers={**KEY, "content-type": "application/json"}
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/books", content=b"x", headers={**KEY, "content-type": "text/plain"}
        ).status_code
        == 415
    )


def test_cover_upload(client: TestClient):
    png = ("cover.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image/png")
    uploaded = client.put("/books/1/cover", files={"cover": png}, headers=KEY)
    assert uploaded.json() == {
        "book_id": 1,
        "filename": "cover.png",
        "content_type": "image/png",
        "size": 108,
    }
    text = ("notes.txt", b"hello", "text/plain")
    assert client.put("/books/1/cover", files={"cover": text}, headers=KEY).status_code == 415


def test_reviews_form(client: TestClient):
    assert (
        client.post("/books/2/reviews", data={"rating": "4", "text": "moving"}).status_code == 201
    )
    assert client.post("/books/2/reviews", data={"rating": "6"}).status_code == 422
    assert client.get("/books/2/reviews").json() == [{"rating": 4, "text": "moving"}]
    assert client.get("/books/2").json()["reviews"] == 1


def test_event_stream_replays_changes(client: TestClient):
    client.delete("/books/3", headers=KEY)
    stream = client.get("/events")
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert stream.text.count("event: added") == 3
    assert 'event: removed\nid: 4\ndata: {"id":3,"title":"Invisible Cities"}' in stream.text


def test_documents_and_docs_pages(client: TestClient):
    document = client.get("/openapi.json").json()
    validate(document)
    assert document["info"]["title"] == "Bookshelf"
    assert document["components"]["securitySchemes"]["APIKeyHeader"]["name"] == "X-API-Key"
    assert document["paths"]["/books"]["post"]["security"] == [{"APIKeyHeader": []}]
    assert "security" not in document["paths"]["/books"]["get"]
    for page in ("/docs", "/redoc", "/scalar"):
        response = client.get(page)
        assert response.status_code == 200
        assert "content-security-policy" in response.headers
