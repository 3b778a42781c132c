"""Finding the feeds a web page advertises: ``<link rel="alternate" type=... href=...>``.
Pure: a page's text in, absolute feed addresses out (stdlib ``html.parser``).

Owns telling a web page from a feed document, reading the page's feed links (relative
addresses resolved against ``<base href>`` or the page's address) and which one to use.
Must not: fetch anything, or parse feeds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

FEED_TYPES = {
    "application/rss+xml": "RSS",
    "application/atom+xml": "Atom",
    "application/rdf+xml": "RDF",
    "application/feed+json": "JSON Feed",
}
READABLE = ("application/rss+xml", "application/atom+xml", "application/rdf+xml")
MAX_PAGE = 2_000_000  # characters read; feed links are in the <head>
_FEED_ROOT = re.compile(rb"<(rss|feed|rdf:rdf)[\s>]")  # in the lower-cased start
_HTML_ROOT = re.compile(rb"<(!doctype\s+html|html)[\s>]")


@dataclass(frozen=True)
class FeedLink:
    """One feed a page links to: absolute address, media type and title (may be "")."""

    url: str
    type: str
    title: str

    @property
    def kind(self) -> str:
        return FEED_TYPES[self.type]

    @property
    def readable(self) -> bool:
        """RSS, Atom or RDF: what monitor polls (JSON Feed is not read)."""
        return self.type in READABLE


def looks_like_html(body: bytes, content_type: str | None) -> bool:
    """Whether a fetched document is a web page rather than a feed. The start of the
    body wins over the Content-Type: some sites send their feed as text/html."""
    head = body[:2048].removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    if _FEED_ROOT.search(head):
        return False
    if _HTML_ROOT.search(head):
        return True
    media = (content_type or "").split(";")[0].strip().lower()
    return media in ("text/html", "application/xhtml+xml")


def page_text(body: bytes, content_type: str | None) -> str:
    """The page's text, in the charset the Content-Type names (else UTF-8)."""
    match = re.search(r"charset=[\"']?([\w.:-]+)", content_type or "", re.IGNORECASE)
    charset = match[1] if match else "utf-8"
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def feed_links(page: str, page_url: str) -> list[FeedLink]:
    """Every feed link of ``page`` (fetched from ``page_url``), in page order, each
    address once; only http(s) addresses are kept."""
    parser = _LinkParser()
    parser.feed(page[:MAX_PAGE])
    parser.close()
    base = urljoin(page_url, parser.base) if parser.base else page_url
    links: list[FeedLink] = []
    seen: set[str] = set()
    for href, media, title in parser.links:
        url = urljoin(base, href)
        if urlsplit(url).scheme.lower() not in ("http", "https") or url in seen:
            continue
        seen.add(url)
        links.append(FeedLink(url, media, title))
    return links


def choose(links: list[FeedLink]) -> FeedLink | None:
    """The link to use: the first RSS, Atom or RDF one."""
    return next((link for link in links if link.readable), None)


class _LinkParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.links: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("link", "base"):
            return
        attr = {name.lower(): (value or "").strip() for name, value in attrs}
        if tag == "base":
            if self.base is None and attr.get("href"):
                self.base = attr["href"]
            return
        rels = attr.get("rel", "").lower().split()
        media = attr.get("type", "").split(";")[0].strip().lower()
        if "alternate" in rels and media in FEED_TYPES and attr.get("href"):
            self.links.append((attr["href"], media, " ".join(attr.get("title", "").split())))
