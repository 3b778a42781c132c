"""Feed links in web pages, and telling a page from a feed (pure, table-driven)."""

from __future__ import annotations

import pytest

from monitor.discovery import choose, feed_links, looks_like_html, page_text

PAGE = "https://ngo.example/en/news/"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        ('<link rel="alternate" type="application/rss+xml" href="/feed/">',
         [("https://ngo.example/feed/", "RSS")]),
        ('<link rel="alternate" type="application/atom+xml" href="atom.xml">',
         [("https://ngo.example/en/news/atom.xml", "Atom")]),
        ('<LINK REL="Alternate" TYPE="Application/RSS+XML; charset=utf-8" HREF="//cdn.example/f">',
         [("https://cdn.example/f", "RSS")]),
        ('<base href="https://other.example/x/"><link rel="alternate" '
         'type="application/rdf+xml" href="rdf">', [("https://other.example/x/rdf", "RDF")]),
        ('<link rel="alternate home" type="application/feed+json" href="/f.json" />',
         [("https://ngo.example/f.json", "JSON Feed")]),
        ('<link rel="stylesheet" type="application/rss+xml" href="/no">', []),
        ('<link rel="alternate" type="text/html" hreflang="fa" href="/fa/">', []),
        ('<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">', []),
        ('<link rel="alternate" type="application/rss+xml">', []),
        ('<link rel="alternate" type="application/rss+xml" href="/a?x=1&amp;y=2">'
         '<link rel="alternate" type="application/rss+xml" href="/a?x=1&y=2">',
         [("https://ngo.example/a?x=1&y=2", "RSS")]),
    ],
)
def test_feed_links(head: str, expected: list[tuple[str, str]]) -> None:
    html = f"<!doctype html><html><head>{head}</head><body></body></html>"
    assert [(link.url, link.kind) for link in feed_links(html, PAGE)] == expected


@pytest.mark.parametrize(
    ("types", "chosen"),
    [
        (["application/feed+json", "application/atom+xml", "application/rss+xml"], "/2"),
        (["application/rss+xml", "application/atom+xml"], "/1"),
        (["application/feed+json"], None),
        ([], None),
    ],
)
def test_choose_the_first_rss_or_atom_link(types: list[str], chosen: str | None) -> None:
    head = "".join(f'<link rel="alternate" type="{t}" href="/{i}">'
                   for i, t in enumerate(types, 1))  # fmt: skip
    link = choose(feed_links(f"<html><head>{head}</head></html>", PAGE))
    assert (link.url if link else None) == (f"https://ngo.example{chosen}" if chosen else None)


@pytest.mark.parametrize(
    ("body", "content_type", "html"),
    [
        (b"<!DOCTYPE html><html>", None, True),
        (b"\xef\xbb\xbf  <html lang='fa'>", "application/octet-stream", True),
        (b'<?xml version="1.0"?><rss version="2.0">', "text/html", False),
        (b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">', None, False),
        (b'<?xml version="1.0"?><rdf:RDF>', None, False),
        (b'<?xml version="1.0"?><!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml">',
         None, True),
        (b"<p>hello</p>", "text/html; charset=utf-8", True),
        (b"<p>hello</p>", "text/plain", False),
    ],
)
def test_looks_like_html(body: bytes, content_type: str | None, html: bool) -> None:
    assert looks_like_html(body, content_type) is html


def test_page_text_uses_the_declared_charset() -> None:
    assert page_text("é".encode("latin-1"), "text/html; charset=ISO-8859-1") == "é"
    assert page_text("é".encode(), "text/html; charset=nonsense") == "é"
