import pytest

from pegboard.testing import AsyncTestClient

# anyio's pytest plugin (installed with pegboard[testing]) runs the async tests.
pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"  # anyio runs each test on every installed backend otherwise


async def test_stock(async_client):
    # `async_client` comes with pegboard too: the async twin of `client`.
    response = await async_client.get("/stock/hammer")
    assert response.json() == {"hammer": 3}


async def test_without_fixtures(app):
    async with AsyncTestClient(app) as client:  # `async with` runs the lifespan
        response = await client.get("/stock/anvil")
    assert response.status_code == 404
