"""Hazard 5: private addresses are refused at connect time, on every hop.

The server listens on 127.0.0.1. With ``allow_private_networks`` false nothing reaches
it, however the address is spelled; with it true every spelling works. Redirects into a
private network are refused with a policy that exempts only the test server itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import httpcore
import pytest

from monitor.fetch.addresses import AddressPolicy
from monitor.fetch.guard import AddressRefused, GuardedBackend, SocketOption
from monitor.model import HttpSettings
from tests.fetch.helpers import LOOPBACK, ONLY_TEST_SERVER, fetch, fetch_error
from tests.servers.feed_server import FeedServer, send

FEED = b"<rss version='2.0'><channel><title>t</title></channel></rss>"
REFUSING = HttpSettings(allow_private_networks=False)


def spellings(server: FeedServer) -> dict[str, str]:
    port = server.base_url.rsplit(":", 1)[1]
    return {
        "literal": f"http://127.0.0.1:{port}/feed.xml",
        "decimal": f"http://2130706433:{port}/feed.xml",  # 127.0.0.1 as one number
        "mapped": f"http://[::ffff:127.0.0.1]:{port}/feed.xml",  # IPv4-mapped IPv6
        "name": f"http://localhost:{port}/feed.xml",  # a DNS name for a private address
    }


@pytest.mark.parametrize("spelling", ["literal", "decimal", "mapped", "name"])
def test_private_addresses_are_refused(feed_server: FeedServer, spelling: str) -> None:
    feed_server.add_feed("/feed.xml", FEED)
    url = spellings(feed_server)[spelling]
    error = fetch_error(url, settings=REFUSING)
    message = str(error)
    assert message.startswith("refused to connect to private address ")
    assert f"for {url.removesuffix('/feed.xml')}" in message
    assert message.endswith("; set http.allow_private_networks: true to allow")
    assert isinstance(error.__cause__, AddressRefused)
    assert feed_server.requests == []  # nothing was sent


def test_refusal_names_the_address(feed_server: FeedServer) -> None:
    error = fetch_error(spellings(feed_server)["mapped"], settings=REFUSING)
    assert "private address ::ffff:127.0.0.1 (loopback)" in str(error)
    error = fetch_error(spellings(feed_server)["decimal"], settings=REFUSING)
    assert "private address 127.0.0.1 (loopback)" in str(error)


@pytest.mark.parametrize("spelling", ["literal", "decimal", "mapped"])
def test_private_addresses_allowed_by_the_setting(feed_server: FeedServer, spelling: str) -> None:
    feed_server.add_feed("/feed.xml", FEED)
    assert fetch(spellings(feed_server)[spelling], settings=LOOPBACK).body == FEED


def test_ipv6_loopback_is_refused() -> None:
    error = fetch_error("http://[::1]:9/feed.xml", settings=REFUSING)
    assert "private address ::1 (loopback)" in str(error)


def test_redirect_to_cloud_metadata_is_refused(feed_server: FeedServer) -> None:
    error = fetch_error(feed_server.url("/redirect-private"), policy=ONLY_TEST_SERVER)
    assert str(error).startswith(
        "refused to connect to private address 169.254.169.254 (link-local) "
        "for http://169.254.169.254/latest/ (redirected from "
    )
    assert len(feed_server.requests) == 1


def test_redirect_to_a_private_name_is_refused(feed_server: FeedServer) -> None:
    """A hop to a name is checked after resolution, like the first request."""
    feed_server.add_route(
        "/to-zero", lambda handler: send(handler, 302, headers={"Location": "http://0.0.0.0:9/"})
    )
    error = fetch_error(feed_server.url("/to-zero"), policy=ONLY_TEST_SERVER)
    assert "private address 0.0.0.0 (unspecified)" in str(error)


def test_exempt_policy_still_reaches_the_test_server(feed_server: FeedServer) -> None:
    feed_server.add_feed("/feed.xml", FEED)
    assert fetch(feed_server.url("/redirect/2/feed.xml"), policy=ONLY_TEST_SERVER).body == FEED


# -- the guard connects to the address it checked -----------------------------------------


class RecordingBackend(httpcore.AsyncNetworkBackend):
    """Stands in for the socket layer: records where it was asked to connect."""

    def __init__(self) -> None:
        self.hosts: list[str] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.hosts.append(host)
        raise httpcore.ConnectError("recorded")


@pytest.mark.parametrize(("host", "connected"), [
    ("localhost", "127.0.0.1"),  # resolved once; the socket gets the checked number
    ("2130706433", "127.0.0.1"),
    ("::ffff:127.0.0.1", "127.0.0.1"),  # IPv4-mapped is dialled over IPv4
    ("127.0.0.1", "127.0.0.1"),
])
def test_guard_dials_the_checked_address(host: str, connected: str) -> None:
    inner = RecordingBackend()
    guard = GuardedBackend(inner, AddressPolicy(allow_private=True))
    with pytest.raises(httpcore.ConnectError):
        asyncio.run(guard.connect_tcp(host, 80))
    assert connected in inner.hosts
    assert host == connected or host not in inner.hosts


def test_guard_refuses_before_dialling() -> None:
    inner = RecordingBackend()
    guard = GuardedBackend(inner, AddressPolicy())
    with pytest.raises(AddressRefused):
        asyncio.run(guard.connect_tcp("localhost", 80))
    assert inner.hosts == []
