"""Which IP addresses the fetcher may connect to (hazard 5: private addresses).

Owns the pure decision "may we open a TCP connection to this resolved address?".
It does no I/O and knows nothing of URLs or DNS: ``guard.py`` resolves names and
asks this module about every address it got, at connect time.

A feed URL, or any hop of a redirect, can point at 127.0.0.1, 169.254.169.254 (cloud
metadata), 10.x, ``http://2130706433/`` or ``[::ffff:127.0.0.1]``. Such addresses are
refused unless the operator sets ``http.allow_private_networks: true``. Addresses that
embed an IPv4 address (IPv4-mapped, 6to4, NAT64) are judged by the embedded one, so a
wrapper cannot smuggle a loopback address past the check.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address, IPv6Network, ip_address

IPAddress = IPv4Address | IPv6Address

# RFC 6052 well-known NAT64 prefix: the low 32 bits are an IPv4 address.
_NAT64 = IPv6Network("64:ff9b::/96")


def embedded_ipv4(address: IPAddress) -> IPAddress:
    """The address that a packet to ``address`` really reaches, as far as we can tell.

    IPv4-mapped (``::ffff:a.b.c.d``), 6to4 (``2002:AABB:CCDD::/48``) and NAT64
    (``64:ff9b::a.b.c.d``) addresses are unwrapped; anything else is returned as is.
    """
    if isinstance(address, IPv4Address):
        return address
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return IPv4Address(int(address) & 0xFFFF_FFFF)
    return address


def classify(address: IPAddress | str) -> str | None:
    """Why ``address`` is not a public Internet address, or None when it is one.

    The answer is a short word for messages: "loopback", "link-local", "private"...
    """
    if isinstance(address, str):
        address = ip_address(address)
    target = embedded_ipv4(address)
    # Order matters only for the word reported: the most specific reason first.
    if target.is_unspecified:
        return "unspecified"
    if target.is_loopback:
        return "loopback"
    if target.is_link_local:
        return "link-local"
    if target.is_multicast:
        return "multicast"
    if target.is_private:
        return "private"
    if target.is_reserved:
        return "reserved"
    if not target.is_global:
        # e.g. 100.64.0.0/10 (carrier-grade NAT, home of some cloud metadata services)
        return "not globally routable"
    return None


@dataclass(frozen=True)
class AddressPolicy:
    """The rule applied to every resolved address before connecting.

    ``exempt`` lists addresses allowed even when private networks are not; the
    production fetcher leaves it empty. It exists so that tests can serve from
    127.0.0.1 while proving that every other private address is still refused.
    """

    allow_private: bool = False
    exempt: frozenset[IPAddress] = frozenset()

    def refusal(self, address: IPAddress | str) -> str | None:
        """The reason to refuse connecting to ``address``, or None to allow it."""
        if self.allow_private:
            return None
        if isinstance(address, str):
            address = ip_address(address)
        if address in self.exempt or embedded_ipv4(address) in self.exempt:
            return None
        return classify(address)
