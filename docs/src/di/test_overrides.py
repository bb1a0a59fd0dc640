from collections.abc import Iterator

import pytest
from testing_app import app, get_db, get_user

from pegboard.testing import TestClient
from pegboard_di import overrides


class FakeDatabase:
    async def fetch_user(self, user_id: int) -> dict[str, object]:
        return {"id": user_id, "name": "test user"}


@pytest.fixture
def client() -> Iterator[TestClient]:
    # get_db is replaced wherever it appears, here inside get_user;
    # leaving the `with` block restores whatever was there before.
    with overrides(app).override(get_db, FakeDatabase), TestClient(app) as client:
        yield client


def test_read_user(client: TestClient) -> None:
    assert client.get("/users/7").json() == {"id": 7, "name": "test user"}


def test_override_between_requests(client: TestClient) -> None:
    overrides(app)[get_user] = lambda: {"id": 0, "name": "stub"}  # plain mapping API
    try:
        assert client.get("/users/7").json() == {"id": 0, "name": "stub"}
    finally:
        del overrides(app)[get_user]
    assert client.get("/users/7").json()["name"] == "test user"
