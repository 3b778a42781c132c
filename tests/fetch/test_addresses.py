"""Which resolved addresses are refused (hazard 5): the pure classification."""

from ipaddress import ip_address

import pytest

from monitor.fetch.addresses import AddressPolicy, classify

CASES = [
    ("127.0.0.1", "loopback"),
    ("127.255.0.9", "loopback"),
    ("::1", "loopback"),
    ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped IPv6
    ("64:ff9b::7f00:1", "loopback"),  # NAT64 wrapping of 127.0.0.1
    ("2002:7f00:1::", "loopback"),  # 6to4 wrapping of 127.0.0.1
    ("169.254.169.254", "link-local"),  # cloud metadata
    ("::ffff:169.254.169.254", "link-local"),
    ("fe80::1", "link-local"),
    ("10.0.0.1", "private"),
    ("172.16.5.4", "private"),
    ("192.168.1.1", "private"),
    ("fc00::1", "private"),
    ("fd12:3456::1", "private"),
    ("::ffff:10.1.2.3", "private"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"),
    ("100.100.100.200", "not globally routable"),  # shared address space (CGNAT)
    ("8.8.8.8", None),
    ("93.184.215.14", None),
    ("2606:4700::1111", None),
    ("::ffff:8.8.8.8", None),
    ("64:ff9b::808:808", None),  # NAT64 of a public address: how IPv6-only hosts reach v4
]


@pytest.mark.parametrize(("address", "reason"), CASES)
def test_classify(address: str, reason: str | None) -> None:
    assert classify(address) == reason


@pytest.mark.parametrize(("address", "reason"), CASES)
def test_policy_refuses_exactly_the_non_public(address: str, reason: str | None) -> None:
    assert AddressPolicy().refusal(address) == reason
    assert AddressPolicy(allow_private=True).refusal(address) is None


@pytest.mark.parametrize(("address", "reason"), [
    ("240.0.0.1", "private"),  # reserved range; Python files it under private too
    ("255.255.255.255", "private"),
    ("192.0.2.1", "private"),  # documentation
])
def test_other_special_ranges_are_refused(address: str, reason: str) -> None:
    assert AddressPolicy().refusal(address) is not None


def test_exempt_addresses_only_those() -> None:
    policy = AddressPolicy(exempt=frozenset({ip_address("127.0.0.1")}))
    assert policy.refusal("127.0.0.1") is None
    assert policy.refusal("::ffff:127.0.0.1") is None
    assert policy.refusal("127.0.0.2") == "loopback"
    assert policy.refusal("169.254.169.254") == "link-local"
