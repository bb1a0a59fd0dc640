from pegboard.testing import TestClient


def test_stock(client):
    # `client` comes with pegboard: a TestClient for your `app` fixture, lifespan included.
    assert client.get("/stock/hammer").json() == {"hammer": 3}


def test_unknown_item(client):
    response = client.get("/stock/anvil")
    assert response.status_code == 404
    assert response.json() == {"detail": "No anvil in stock."}


def test_without_fixtures(app):
    with TestClient(app) as client:  # `with` runs the lifespan: startup, then shutdown
        assert client.get("/stock/hammer").status_code == 200


def test_app_builds(app):
    app.build()  # compiles every route; raises RouteDefinitionError on mistakes
