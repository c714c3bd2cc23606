"""The outbound host policy of http.request (pure: a fake resolver, no network)."""

from __future__ import annotations

import ipaddress

import pytest

from workflows.actions.builtins.netguard import HostRefused, address_is_public, host_allowed, resolve_target


@pytest.mark.parametrize(
    ("host", "allowed", "expected"),
    [
        ("api.example.com", [], False),
        ("api.example.com", ["api.example.com"], True),
        ("API.Example.com.", ["api.example.com"], True),
        ("evil.com", ["api.example.com"], False),
        ("a.example.com", ["*.example.com"], True),
        ("example.com", ["*.example.com"], False),
        ("evilexample.com", ["*.example.com"], False),
        ("anything.org", ["*"], True),
    ],
)
def test_host_allow_list(host: str, allowed: list[str], expected: bool) -> None:
    assert host_allowed(host, allowed) is expected


@pytest.mark.parametrize(
    "address",
    ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0", "::1",  # noqa: S104 (an address to refuse, not to bind)
     "fe80::1", "fc00::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "2002:7f00:1::", "224.0.0.1"],
)  # fmt: skip
def test_non_public_addresses_are_not_public(address: str) -> None:
    assert not address_is_public(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_are_public(address: str) -> None:
    assert address_is_public(ipaddress.ip_address(address))


def test_a_host_off_the_allow_list_is_refused_before_any_lookup() -> None:
    def resolver(host: str, port: int) -> list[str]:
        raise AssertionError("no lookup expected")

    with pytest.raises(HostRefused, match="FLOWDESK_HTTP_ALLOWED_HOSTS"):
        resolve_target(
            "evil.com", 443, allowed_hosts=["api.example.com"], allow_private=False, resolver=resolver
        )


def test_every_address_of_a_host_is_checked_not_only_the_first() -> None:
    def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "127.0.0.1"]

    with pytest.raises(HostRefused, match=r"127\.0\.0\.1"):
        resolve_target("api.example.com", 443, allowed_hosts=["*"], allow_private=False, resolver=resolver)
    target = resolve_target(
        "api.example.com", 443, allowed_hosts=["*"], allow_private=True, resolver=resolver
    )
    assert target.address == "127.0.0.1" or target.address == "93.184.216.34"


def test_a_public_host_resolves_to_the_checked_address_to_connect_to() -> None:
    target = resolve_target("api.example.com", 8443, allowed_hosts=["api.example.com"], allow_private=False,
                            resolver=lambda host, port: ["93.184.216.34"])  # fmt: skip
    assert (target.host, target.port, target.address) == ("api.example.com", 8443, "93.184.216.34")
