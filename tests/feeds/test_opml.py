"""Reading and writing OPML subscription lists (pure, table-driven)."""

from __future__ import annotations

import listparser
import pytest

from monitor.errors import InputError
from monitor.opml import OpmlFeed, read_opml, write_opml


def opml(body: str, version: str = "2.0") -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><opml version="{version}">'
            f"<head><title>t</title></head><body>{body}</body></opml>").encode()  # fmt: skip


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('<outline type="rss" text="A" xmlUrl="https://a.example/feed"/>',
         [OpmlFeed("https://a.example/feed", "A")]),
        ('<outline title="Only title" xmlurl=" https://a.example/f "/>',
         [OpmlFeed("https://a.example/f", "Only title")]),
        ('<outline text="Rights"><outline text="Iran">'
         '<outline text="A" xmlUrl="https://a.example/"/></outline>'
         '<outline text="B" xmlUrl="https://b.example/" category="/x/y,z"/></outline>',
         [OpmlFeed("https://a.example/", "A", categories=("Rights", "Iran")),
          OpmlFeed("https://b.example/", "B", categories=("Rights", "x", "y", "z"))]),
        ('<outline text="A" xmlUrl="https://a.example/" monitorId="a" monitorLabel="ngo"'
         ' language="fa" monitorCountry="IR" monitorInterval="1h" monitorEnabled="false"/>',
         [OpmlFeed("https://a.example/", "A", id="a", label="ngo", language="fa",
                   country="IR", interval="1h", enabled=False)]),
        ('<outline text="list" type="source" xmlUrl="https://lists.example/other.opml"/>'
         '<outline text="site only" htmlUrl="https://site.example/"/>', []),
        ('<outline text="ایران‌وایر" xmlUrl="https://iranwire.com/fa/feed/"/>',
         [OpmlFeed("https://iranwire.com/fa/feed/", "ایران‌وایر")]),
    ],
)
def test_read_opml(body: str, expected: list[OpmlFeed]) -> None:
    assert read_opml(opml(body)) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<rss version='2.0'><channel/></rss>", "not an OPML file (its root element is <rss>)"),
        (b"<opml><body><outline", "not well-formed XML"),
        (b'<?xml version="1.0"?><!DOCTYPE opml SYSTEM "http://evil.example/opml.dtd"><opml/>',
         "DOCTYPE declarations are refused"),
        (b'<!DOCTYPE opml [<!ENTITY a "x">]><opml/>', "DOCTYPE declarations are refused"),
        ("<?xml version='1.0' encoding='UTF-16'?><!DOCTYPE o [<!ENTITY a 'x'>]><opml/>"
         .encode("utf-16"), "DOCTYPE declarations are refused"),
        (b"", "not well-formed XML"),
    ],
)
def test_bad_and_hostile_files_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match="list.opml:") as caught:
        read_opml(data, "list.opml")
    assert message in str(caught.value)


def test_written_lists_read_back_the_same_and_in_listparser() -> None:
    feeds = [
        OpmlFeed("https://a.example/feed?x=1&y=2", 'Quotes " and <tags> & ایران', id="a",
                 label="ngo", language="fa", country="IR", interval="30m",
                 categories=("iran", "death-penalty")),
        OpmlFeed("https://b.example/", "B", enabled=False),
    ]
    text = write_opml(feeds)
    assert read_opml(text.encode()) == feeds
    parsed = listparser.parse(text)
    assert not parsed.bozo and parsed.version == "opml2"
    assert [(f.url, f.title, f.tags) for f in parsed.feeds] == [
        (feeds[0].url, feeds[0].title, ["iran", "death-penalty"]),
        ("https://b.example/", "B", []),
    ]
