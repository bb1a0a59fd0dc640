"""The server span's request attributes, read from an ASGI scope."""

from __future__ import annotations

from typing import Any

import pytest

from pegboard_opentelemetry.attributes import request_attributes


def scope(headers: list[tuple[bytes, bytes]], **fields: Any) -> dict[str, Any]:
    return {"method": "GET", "path": "/items/1", "headers": headers, **fields}


@pytest.mark.parametrize(
    ("host", "scheme", "server"),
    [
        (b"api.example:8443", "https", ("api.example", 8443)),
        (b"api.example", "https", ("api.example", 443)),
        (b"api.example", "http", ("api.example", 80)),
        (b"[::1]:8000", "http", ("::1", 8000)),
        (b"[::1]", "https", ("::1", 443)),
        (b"api.example:99999999", "http", ("api.example", 80)),
    ],
)
def test_server_address_and_port_come_from_the_host_header(
    host: bytes, scheme: str, server: tuple[str, int]
):
    attributes = request_attributes(
        scope([(b"host", host)], scheme=scheme, server=("10.0.0.5", 9000)), "/items/{id}"
    )
    assert (attributes["server.address"], attributes["server.port"]) == server


def test_without_a_host_header_the_socket_names_the_server():
    for headers in ([], [(b"host", b"")]):
        attributes = request_attributes(scope(headers, server=("10.0.0.5", 9000)), "/x")
        assert (attributes["server.address"], attributes["server.port"]) == ("10.0.0.5", 9000)
    assert "server.address" not in request_attributes(scope([]), "/x")


def test_every_attribute_of_a_full_request():
    attributes = request_attributes(
        {
            "method": "PURGE",
            "path": "/items/1",
            "scheme": "https",
            "http_version": "1.1",
            "client": ("203.0.113.9", 4711),
            "headers": [(b"user-agent", b"curl/8"), (b"host", b"api.example")],
        },
        "/items/{id}",
    )
    assert attributes == {
        "http.request.method": "_OTHER",
        "http.request.method_original": "PURGE",
        "url.path": "/items/1",
        "url.scheme": "https",
        "http.route": "/items/{id}",
        "network.protocol.version": "1.1",
        "client.address": "203.0.113.9",
        "client.port": 4711,
        "user_agent.original": "curl/8",
        "server.address": "api.example",
        "server.port": 443,
    }
