"""The connect-time address check: an httpcore network backend that resolves, checks, connects.

Owns hazard 5 where it can be enforced: at the moment a TCP connection is opened,
for the first request and every redirect hop alike. The backend resolves the host
name once, asks ``AddressPolicy`` about every address, and then connects to one of
those very addresses (as a numeric address), so there is no second DNS lookup and no
window for DNS rebinding between the check and the connection. TLS is unaffected:
httpcore starts TLS on the returned stream with the URL's host name as SNI and for
certificate verification.

A refusal raises ``AddressRefused``, which passes through httpcore and httpx untouched
and is turned into a ``FetchError`` by the fetcher, which knows the URL.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterable
from ipaddress import IPv6Address, ip_address

import httpcore
from httpcore import AsyncNetworkBackend, AsyncNetworkStream

from monitor.fetch.addresses import AddressPolicy, IPAddress

# httpcore's own alias, spelled out because it is not exported.
SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)


class AddressRefused(Exception):
    """The host resolved to an address the policy forbids; nothing was sent."""

    def __init__(self, host: str, address: str, reason: str) -> None:
        super().__init__(f"{host} resolves to {reason} address {address}")
        self.host = host
        self.address = address
        self.reason = reason


class GuardedBackend(AsyncNetworkBackend):
    """Wraps a real backend (anyio's); only ``connect_tcp`` differs."""

    def __init__(self, inner: AsyncNetworkBackend, policy: AddressPolicy) -> None:
        self._inner = inner
        self._policy = policy

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> AsyncNetworkStream:
        addresses = await _resolve(host, port, timeout)
        for address in addresses:
            reason = self._policy.refusal(address)
            if reason is not None:
                # One forbidden answer is enough: a name that points into a private
                # network is not a feed we should reach by trying its other addresses.
                raise AddressRefused(host, _display(address), reason)
        last_error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    _connectable(address),
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as e:
                last_error = e
        assert last_error is not None  # _resolve never returns an empty list
        raise last_error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are never used for feeds")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


async def _resolve(host: str, port: int, timeout: float | None) -> list[IPAddress]:
    """Every address of ``host``, in the resolver's preferred order, without duplicates."""
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(timeout):
            infos = await loop.getaddrinfo(
                host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
            )
    except TimeoutError as e:
        raise httpcore.ConnectTimeout(f"no answer from DNS for {host}") from e
    except (socket.gaierror, UnicodeError) as e:
        raise httpcore.ConnectError(f"could not resolve host {host} ({_reason(e)})") from e
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        # IPv6 sockaddr may carry a zone ("fe80::1%eth0"); the policy refuses those anyway.
        address = ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise httpcore.ConnectError(f"could not resolve host {host} (no addresses)")
    return addresses


def _connectable(address: IPAddress) -> str:
    # Connect to an IPv4-mapped address over IPv4: same host, works without IPv6.
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def _display(address: IPAddress) -> str:
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return f"::ffff:{address.ipv4_mapped}"  # as people write it, not ::ffff:7f00:1
    return str(address)


def _reason(error: Exception) -> str:
    if isinstance(error, socket.gaierror) and len(error.args) > 1:
        return str(error.args[1])
    return str(error)
