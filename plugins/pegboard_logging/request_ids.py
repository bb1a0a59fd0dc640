"""Where a request's id comes from: a trusted incoming header, or a new one.

An incoming id is used only if it looks like an id (1 to 128 characters out of
letters, digits and ``._:+=/-``, so it cannot forge log lines or headers) and, when
``trusted`` lists addresses, only if the peer is one of them (the proxies in front
of the app). Anything else gets a fresh id: a malformed header is never an error.
"""

from __future__ import annotations

import ipaddress
import random
import re
from collections.abc import Sequence

import attrs
from starlette.types import Scope

from pegboard import PluginError

__all__ = ["RequestIds"]

_ID = re.compile(r"[A-Za-z0-9._:+=/-]{1,128}")
_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _networks(trusted: bool | Sequence[str]) -> bool | tuple[_Network, ...]:
    if isinstance(trusted, bool):
        return trusted
    if isinstance(trusted, str):
        trusted = [trusted]
    networks = []
    for entry in trusted:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except (TypeError, ValueError):
            raise PluginError(
                f"request_logging(trust_incoming=...): {entry!r} is not an IP address or "
                "network. Give the addresses of the proxies in front of the app, such as "
                "['10.0.0.0/8', '127.0.0.1'], or True / False."
            ) from None
    return tuple(networks)


@attrs.frozen
class RequestIds:
    """Picks each request's id (built once per plugin).

    :ivar header: The header read (lower case, bytes) and echoed.
    :ivar trusted: True (any peer), False (always generate), or the peers' networks.
    """

    header: bytes
    trusted: bool | tuple[_Network, ...]

    @classmethod
    def create(cls, header: str, trust_incoming: bool | Sequence[str]) -> RequestIds:
        """From the factory's arguments; a bad value is a :class:`PluginError`."""
        if not isinstance(header, str) or not re.fullmatch(r"[A-Za-z0-9-]+", header):
            raise PluginError(
                f"request_logging(header={header!r}): not a header name such as 'X-Request-ID'."
            )
        return cls(header.lower().encode("latin-1"), _networks(trust_incoming))

    def for_scope(self, scope: Scope) -> str:
        """The id for the request of ``scope``: its trusted header, or a new one."""
        trusted = self.trusted
        if trusted is not False:
            for name, value in scope["headers"]:
                if name == self.header:
                    if self._peer_trusted(scope) and _ID.fullmatch(value.decode("latin-1")):
                        return str(value.decode("latin-1"))
                    break
        # 128 random bits, as OpenTelemetry makes trace ids: unique, and several times
        # cheaper than uuid4 (ids name requests; they guard nothing).
        return f"{random.getrandbits(128):032x}"

    def _peer_trusted(self, scope: Scope) -> bool:
        trusted = self.trusted
        if trusted is True:
            return True
        client = scope.get("client")
        if not client or isinstance(trusted, bool):
            return False
        try:
            peer = ipaddress.ip_address(client[0])
        except ValueError:
            return False
        return any(peer in network for network in trusted)
