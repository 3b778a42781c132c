"""url_key: the forms of one article's link that must meet, and those that must not."""

from __future__ import annotations

import pytest

from monitor.group import url_key
from monitor.parse import canonical_url

SAME = [
    # (link as a feed gives it, link as another feed gives it)
    ("https://iranhr.net/en/articles/8123/", "http://www.iranhr.net/en/articles/8123"),
    ("https://www.iranhr.net/en/articles/8123/?utm_source=rss&utm_medium=rss",
     "https://iranhr.net/en/articles/8123/"),
    ("https://m.dw.com/en/a-70622205?maca=en-rss-en-ger-1023-rdf", "https://www.dw.com/en/a-70622205"),
    ("https://www.rferl.org/amp/iran-death-sentence/33022173.html",
     "https://rferl.org/iran-death-sentence/33022173.html"),
    ("https://amp.example.org/news/1/", "https://example.org/news/1"),
    ("https://example.org/2025/07/slug/amp/", "https://example.org/2025/07/slug/"),
    ("https://www.bbc.com/persian/articles/c4g2.amp", "https://feeds.bbci.co.uk/persian/articles/c4g2"),
    ("https://www.bbc.co.uk/persian/articles/c4g2", "https://www.bbc.com/persian/articles/c4g2"),
    ("https://example-org.cdn.ampproject.org/c/s/example.org/a/b", "https://example.org/a/b/"),
    ("https://www.hra-news.org/%d8%a7%d8%b9%d8%af%d8%a7%d9%85/",
     "https://hra-news.org/اعدام"),
]
DIFFERENT = [
    ("https://iranhr.net/en/articles/8123/", "https://iranhr.net/en/articles/8124/"),
    ("https://example.org/?p=12", "https://example.org/?p=13"),  # content in the query
    ("https://m.org/a", "https://org/a"),  # two labels stay: m.org is a site
    ("https://iranwire.com/en/a", "https://iranwire.com/fa/a"),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_forms_of_one_article_meet(a: str, b: str) -> None:
    assert url_key(canonical_url(a)) == url_key(canonical_url(b))


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_articles_stay_apart(a: str, b: str) -> None:
    assert url_key(canonical_url(a)) != url_key(canonical_url(b))


@pytest.mark.parametrize(
    "link", [None, "", "https://example.org/", "https://example.org", "mailto:a@b.c",
             "not a url", "https://example.org:notaport/a"],
)
def test_links_that_identify_nothing_have_no_key(link: str | None) -> None:
    assert url_key(link) is None


def test_key_drops_scheme_and_keeps_port_and_query() -> None:
    assert url_key("https://www.example.org:8443/a/?b=1") == "example.org:8443/a?b=1"
