"""Small helpers shared by the fetch tests: run one fetch, or many, on a fresh loop."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from ipaddress import ip_address

from monitor.errors import FetchError
from monitor.fetch import Fetcher
from monitor.fetch.addresses import AddressPolicy
from monitor.model import FetchRequest, FetchResult, HttpSettings

LOOPBACK = HttpSettings(allow_private_networks=True)
# Private networks refused, except the test server's own address.
ONLY_TEST_SERVER = AddressPolicy(allow_private=False, exempt=frozenset({ip_address("127.0.0.1")}))


def fetch(
    url: str,
    *,
    settings: HttpSettings = LOOPBACK,
    policy: AddressPolicy | None = None,
    timeout: float = 10.0,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    request = FetchRequest(url=url, timeout=timeout, etag=etag, last_modified=last_modified)

    async def run() -> FetchResult:
        async with Fetcher(settings, address_policy=policy) as fetcher:
            return await fetcher.fetch(request)

    return asyncio.run(run())


def fetch_error(url: str, **kwargs: object) -> FetchError:
    """The FetchError that fetching ``url`` must raise."""
    try:
        result = fetch(url, **kwargs)  # type: ignore[arg-type]
    except FetchError as e:
        return e
    raise AssertionError(f"expected FetchError, got {result!r}")


def fetch_many(
    urls: Sequence[str], *, settings: HttpSettings = LOOPBACK, timeout: float = 10.0
) -> list[FetchResult | BaseException]:
    async def run() -> list[FetchResult | BaseException]:
        async with Fetcher(settings) as fetcher:
            return await asyncio.gather(
                *(fetcher.fetch(FetchRequest(url=u, timeout=timeout)) for u in urls),
                return_exceptions=True,
            )

    return asyncio.run(run())
