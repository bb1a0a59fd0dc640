from collections.abc import Iterator

import pytest
from pegboard import App
from pegboard.testing import TestClient
from pegboard_di import overrides

from shop.dependencies import get_items
from shop.models import Item
from shop.store import ItemStore


def test_list_items(client: TestClient) -> None:
    response = client.get("/items")
    assert response.status_code == 200
    assert [item["name"] for item in response.json()] == ["Hammer", "Saw"]


def test_read_item(client: TestClient) -> None:
    assert client.get("/items/1").json() == {"id": 1, "name": "Hammer", "price": 9.5}


def test_unknown_item_is_404(client: TestClient) -> None:
    response = client.get("/items/99")
    assert response.status_code == 404
    assert response.json() == {"detail": "No item 99."}


def test_non_integer_id_matches_no_route(client: TestClient) -> None:
    assert client.get("/items/abc").status_code == 404


def test_limit_is_a_checked_query_parameter(client: TestClient) -> None:
    assert len(client.get("/items", params={"limit": 1}).json()) == 1
    response = client.get("/items", params={"limit": 0})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "limit"]


def test_create_item(client: TestClient) -> None:
    response = client.post("/items", json={"name": "Drill", "price": 49.0})
    assert response.status_code == 201
    assert response.json() == {"id": 3, "name": "Drill", "price": 49.0}
    assert client.get("/items/3").json()["name"] == "Drill"


def test_create_refuses_a_bad_body(client: TestClient) -> None:
    response = client.post("/items", json={"name": "", "price": -1})
    assert response.status_code == 422
    assert {tuple(error["loc"]) for error in response.json()["detail"]} == {
        ("body", "name"),
        ("body", "price"),
    }


@pytest.fixture
def one_item_store(app: App) -> Iterator[None]:
    # Replaces the dependency wherever a route uses it; leaving the block restores it.
    store = ItemStore([Item(id=7, name="Tape", price=3.0)])
    with overrides(app).override(get_items, lambda: store):
        yield


@pytest.mark.usefixtures("one_item_store")
def test_dependencies_can_be_overridden(client: TestClient) -> None:
    assert client.get("/items").json() == [{"id": 7, "name": "Tape", "price": 3.0}]


def test_deleting_needs_the_token(client: TestClient) -> None:
    missing = client.delete("/items/1")
    assert missing.status_code == 401
    wrong = client.delete("/items/1", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"] == "Bearer"
    assert client.get("/items/1").status_code == 200


def test_delete_item(client: TestClient) -> None:
    token = {"Authorization": "Bearer test-token"}
    assert client.delete("/items/1", headers=token).status_code == 204
    assert client.get("/items/1").status_code == 404
    assert client.delete("/items/1", headers=token).status_code == 404
