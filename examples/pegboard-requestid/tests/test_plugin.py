import itertools
from collections.abc import Callable

import pytest
from pegboard import App, PluginError, PluginInfo, RouteDefinitionError, hookimpl
from pegboard.testing import TestClient, check_plugin

from pegboard_requestid import requestid


def test_passes_pegboards_plugin_checks() -> None:
    # Hooks against the hookspecs; alone, then beside each first-party plugin installed.
    check_plugin(requestid)


def test_every_response_carries_the_id(client: TestClient) -> None:
    response = client.get("/")
    assert response.headers["X-Request-ID"] == response.json()
    assert len(response.json()) == 32
    assert client.get("/missing").headers["X-Request-ID"]  # errors too


def test_a_valid_id_from_the_client_is_kept_and_others_replaced(client: TestClient) -> None:
    assert client.get("/", headers={"X-Request-ID": "abc-1"}).json() == "abc-1"
    assert client.get("/", headers={"X-Request-ID": "no spaces"}).json() != "no spaces"


def test_routes_can_require_an_id(client: TestClient) -> None:
    assert client.post("/strict", headers={"X-Request-ID": "abc-1"}).json() == "ok"
    missing = client.post("/strict")
    assert missing.status_code == 422
    assert missing.json()["detail"][0]["loc"] == ["header", "x-request-id"]
    bad = client.post("/strict", headers={"X-Request-ID": "no spaces"})
    assert bad.json()["detail"][0]["type"] == "string_pattern_mismatch"


def test_the_header_name_is_an_option(make_app: Callable[..., App]) -> None:
    app = make_app(requestid(header="X-Trace-ID"))

    @app.get("/")
    async def home() -> str:
        return "home"

    with TestClient(app) as client:
        assert client.get("/", headers={"X-Trace-ID": "t-1"}).headers["X-Trace-ID"] == "t-1"


def test_bad_settings_fail_at_definition_time(make_app: Callable[..., App]) -> None:
    with pytest.raises(PluginError, match="not a valid header name"):
        requestid(header="Not A Header")
    app = make_app(requestid())
    with pytest.raises(RouteDefinitionError, match="takes True or False"):

        @app.get("/", require_request_id="yes")
        async def home() -> str:
            return "home"


class SequentialIds:
    """Another plugin choosing how ids are made, through this plugin's hook."""

    plugin_info = PluginInfo(name="sequential-ids")

    @hookimpl(optionalhook=True)
    def pegboard_requestid_generator(self, app: App) -> Callable[[], str]:
        counter = itertools.count(1)
        return lambda: f"req-{next(counter)}"


def test_other_plugins_choose_the_generator(make_app: Callable[..., App]) -> None:
    app = make_app(SequentialIds(), requestid())  # order does not matter: historic hookspecs

    @app.get("/")
    async def home() -> str:
        return "home"

    with TestClient(app) as client:
        assert [client.get("/").headers["X-Request-ID"] for _ in range(2)] == ["req-1", "req-2"]
    alone = make_app(SequentialIds())  # and it loads without the plugin it extends
    assert alone.plugins == ["sequential-ids"]
