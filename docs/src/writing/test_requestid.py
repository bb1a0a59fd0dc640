from typing import Annotated

from pegboard_requestid import RequestId, requestid

from pegboard import App, PluginInfo, hookimpl
from pegboard.testing import TestClient, check_plugin


def test_passes_pegboards_plugin_checks():
    check_plugin(requestid)  # alone, then beside each installed first-party plugin


def make_client(*plugins: object) -> TestClient:
    app = App(plugins=list(plugins))

    @app.get("/")
    async def home(request_id: Annotated[str, RequestId()]) -> str:
        return request_id

    @app.post("/strict", require_request_id=True)
    async def strict() -> str:
        return "ok"

    return TestClient(app)


def test_every_response_carries_the_id():
    client = make_client(requestid())
    response = client.get("/")
    assert response.headers["x-request-id"] == response.json()
    assert client.get("/missing").headers["x-request-id"]  # errors too


def test_a_valid_id_from_the_client_is_kept():
    client = make_client(requestid())
    assert client.get("/", headers={"X-Request-ID": "abc-1"}).json() == "abc-1"
    assert client.get("/", headers={"X-Request-ID": "no spaces"}).json() != "no spaces"


def test_routes_can_require_an_id():
    client = make_client(requestid())
    assert client.post("/strict", headers={"X-Request-ID": "abc-1"}).json() == "ok"
    response = client.post("/strict")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["header", "x-request-id"]


class FixedIds:
    plugin_info = PluginInfo(name="fixed-ids")

    @hookimpl(optionalhook=True)
    def pegboard_requestid_generator(self, app: App):  # type: ignore[no-untyped-def]
        return lambda: "fixed"


def test_other_plugins_choose_the_generator():
    client = make_client(requestid(), FixedIds())
    assert client.get("/").json() == "fixed"
