"""The HTTP semantic-convention attributes of a server span, read from an ASGI scope.

Names come from ``opentelemetry-semantic-conventions`` (the stable HTTP conventions).
Only what the request carries is set; ``url.query`` is left out because query strings
often hold tokens (see docs/plugins/opentelemetry.md).
"""

from __future__ import annotations

import functools
import re
from typing import Any

from opentelemetry.semconv.attributes.client_attributes import CLIENT_ADDRESS, CLIENT_PORT
from opentelemetry.semconv.attributes.http_attributes import (
    HTTP_REQUEST_METHOD,
    HTTP_REQUEST_METHOD_ORIGINAL,
    HTTP_ROUTE,
)
from opentelemetry.semconv.attributes.network_attributes import NETWORK_PROTOCOL_VERSION
from opentelemetry.semconv.attributes.server_attributes import SERVER_ADDRESS, SERVER_PORT
from opentelemetry.semconv.attributes.url_attributes import URL_PATH, URL_SCHEME
from opentelemetry.semconv.attributes.user_agent_attributes import USER_AGENT_ORIGINAL
from opentelemetry.util.types import AttributeValue

__all__ = ["KNOWN_METHODS", "read_request", "request_attributes", "route_template"]

#: The methods the conventions name; any other is reported as ``_OTHER``.
KNOWN_METHODS = frozenset(
    ("CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE")
)

_CONVERTOR = re.compile(r"\{([^}:]+):[^}]+\}")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_NO_FIELDS: frozenset[bytes] = frozenset()


def route_template(path: str) -> str:
    """``/items/{id:int}`` as the conventions want it: ``/items/{id}``."""
    return _CONVERTOR.sub(r"{\1}", path)


def request_attributes(scope: Any, route: str) -> dict[str, AttributeValue]:
    """The attributes known when the request starts (samplers see them)."""
    return read_request(scope, route, _NO_FIELDS)[0]


def read_request(
    scope: Any, route: str, propagation: frozenset[bytes]
) -> tuple[dict[str, AttributeValue], bool]:
    """The request's attributes, and whether it carries one of the ``propagation`` headers.

    Per request, one pass over the headers for both (the parent is extracted only when
    a propagation header came, see :mod:`pegboard_opentelemetry.plugin`).
    """
    method = scope["method"]
    known = method in KNOWN_METHODS
    scheme = scope.get("scheme", "http")
    attributes: dict[str, AttributeValue] = {
        HTTP_REQUEST_METHOD: method if known else "_OTHER",
        URL_PATH: scope["path"],
        URL_SCHEME: scheme,
        HTTP_ROUTE: route,
    }
    if not known:
        attributes[HTTP_REQUEST_METHOD_ORIGINAL] = method
    version = scope.get("http_version")
    if version:
        attributes[NETWORK_PROTOCOL_VERSION] = version
    client = scope.get("client")
    if client:
        attributes[CLIENT_ADDRESS] = client[0]
        attributes[CLIENT_PORT] = client[1]
    host = None
    carried = False
    for name, value in scope["headers"]:
        if name == b"host":
            host = value
        elif name == b"user-agent":
            attributes[USER_AGENT_ORIGINAL] = value.decode("latin-1")
        elif name in propagation:
            carried = True
    if host:
        address, port = _host(host, scheme)
    elif scope.get("server"):
        address, port = str(scope["server"][0]), scope["server"][1]
    else:
        return attributes, carried
    if address:
        attributes[SERVER_ADDRESS] = address
        if port is not None:
            attributes[SERVER_PORT] = port
    return attributes, carried


@functools.lru_cache(maxsize=256)  # clients send a few Host values, over and over
def _host(host: bytes, scheme: str) -> tuple[str, int | None]:
    """``server.address`` and ``server.port`` from a Host header (``[::1]:8000`` too)."""
    text = host.decode("latin-1")
    if text.startswith("["):
        address, _, rest = text[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    else:
        address, _, port_text = text.partition(":")
    if port_text.isdigit() and len(port_text) <= 5:
        return address, int(port_text)
    return address, _DEFAULT_PORTS.get(scheme)
