from main import app
from starlette.testclient import TestClient


def test_hello():
    client = TestClient(app)
    response = client.get("/hello/ada")
    assert response.status_code == 200
    assert response.json() == {"hello": "ada"}


def test_create_and_read_a_user():
    client = TestClient(app)
    created = client.post("/users/", json={"name": "Ada"})
    assert created.status_code == 201
    user_id = created.json()["id"]
    assert client.get(f"/users/{user_id}").json() == {"name": "Ada"}
    assert client.get("/users/999").status_code == 404
