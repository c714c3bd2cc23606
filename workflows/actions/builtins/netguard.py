"""Outbound request policy for http.request: which hosts, which addresses.

Pure functions over settings values, so the rules are unit-tested without a network.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], list[str]]


class HostRefused(Exception):
    """The policy does not allow this host or one of its addresses."""


def host_allowed(host: str, allowed: Sequence[str]) -> bool:
    """True when `host` matches an entry: an exact name ("api.example.com"), a suffix
    wildcard ("*.example.com", which does not match example.com itself) or "*" (any)."""
    host = host.lower().rstrip(".")
    for entry in allowed:
        entry = entry.strip().lower().rstrip(".")
        if entry == "*" or entry == host:
            return True
        if entry.startswith("*.") and host.endswith(entry[1:]) and len(host) > len(entry) - 1:
            return True
    return False


def address_is_public(address: IpAddress) -> bool:
    """False for loopback, private, link-local, multicast, reserved, unspecified and
    shared (CGNAT) ranges, and for IPv6 forms that embed such an IPv4 address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour or (address.teredo[1] if address.teredo else None)
        if embedded is not None and not address_is_public(embedded):
            return False
    return address.is_global and not (
        address.is_multicast or address.is_loopback or address.is_link_local or address.is_reserved
    )


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


@dataclass(frozen=True, slots=True)
class Target:
    host: str
    port: int
    address: str
    """The checked address to connect to; connecting to it (not re-resolving the name)
    closes the DNS-rebinding gap between the check and the connection."""


def resolve_target(
    host: str,
    port: int,
    *,
    allowed_hosts: Sequence[str],
    allow_private: bool,
    resolver: Resolver = system_resolver,
) -> Target:
    """Check `host` against the allow-list, resolve it and check EVERY address.
    Raises HostRefused; socket.gaierror when the name does not resolve."""
    if not host:
        raise HostRefused("the URL has no host")
    if not host_allowed(host, allowed_hosts):
        raise HostRefused(f"host {host!r} is not in FLOWDESK_HTTP_ALLOWED_HOSTS")
    addresses = resolver(host, port)
    if not addresses:
        raise HostRefused(f"host {host!r} has no address")
    for text in addresses:
        address = ipaddress.ip_address(text.split("%", 1)[0])
        if not allow_private and not address_is_public(address):
            raise HostRefused(
                f"host {host!r} resolves to {address}, a private, loopback or link-local address "
                "(set FLOWDESK_HTTP_ALLOW_PRIVATE=true to allow)"
            )
    return Target(host=host, port=port, address=addresses[0])
