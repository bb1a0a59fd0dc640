"""Every "Bad input" case of the plugin's issue, against one app: always a 4xx, never a 500.

The cases are also covered, in more detail, by the module of the feature they concern.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field

from pegboard import App
from pegboard.testing import TestClient
from pegboard_validation import File, Form, Header, Path, Query, UploadFile, validation


class Owner(BaseModel):
    name: str
    email: str


class Item(BaseModel):
    name: str = Field(max_length=50)
    price: float = Field(gt=0)
    owner: Owner


def build() -> App:
    app = App(
        plugins=[validation(max_form_fields=5, max_form_files=2, max_form_part_size=1024)],
        max_body_size=64 * 1024,
    )

    @app.get("/items/{item_id}")
    async def read(
        item_id: Annotated[int, Path(ge=1)],
        limit: Annotated[int, Query(ge=1, le=100)] = 10,
        x_token: Annotated[str, Header()] = "",
    ) -> dict[str, int]:
        return {"item_id": item_id, "limit": limit}

    @app.get("/secret")
    async def secret(x_token: Annotated[str, Header()]) -> dict[str, str]:
        return {"token": x_token}

    @app.post("/items")
    async def create(item: Item) -> Item:
        return item

    @app.post("/upload")
    async def upload(
        note: Annotated[str, Form()] = "",
        files: Annotated[list[UploadFile], File()] = [],  # noqa: B006
    ) -> dict[str, int]:
        return {"files": len(files)}

    return app


@pytest.fixture(scope="module")
def client() -> Any:
    with TestClient(build(), raise_server_exceptions=False) as test_client:
        yield test_client


JSON = {"content-type": "application/json"}
ITEM = {"name": "a", "price": 1, "owner": {"name": "b", "email": "c"}}
BOUNDARY = "b0undary"


def multipart(parts: int, size: int = 1) -> tuple[bytes, dict[str, str]]:
    chunks = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="f{i}"\r\n\r\n{"x" * size}\r\n'
        for i in range(parts)
    ]
    body = ("".join(chunks) + f"--{BOUNDARY}--\r\n").encode()
    return body, {"content-type": f"multipart/form-data; boundary={BOUNDARY}"}


CASES: list[tuple[str, str, str, dict[str, Any], int]] = [
    ("non-integer path id", "GET", "/items/abc", {}, 422),
    ("out-of-range query", "GET", "/items/1?limit=1000", {}, 422),
    ("missing required header", "GET", "/secret", {}, 422),
    ("JSON that is not JSON", "POST", "/items", {"content": b"{oops", "headers": JSON}, 422),
    (
        "JSON with the wrong shape",
        "POST",
        "/items",
        {"content": b'{"name": []}', "headers": JSON},
        422,
    ),
    (
        "deeply nested JSON",
        "POST",
        "/items",
        {"content": b"[" * 10_000 + b"]" * 10_000, "headers": JSON},
        422,
    ),
    (
        "body over the size limit",
        "POST",
        "/items",
        {"content": json.dumps({**ITEM, "name": "x" * 100_000}), "headers": JSON},
        413,
    ),
    ("invalid UTF-8", "POST", "/items", {"content": b'{"name": "\xc3\x28"}', "headers": JSON}, 422),
    (
        "unknown Content-Type",
        "POST",
        "/items",
        {"content": json.dumps(ITEM), "headers": {"content-type": "text/csv"}},
        415,
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_is_refused_with_a_4xx(
    client: TestClient, method: str, path: str, kwargs: dict[str, Any], status: int
) -> None:
    response = client.request(method, path, **kwargs)
    assert response.status_code == status
    assert "detail" in response.json()


def test_multipart_with_a_huge_field_is_400(client: TestClient) -> None:
    body, headers = multipart(1, size=10_000)
    response = client.post("/upload", content=body, headers=headers)
    assert response.status_code == 400
    assert "exceeded maximum size" in response.json()["detail"]


def test_multipart_with_too_many_parts_is_400(client: TestClient) -> None:
    body, headers = multipart(50)
    response = client.post("/upload", content=body, headers=headers)
    assert response.status_code == 400
    assert "Too many fields" in response.json()["detail"]


def test_the_good_requests_still_work(client: TestClient) -> None:
    assert client.get("/items/1?limit=5").json() == {"item_id": 1, "limit": 5}
    assert client.post("/items", json=ITEM).json() == ITEM
    body, headers = multipart(2)
    assert client.post("/upload", content=body, headers=headers).json() == {"files": 0}
