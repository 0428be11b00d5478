"""`summarizer.inputs.addresses`: which addresses an article may be fetched from."""

from __future__ import annotations

import ipaddress

import pytest

from summarizer.inputs.addresses import describe, is_local, is_public


@pytest.mark.parametrize(
    ("ip", "public"),
    [
        ("93.184.216.34", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("::ffff:127.0.0.1", False),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("0.0.0.0", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("::", False),
        ("ff02::1", False),
        ("fc00::1", False),
        ("fec0::1", False),  # deprecated site-local
        ("::ffff:10.0.0.1", False),  # IPv4-mapped
        ("::ffff:8.8.8.8", True),
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 of 169.254.169.254
        ("64:ff9b::a00:1", False),  # NAT64 of 10.0.0.1
        ("64:ff9b::808:808", True),  # NAT64 of 8.8.8.8
        ("64:ff9b:1::808:808", False),  # local-use NAT64
        ("::ffff:0:a00:1", False),  # IPv4-translated 10.0.0.1
        ("::a00:1", False),  # IPv4-compatible (deprecated)
        ("2002:a00:1::1", False),  # 6to4 of 10.0.0.1
        ("2002:808:808::1", True),  # 6to4 of 8.8.8.8
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),  # Teredo
    ],
)
def test_is_public(ip: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(ip)) is public


@pytest.mark.parametrize(
    ("ip", "local"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("172.16.0.1", True),
        ("192.168.1.1", True),
        ("100.64.0.1", True),
        ("::1", True),
        ("fd00::1", True),
        ("::ffff:192.168.1.1", True),
        ("169.254.169.254", False),
        ("fe80::1", False),
        ("64:ff9b::a9fe:a9fe", False),
        ("224.0.0.1", False),
        ("0.0.0.0", False),
        ("8.8.8.8", False),
    ],
)
def test_is_local_is_what_allow_private_allows(ip: str, local: bool) -> None:
    assert is_local(ipaddress.ip_address(ip)) is local


@pytest.mark.parametrize(
    ("ip", "shown"),
    [
        ("127.0.0.1", "a loopback address"),
        ("10.0.0.5", "a private address"),
        ("100.64.0.1", "a shared address"),
        ("169.254.169.254", "a link-local address"),
        ("64:ff9b::a9fe:a9fe", "a link-local address"),
        ("224.0.0.1", "a multicast address"),
        ("0.0.0.0", "an unspecified address"),
        ("240.0.0.1", "a reserved address"),
        ("192.0.2.1", "a non-public address"),
    ],
)
def test_describe_names_the_kind(ip: str, shown: str) -> None:
    assert describe(ipaddress.ip_address(ip)) == shown
