from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from pegboard.testing import TestClient
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from shop.models import User

Headers = dict[str, str]
InDatabase = Callable[[Callable[[AsyncSession], Awaitable[Any]]], Any]


def create(client: TestClient, headers: Headers, name: str, price: float) -> dict[str, Any]:
    response = client.post("/items", json={"name": name, "price": price}, headers=headers)
    assert response.status_code == 201, response.text
    item: dict[str, Any] = response.json()
    return item


def test_create_and_read(client: TestClient, ada: Headers) -> None:
    item = create(client, ada, "Hammer", 9.5)
    assert item["name"] == "Hammer"
    assert item["price"] == 9.5
    assert client.get(f"/items/{item['id']}", headers=ada).json() == item


def test_list_pages_in_id_order(client: TestClient, ada: Headers) -> None:
    ids = [create(client, ada, f"Nail {n}", 0.1 + n)["id"] for n in range(5)]
    page = client.get("/items", params={"limit": 2, "offset": 1}, headers=ada).json()
    assert [item["id"] for item in page["items"]] == ids[1:3]
    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 1)
    assert client.get("/items", params={"offset": 5}, headers=ada).json()["items"] == []


def test_list_filters(client: TestClient, ada: Headers) -> None:
    create(client, ada, "Claw hammer", 20.0)
    create(client, ada, "Sledge HAMMER", 45.0)
    create(client, ada, "Saw", 14.0)
    create(client, ada, "100% cotton_rag", 2.0)

    def names(**params: Any) -> list[str]:
        page = client.get("/items", params=params, headers=ada).json()
        return [item["name"] for item in page["items"]]

    assert names(q="hammer") == ["Claw hammer", "Sledge HAMMER"]
    assert names(q="hammer", max_price=30) == ["Claw hammer"]
    assert names(max_price=14) == ["Saw", "100% cotton_rag"]
    # % and _ are matched as themselves, not as wildcards.
    assert names(q="0%") == ["100% cotton_rag"]
    assert names(q="n_r") == ["100% cotton_rag"]
    assert names(q="_") == ["100% cotton_rag"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 2**31}, "offset"),
        ({"max_price": 0}, "max_price"),
        ({"max_price": "nan"}, "max_price"),
        ({"q": ""}, "q"),
    ],
)
def test_bad_list_parameters_are_422(
    client: TestClient, ada: Headers, params: dict[str, Any], field: str
) -> None:
    response = client.get("/items", params=params, headers=ada)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", field]


def test_update_changes_only_what_is_sent(client: TestClient, ada: Headers) -> None:
    item = create(client, ada, "Saw", 14.0)
    response = client.patch(f"/items/{item['id']}", json={"price": 12.5}, headers=ada)
    assert response.status_code == 200
    assert response.json() == {**item, "price": 12.5}
    refused = client.patch(f"/items/{item['id']}", json={"name": None}, headers=ada)
    assert refused.status_code == 422
    assert client.get(f"/items/{item['id']}", headers=ada).json()["name"] == "Saw"


def test_delete(client: TestClient, ada: Headers) -> None:
    item = create(client, ada, "Saw", 14.0)
    assert client.delete(f"/items/{item['id']}", headers=ada).status_code == 204
    assert client.get(f"/items/{item['id']}", headers=ada).status_code == 404
    assert client.delete(f"/items/{item['id']}", headers=ada).status_code == 404


def test_bad_bodies_are_422(client: TestClient, ada: Headers) -> None:
    for body in ({"name": "", "price": -1}, {"name": "nul\x00", "price": 1}, {"price": 1}):
        assert client.post("/items", json=body, headers=ada).status_code == 422


def test_a_missing_id_is_404(client: TestClient, ada: Headers) -> None:
    for item_id in (999, 2**31, 10**30):
        response = client.get(f"/items/{item_id}", headers=ada)
        assert response.status_code == 404
        assert response.json() == {"detail": f"No item {item_id}."}


def test_someone_elses_item_is_404_like_a_missing_one(
    client: TestClient, ada: Headers, bob: Headers
) -> None:
    item = create(client, ada, "Hammer", 9.5)
    url = f"/items/{item['id']}"
    # The same answer as for an id nobody has: bob learns nothing about ada's items.
    missing = {"detail": f"No item {item['id']}."}
    for response in (
        client.get(url, headers=bob),
        client.patch(url, json={"name": "Mine now"}, headers=bob),
        client.delete(url, headers=bob),
    ):
        assert response.status_code == 404
        assert response.json() == missing
    assert client.get("/items", headers=bob).json()["items"] == []
    assert client.get(url, headers=ada).json() == item  # unchanged, still there


def test_items_need_a_login(client: TestClient) -> None:
    for response in (client.get("/items"), client.post("/items", json={"name": "x", "price": 1})):
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"


def test_a_disabled_account_is_403(
    client: TestClient, ada: Headers, in_database: InDatabase
) -> None:
    async def disable(session: AsyncSession) -> None:
        ada_row = User.email == "ada@example.com"
        await session.execute(update(User).where(ada_row).values(is_active=False))

    in_database(disable)
    response = client.get("/items", headers=ada)
    assert response.status_code == 403
    assert response.json() == {"detail": "This account is disabled."}
