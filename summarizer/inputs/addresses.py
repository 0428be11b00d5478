"""Which addresses an article may be fetched from: the rules `inputs.fetch` checks each
connection's resolved addresses against.

Public (`is_public`): globally routable unicast, and no IPv6 form of a non-public IPv4 address
(IPv4-mapped, IPv4-translated, NAT64, 6to4; IPv4-compatible and local-use NAT64 never). Local
(`is_local`, what `--allow-private` adds): loopback, private (RFC 1918, ULA) and shared (RFC
6598) networks. Anything else (link-local, cloud metadata at 169.254.169.254 among it,
multicast, reserved, unspecified, documentation ranges) is never fetched. `describe` names
the kind for the refusal line.
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# What `allow_private` allows besides public addresses: loopback, private (RFC 1918, ULA) and
# shared (RFC 6598, carrier-grade NAT and overlay VPNs) networks.
LOCAL_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in ("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
) + tuple(ipaddress.ip_network(n) for n in ("::1/128", "fc00::/7"))
_SHARED = ipaddress.IPv4Network("100.64.0.0/10")

# IPv6 ranges never fetched from, whatever they embed: IPv4-compatible (deprecated; also
# holds :: and ::1), local-use NAT64 (RFC 8215), deprecated site-local.
_NEVER_V6 = tuple(ipaddress.IPv6Network(n) for n in ("::/96", "64:ff9b:1::/48", "fec0::/10"))
# IPv6 ranges whose last 32 bits are an IPv4 address that decides: well-known NAT64 (RFC
# 6052) and IPv4-translated (RFC 2765). IPv4-mapped and 6to4 have their own accessors.
_EMBEDS_V4 = tuple(ipaddress.IPv6Network(n) for n in ("64:ff9b::/96", "::ffff:0:0:0/96"))


def is_public(ip: IPAddress) -> bool:
    """True for a globally routable unicast address: not loopback, private, link-local,
    shared, multicast, reserved or unspecified, nor an IPv6 form of such an IPv4 address.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        if any(ip in net for net in _NEVER_V6):
            return False
        embedded = embedded_ipv4(ip)
        if embedded is not None:
            return is_public(embedded)
        return ip.is_global and not (ip.is_multicast or ip.is_site_local)
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def is_local(ip: IPAddress) -> bool:
    """True for a loopback, private or shared address (or an IPv6 form of one): what
    `allow_private` allows. Link-local, multicast and reserved addresses are not local.
    """
    target = embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else None
    address = target or ip
    return any(address in net for net in LOCAL_NETWORKS)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, NAT64, translated), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if any(ip in net for net in _EMBEDS_V4):
        return ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF)
    return None


def describe(ip: IPAddress) -> str:
    """What kind of address `ip` is, for the refusal line: `a loopback address`, ..."""
    target = embedded_ipv4(ip) if isinstance(ip, ipaddress.IPv6Address) else None
    address = target or ip
    kind = "non-public"
    if address.is_loopback:
        kind = "loopback"
    elif address in _SHARED:
        kind = "shared"
    elif is_local(address):
        kind = "private"
    else:
        for name in ("link-local", "multicast", "unspecified", "reserved"):
            if getattr(address, "is_" + name.replace("-", "_")):
                kind = name
                break
    return ("an " if kind[0] in "aeiou" else "a ") + kind + " address"
