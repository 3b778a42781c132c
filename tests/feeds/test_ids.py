"""Default feed ids, tags from categories and same-address checks (pure, table-driven)."""

from __future__ import annotations

import pytest

from monitor.config.kinds import Identifier
from monitor.feed_ids import derive_id, same_feed, slugify, tag_for


@pytest.mark.parametrize(
    ("title", "url", "taken", "expected"),
    [
        ("Iran Human Rights (IHRNGO)", "https://iranhr.net/en/rss/", [],
         "iran-human-rights-ihrngo"),
        ("Amnesty — Élections & Droits", "https://x.example/", [], "amnesty-elections-droits"),
        ("هرانا", "https://www.hra-news.org/feed/", [], "hra-news"),
        ("", "https://feeds.bbci.co.uk/persian/rss.xml", [], "bbci-co"),
        ("", "http://127.0.0.1:8080/feed", [], "127-0-0-1"),
        ("", "https://localhost/feed", [], "localhost"),
        ("NGO", "https://ngo.example/", ["ngo"], "ngo-2"),
        ("NGO", "https://ngo.example/", ["NGO", "ngo-2"], "ngo-3"),
        ("!!!", "https://例え.jp/", [], "feed"),
        ("A very long title that goes on and on about human rights in many countries",
         "https://x.example/", [], "a-very-long-title-that-goes-on-and-on"),
    ],
)
def test_derive_id(title: str, url: str, taken: list[str], expected: str) -> None:
    feed_id = derive_id(title, url, taken)
    assert feed_id == expected
    assert Identifier().read(feed_id) == feed_id  # always a valid id


def test_slugify_respects_the_limit() -> None:
    assert slugify("x" * 100) == "x" * 40
    assert len(derive_id("x" * 100, "https://a.example", ["x" * 40])) <= 64


@pytest.mark.parametrize(
    ("name", "tag"),
    [("Human Rights", "human-rights"), ("  Iran ", "iran"), ("ایران", "ایران"),
     ("news: Iran, [world]", "news-iran-world")],
)
def test_tag_for(name: str, tag: str) -> None:
    assert tag_for(name) == tag


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://iranhr.net/en/rss/", "http://www.IRANHR.net/en/rss", True),
        ("https://iranhr.net:443/en/rss/", "https://iranhr.net/en/rss/", True),
        ("https://iranhr.net/en/rss/", "https://iranhr.net/fa/rss/", False),
        ("https://x.example/feed?lang=en", "https://x.example/feed?lang=fa", False),
        ("https://x.example:8443/feed", "https://x.example/feed", False),
        ("https://x.example/Feed", "https://x.example/feed", False),
    ],
)
def test_same_feed(a: str, b: str, same: bool) -> None:
    assert same_feed(a, b) is same
