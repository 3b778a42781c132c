"""Redirect rules: next hop, schemes, the hop limit, permanent moves (pure)."""

import httpx
import pytest

from monitor.errors import FetchError
from monitor.fetch.redirects import RedirectChain, parse_feed_url

START = httpx.URL("https://example.org/a/feed.xml")


@pytest.mark.parametrize(("location", "target"), [
    ("/b/feed.xml", "https://example.org/b/feed.xml"),
    ("other.xml", "https://example.org/a/other.xml"),
    ("//mirror.example.net/feed", "https://mirror.example.net/feed"),
    ("http://example.com/rss", "http://example.com/rss"),
    ("https://example.org/rss#top", "https://example.org/rss"),
])
def test_follow_resolves_location(location: str, target: str) -> None:
    chain = RedirectChain(START, max_redirects=5)
    assert str(chain.follow(302, location)) == target
    assert chain.hops == 1


@pytest.mark.parametrize("location", [
    "ftp://example.org/feed",
    "file:///etc/passwd",
    "javascript:alert(1)",
    "gopher://example.org/",
])
def test_follow_refuses_other_schemes(location: str) -> None:
    with pytest.raises(FetchError, match="refused redirect"):
        RedirectChain(START, max_redirects=5).follow(302, location)


def test_missing_location() -> None:
    with pytest.raises(FetchError, match="without a Location"):
        RedirectChain(START, max_redirects=5).follow(301, None)


def test_hop_limit() -> None:
    chain = RedirectChain(START, max_redirects=2)
    chain.follow(302, "/1")
    chain.follow(302, "/2")
    with pytest.raises(FetchError, match="more than 2 redirects starting at https://example.org"):
        chain.follow(302, "/3")


@pytest.mark.parametrize(("statuses", "permanent"), [
    ([], False),
    ([301], True),
    ([308], True),
    ([301, 308, 301], True),
    ([301, 302], False),
    ([307], False),
    ([303, 301], False),
])
def test_permanent_only_when_every_hop_is(statuses: list[int], permanent: bool) -> None:
    chain = RedirectChain(START, max_redirects=5)
    for i, status in enumerate(statuses):
        chain.follow(status, f"/hop{i}")
    expected = str(chain.current) if permanent else None
    assert chain.permanent_url == expected


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://example.org/feed", "only http and https"),
    ("file:///etc/passwd", "only http and https"),
    ("not a url", "only http and https"),
    ("http://", "invalid URL"),
    ("http://example.org:notaport/", "invalid URL"),
    ("http://[::1/feed", "invalid URL"),
])
def test_parse_feed_url_refuses(url: str, message: str) -> None:
    with pytest.raises(FetchError, match=message):
        parse_feed_url(url)
