"""The pipeline with real stages: a loopback server, the real fetcher, parser and store."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from monitor.fetch import Fetcher
from monitor.match import Matcher
from monitor.model import FeedSettings, FetchRequest, FetchResult, HttpSettings, ParsedFeed
from monitor.parse import ParserPool
from monitor.pipeline import Pipeline
from storage import FeedDefinition, Store
from tests.servers.feed_server import SAMPLE_FEEDS, FeedServer


def now() -> datetime:
    return datetime.now(UTC)


class Counting:
    """Wraps the real stages to count polls between fetch start and parse end."""

    def __init__(self, fetcher: Fetcher, parser: ParserPool) -> None:
        self.fetcher, self.parser = fetcher, parser
        self.in_flight = 0
        self.peak = 0

    async def fetch(self, request: FetchRequest) -> FetchResult:
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        return await self.fetcher.fetch(request)

    async def parse(
        self, body: bytes, *, base_url: str, fetched_at: datetime, max_items: int = 500
    ) -> ParsedFeed:
        try:
            return await self.parser.parse(
                body, base_url=base_url, fetched_at=fetched_at, max_items=max_items
            )
        finally:
            self.in_flight -= 1


def test_bodies_in_flight_are_bounded(feed_server: FeedServer, store: Store) -> None:
    body = (SAMPLE_FEEDS / "guardian_us_2018-01-31_rss-parser.xml").read_bytes()
    feeds = []
    for i in range(12):
        feed_server.add_feed(f"/f{i}.xml", body.replace(b"<item>", f"<item><!--{i}-->".encode()))
        feeds.append(FeedSettings(id=f"f{i}", url=feed_server.url(f"/f{i}.xml"), name=f"f{i}"))
    store.sync_feeds(
        [FeedDefinition(f.id, f.url, f.name, "news", "en", None, True) for f in feeds], now()
    )

    async def run() -> tuple[int, int]:
        with ParserPool(workers=1) as parser:
            async with Fetcher(HttpSettings(allow_private_networks=True)) as fetcher:
                counting = Counting(fetcher, parser)
                pipeline = Pipeline(
                    fetcher=counting,
                    parser=counting,
                    store=store,
                    matcher=Matcher.build([], []),
                    clock=now,
                    max_in_flight=3,
                )
                reports = await pipeline.poll_many(feeds)
                return counting.peak, sum(r.new_items for r in reports)

    peak, new = asyncio.run(run())
    assert peak == 3
    assert new == 12 * 55
