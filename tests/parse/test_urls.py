"""canonical_url: one spelling per article (table-driven, URLs shaped like our sources')."""

from __future__ import annotations

import pytest

from monitor.parse import canonical_url
from monitor.parse.urls import absolute_http_url

SLUG = "%D8%A7%D8%B9%D8%AF%D8%A7%D9%85"  # اعدام, percent-encoded as UTF-8

CASES = [
    # scheme and host case, default ports, fragments
    ("HTTPS://IranHR.net:443/en/articles/7777/#comments", "https://iranhr.net/en/articles/7777/"),
    ("http://www.en-hrana.org:80/feed/", "http://www.en-hrana.org/feed/"),
    (
        "https://news.un.org:8443/en/story/2022/04/1115242",
        "https://news.un.org:8443/en/story/2022/04/1115242",
    ),
    ("https://example.org", "https://example.org/"),
    ("https://Example.ORG./a", "https://example.org/a"),
    # www. is kept as is (documented choice)
    ("https://www.iranhumanrights.org/2024/01/x/", "https://www.iranhumanrights.org/2024/01/x/"),
    ("https://iranhumanrights.org/2024/01/x/", "https://iranhumanrights.org/2024/01/x/"),
    # tracking parameters
    (
        "https://iranwire.com/en/news/123-x/?utm_source=rss_feed&utm_medium=rss",
        "https://iranwire.com/en/news/123-x/",
    ),
    (
        "https://www.dw.com/fa-ir/a-68000000?maca=fa-rss-fa-all-1127-xml-mrss",
        "https://www.dw.com/fa-ir/a-68000000",
    ),
    ("https://www.dw.com/en/a-1?maca=en-rss-en-ger-1023-rdf", "https://www.dw.com/en/a-1"),
    (
        "https://www.theguardian.com/world/2024/jan/01/iran?CMP=share_btn_tw",
        "https://www.theguardian.com/world/2024/jan/01/iran",
    ),
    (
        "https://www.bbc.com/persian/articles/c1?at_medium=RSS&at_campaign=KARANGA",
        "https://www.bbc.com/persian/articles/c1",
    ),
    ("https://www.rfi.fr/fa/20240101-x?xtor=RSS-1", "https://www.rfi.fr/fa/20240101-x"),
    (
        "https://www.heise.de/newsticker/meldung/x-4205274.html?wt_mc=rss.ho.beitrag.rdf",
        "https://www.heise.de/newsticker/meldung/x-4205274.html",
    ),
    (
        "https://example.org/a?fbclid=IwAR0&gclid=1&mc_cid=2&mc_eid=3&ocid=4&ref=rss&rss=1&cmpid=5",
        "https://example.org/a",
    ),
    # content parameters are kept, sorted
    (
        "https://www.hrw.org/news?page=2&id=77&utm_campaign=x",
        "https://www.hrw.org/news?id=77&page=2",
    ),
    (
        "https://www.radiofarda.com/a/32000000.html?b=2&a=1&a=0",
        "https://www.radiofarda.com/a/32000000.html?a=0&a=1&b=2",
    ),
    (
        "https://example.org/search?q=death+penalty&src=x",
        "https://example.org/search?q=death+penalty&src=x",
    ),
    ("https://example.org/a?", "https://example.org/a"),
    ("https://example.org/a?b=%26c%3Dd%2B1+2", "https://example.org/a?b=%26c%3Dd%2B1+2"),
    ("https://example.org/a?flag&utm_x=1", "https://example.org/a?flag"),
    # AMP variants
    ("https://www.iranintl.com/en/202501273116?amp", "https://www.iranintl.com/en/202501273116"),
    ("https://www.iranintl.com/en/202501273116?amp=1", "https://www.iranintl.com/en/202501273116"),
    ("https://iranwire.com/fa/news/123-slug/amp/", "https://iranwire.com/fa/news/123-slug/"),
    ("https://example.org/news/123/amp", "https://example.org/news/123"),
    ("https://example.org/amp/news/123", "https://example.org/news/123"),
    (
        "https://amp.theguardian.com/world/2024/jan/01/iran",
        "https://theguardian.com/world/2024/jan/01/iran",
    ),
    (
        "https://www.bbc.com/persian/articles/c0abc.amp",
        "https://www.bbc.com/persian/articles/c0abc",
    ),
    (
        "https://www.washingtonpost.com/world/x/?outputType=amp",
        "https://www.washingtonpost.com/world/x/",
    ),
    (
        "https://www-iranintl-com.cdn.ampproject.org/c/s/www.iranintl.com/en/202501273116?amp=1",
        "https://www.iranintl.com/en/202501273116",
    ),
    ("https://example.org/ampere/amplifier", "https://example.org/ampere/amplifier"),
    # percent-encoding: Persian slugs agree whichever way they arrive
    (
        f"https://www.hra-news.org/2024/hranews/a-1/{SLUG}/",
        f"https://www.hra-news.org/2024/hranews/a-1/{SLUG}/",
    ),
    (
        f"https://www.hra-news.org/2024/hranews/a-1/{SLUG.lower()}/",
        f"https://www.hra-news.org/2024/hranews/a-1/{SLUG}/",
    ),
    (
        "https://www.hra-news.org/2024/hranews/a-1/اعدام/",
        f"https://www.hra-news.org/2024/hranews/a-1/{SLUG}/",
    ),
    ("https://example.org/%7Euser/%41bc%2Fd", "https://example.org/~user/Abc%2Fd"),
    ("https://example.org/a b/100%", "https://example.org/a%20b/100%25"),
    ("https://example.org/?q=%D8%A7%d8%b9&x=%41", "https://example.org/?q=%D8%A7%D8%B9&x=A"),
    # non-http(s) and garbage come back stripped and otherwise untouched
    ("  mailto:Desk@Example.org ", "mailto:Desk@Example.org"),
    ("not a url", "not a url"),
    ("https://[::1", "https://[::1"),
    ("https://[2001:DB8::1]:443/x", "https://[2001:db8::1]/x"),
]


@pytest.mark.parametrize(("url", "expected"), CASES)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(("url", "_"), CASES)
def test_canonical_url_is_idempotent(url: str, _: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once


@pytest.mark.parametrize(
    ("link", "base", "expected"),
    [
        ("/en/articles/1/", "https://iranhr.net/en/rss/", "https://iranhr.net/en/articles/1/"),
        ("story/2022/04/1", "https://news.un.org/en/", "https://news.un.org/en/story/2022/04/1"),
        ("https://x.org/a", "https://y.org/", "https://x.org/a"),
        ("javascript:alert(1)", "https://x.org/", None),
        ("data:text/html,<script>", "https://x.org/", None),
        ("mailto:a@b.org", "https://x.org/", None),
        ("", "https://x.org/", None),
        (None, "https://x.org/", None),
        ("/relative/without/base", "", None),
        ("https:///nohost", "", None),
        ("https://example.org/a?b=%26c%3Dd", "", "https://example.org/a?b=%26c%3Dd"),
    ],
)
def test_absolute_http_url(link: str | None, base: str, expected: str | None) -> None:
    assert absolute_http_url(link, base) == expected
