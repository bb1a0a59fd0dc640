"""Whose requests a limit counts: the client's address, behind trusted proxies only."""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable, Iterable

from starlette.types import Scope

__all__ = ["address_key", "parse_networks", "peer_address"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

UNKNOWN = "unknown"


def parse_networks(proxies: Iterable[str]) -> tuple[Network, ...]:
    """The trusted proxies as networks ("10.0.0.0/8", "127.0.0.1", "::1")."""
    if isinstance(proxies, str):
        proxies = [proxies]
    networks = []
    for text in proxies:
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise ValueError(
                f"trusted_proxies has {text!r}, which is not an IP address or network. "
                "Give addresses or CIDR networks: trusted_proxies=['10.0.0.0/8', '127.0.0.1']."
            ) from None
    return tuple(networks)


def peer_address(scope: Scope) -> str:
    """The address of the peer that connected: what a client cannot forge."""
    client = scope.get("client")
    found: str = client[0] if client else UNKNOWN
    return found


def address_key(
    trusted: tuple[Network, ...], header: str = "x-forwarded-for"
) -> Callable[[Scope], str]:
    """Build time: the function that gives a request's client address.

    Without trusted proxies it is the address of the peer that connected, which a
    client cannot forge. When the peer is a trusted proxy, ``header`` (appended to
    by each proxy) is read from the right: the first address that is not a trusted
    proxy is the client. Addresses to its left were written by the client and are
    never believed.
    """
    if not trusted:
        return peer_address

    name = header.lower().encode("latin-1")

    @functools.lru_cache(maxsize=4096)
    def is_trusted(text: str) -> bool:
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            return False
        return any(address in network for network in trusted)

    def forwarded(scope: Scope) -> str:
        client = scope.get("client")
        address: str = client[0] if client else UNKNOWN
        if not is_trusted(address):
            return address
        hops: list[str] = [
            hop.strip()
            for field, value in scope["headers"]
            if field == name
            for hop in value.decode("latin-1").split(",")
        ]
        for hop in reversed(hops):
            if not hop:
                continue
            if not is_trusted(hop):
                return hop
            address = hop
        return address  # every hop is a trusted proxy: the leftmost one

    return forwarded
