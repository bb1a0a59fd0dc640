import jwt
from pegboard.testing import TestClient

from {{ cookiecutter.package_name }}.settings import Settings

PASSWORD = "correct horse battery staple"  # the one the fixtures register with


def test_register_log_in_and_read_me(client: TestClient) -> None:
    body = {"email": "Ada@Example.com", "password": PASSWORD}
    registered = client.post("/auth/register", json=body)
    assert registered.status_code == 201
    assert registered.json() == {"id": registered.json()["id"], "email": "ada@example.com"}
    login = client.post("/auth/token", data={"username": "ADA@example.com", "password": PASSWORD})
    assert login.status_code == 200
    assert login.json()["token_type"] == "bearer"
    token = login.json()["access_token"]
    me = client.get("/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json() == registered.json()


def test_a_taken_email_is_409_in_any_case(client: TestClient, ada: dict[str, str]) -> None:
    again = client.post("/auth/register", json={"email": "ADA@example.com", "password": PASSWORD})
    assert again.status_code == 409
    assert again.json() == {"detail": "This email is already registered."}


def test_registration_checks_the_body(client: TestClient) -> None:
    response = client.post("/auth/register", json={"email": "not-an-email", "password": "short"})
    assert response.status_code == 422
    assert {tuple(error["loc"]) for error in response.json()["detail"]} == {
        ("body", "email"),
        ("body", "password"),
    }


def test_a_wrong_password_is_401(client: TestClient, ada: dict[str, str]) -> None:
    response = client.post("/auth/token", data={"username": "ada@example.com", "password": "nope"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json() == {"detail": "Incorrect email or password."}


def test_an_unknown_email_is_the_same_401(client: TestClient) -> None:
    for username in ("nobody@example.com", "nul\x00@example.com"):
        response = client.post("/auth/token", data={"username": username, "password": PASSWORD})
        assert response.status_code == 401
        assert response.json() == {"detail": "Incorrect email or password."}


def test_the_password_is_stored_hashed(client: TestClient, ada: dict[str, str]) -> None:
    # The hash is argon2id: its text names the algorithm, and never holds the password.
    from {{ cookiecutter.package_name }}.security import hash_password, verify_password

    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert verify_password(stored, PASSWORD)
    assert not verify_password(stored, PASSWORD + "!")


def test_routes_need_a_valid_token(client: TestClient, settings: Settings) -> None:
    assert client.get("/users/me").status_code == 401
    forged = jwt.encode({"sub": "1", "exp": 2**33}, "another-key-of-at-least-32-bytes!!", "HS256")
    expired_key = settings.secret_key.get_secret_value()
    expired = jwt.encode({"sub": "1", "exp": 1}, expired_key, "HS256")
    for token in (forged, expired, "not.a.jwt"):
        response = client.get("/users/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_tests_are_isolated_first(client: TestClient) -> None:
    body = {"email": "same@example.com", "password": PASSWORD}
    assert client.post("/auth/register", json=body).status_code == 201


def test_tests_are_isolated_second(client: TestClient) -> None:
    # The user the test above registered was rolled back with its transaction.
    body = {"email": "same@example.com", "password": PASSWORD}
    assert client.post("/auth/register", json=body).status_code == 201
