from starlette.testclient import TestClient

from pegboard import App
from pegboard_sessions import Session, sessions

app = App(plugins=[sessions(secret_key="test-only-key-" + "x" * 32)])


@app.post("/cart/{item}")
async def add(item: str, session: Session) -> list[str]:
    cart: list[str] = session.setdefault("cart", [])
    cart.append(item)  # changes inside values are saved too
    return cart


def test_the_cart_survives_between_requests() -> None:
    # https:// so that the test client sends the Secure cookie back, as a browser would.
    client = TestClient(app, base_url="https://testserver")
    client.post("/cart/pencil")
    assert client.post("/cart/paper").json() == ["pencil", "paper"]
