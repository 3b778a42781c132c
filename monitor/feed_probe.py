"""Trying a feed without polling it: fetch one address once (following a web page's
feed link when asked), parse what came back, and say which items would match and
where their alerts would go. For ``monitor feeds add`` and ``monitor feeds test``.

Fetching and parsing go through the real stages (``Fetcher`` with the config's http
settings, so private addresses stay refused unless allowed; ``ParserPool``, so a
hostile document meets the same limits as in a poll), opened and closed here as
``service.pipeline_for`` does.
Must not: store anything, send anything, or print.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from monitor.discovery import FeedLink, choose, feed_links, looks_like_html, page_text
from monitor.errors import FeedError
from monitor.fetch import Fetcher
from monitor.handover import as_records, match_input
from monitor.match import Matcher
from monitor.model import (
    FeedSettings,
    FetchRequest,
    FetchResult,
    HttpSettings,
    ParsedFeed,
    ParsedItem,
)
from monitor.parse import ParserPool
from storage import MatchRecord, Route

MAX_ITEMS = 500  # as many as a poll keeps


@dataclass(frozen=True)
class Probe:
    """What one address gave. ``url`` is the feed's address: the one given, or the one
    found on the page ``page_url`` (then ``links`` lists every feed link there)."""

    url: str
    status: int
    final_url: str
    feed: ParsedFeed
    page_url: str | None = None
    links: tuple[FeedLink, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """An item that would match, what it matched, and where its alerts would go."""

    item: ParsedItem
    matches: tuple[MatchRecord, ...]
    routes: tuple[Route, ...]


class NotAFeed(FeedError):
    """The address is a web page (``links``: the feeds it advertises, maybe none)."""

    def __init__(self, message: str, links: Sequence[FeedLink] = ()) -> None:
        super().__init__(message)
        self.links = tuple(links)


async def probe(
    http: HttpSettings, url: str, timeout: float, *, discover: bool
) -> Probe:
    """Fetch and parse ``url``. A web page is followed to its first RSS/Atom/RDF link
    when ``discover``; otherwise (or when it has none) it is ``NotAFeed``. Raises
    ``FetchError`` and ``ParseError`` as a poll would."""
    now = datetime.now(UTC)
    with ParserPool(workers=1) as parser:
        async with Fetcher(http) as fetcher:
            result = await _fetch(fetcher, url, timeout)
            page_url: str | None = None
            links: tuple[FeedLink, ...] = ()
            if looks_like_html(result.body or b"", result.content_type):
                found = feed_links(page_text(result.body or b"", result.content_type),
                                   result.url)  # fmt: skip
                chosen = choose(found)
                if not discover or chosen is None:
                    raise NotAFeed(_page_message(url, found, discover), found)
                page_url, links, url = url, tuple(found), chosen.url
                result = await _fetch(fetcher, url, timeout)
                if looks_like_html(result.body or b"", result.content_type):
                    raise NotAFeed(f"{url} (linked as a feed from {page_url}) is a web page too")
            parsed = await parser.parse(
                result.body or b"", base_url=result.url, fetched_at=now, max_items=MAX_ITEMS
            )
    return Probe(url, result.status, result.url, parsed, page_url, links)


async def _fetch(fetcher: Fetcher, url: str, timeout: float) -> FetchResult:
    # No validators: a 304 is impossible and every answer has a body.
    return await fetcher.fetch(FetchRequest(url=url, timeout=timeout))


def _page_message(url: str, links: Sequence[FeedLink], discover: bool) -> str:
    if not links:
        return (
            f"{url} is a web page, and it names no feed (no <link rel=\"alternate\""
            " type=\"application/rss+xml\">); find the feed's own address (often ending"
            " in /feed/, /rss or .xml) and give that"
        )
    if not discover:
        return f"{url} is a web page, not a feed; the feeds it links to are listed below"
    return (
        f"{url} is a web page that links only to feeds monitor cannot read (JSON Feed);"
        " give the address of an RSS or Atom feed directly"
    )


def verdicts(
    feed: FeedSettings,
    items: Sequence[ParsedItem],
    matcher: Matcher,
    router: Callable[[tuple[MatchRecord, ...]], tuple[Route, ...]],
) -> list[Verdict]:
    """The items that match, in feed order, as a poll would match and route them."""
    out = []
    for item in items:
        hits = matcher.match(match_input(feed, item))
        if hits:
            matches = as_records(hits)
            out.append(Verdict(item, matches, router(matches)))
    return out


def detected_language(feed: ParsedFeed) -> str | None:
    """The language most of the items declare (or the feed does, for all), if any."""
    counts: dict[str, int] = {}
    for item in feed.items:
        if item.language:
            counts[item.language] = counts.get(item.language, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None
