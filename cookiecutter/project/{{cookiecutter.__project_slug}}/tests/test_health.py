from collections.abc import Callable

from pegboard import App
from pegboard.testing import TestClient

from {{ cookiecutter.package_name }}.routes import health


def test_health(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_the_health_router_needs_no_plugin(make_app: Callable[..., App]) -> None:
    app = make_app()  # an app with exactly the plugins given: none
    app.include_router(health.router)
    with TestClient(app) as client:
        assert client.get("/health").json() == {"status": "ok"}
