"""parse_document on minimal documents: formats, identity, dates, sanitising, refusals."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.errors import ParseError
from monitor.parse import parse_document

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
BASE = "https://iranhr.net/en/rss/"


def parse(body: str | bytes, **kwargs: object) -> object:
    data = body.encode() if isinstance(body, str) else body
    return parse_document(data, base_url=BASE, fetched_at=NOW, **kwargs)  # type: ignore[arg-type]


def rss_item(inner: str, *, channel: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>IHR</title>'
        f"<link>https://iranhr.net/en/</link>{channel}<item>{inner}</item></channel></rss>"
    ).encode()


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# --- formats ---------------------------------------------------------------------------

FORMATS = {
    "rss090": """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://my.netscape.com/rdf/simple/0.9/">
  <channel><title>Feed</title><link>https://example.org/</link><description>d</description></channel>
  <item><title>Execution in Ghezel Hesar</title><link>https://example.org/a/1</link></item>
</rdf:RDF>""",
    "rss091u": """<?xml version="1.0"?><rss version="0.91"><channel><title>Feed</title>
  <link>https://example.org/</link><description>d</description><language>en</language>
  <item><title>Execution in Ghezel Hesar</title><link>https://example.org/a/1</link>
  <description>text</description></item></channel></rss>""",
    "rss092": """<?xml version="1.0"?><rss version="0.92"><channel><title>Feed</title>
  <link>https://example.org/</link><description>d</description>
  <item><title>Execution in Ghezel Hesar</title><link>https://example.org/a/1</link>
  </item></channel></rss>""",
    "rss10": """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://example.org/"><title>Feed</title><link>https://example.org/</link>
    <description>d</description></channel>
  <item rdf:about="https://example.org/a/1"><title>Execution in Ghezel Hesar</title>
    <link>https://example.org/a/1</link><dc:date>2026-02-27T08:00:00+03:30</dc:date></item>
</rdf:RDF>""",
    "rss20": """<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>
  <link>https://example.org/</link><description>d</description>
  <item><title>Execution in Ghezel Hesar</title><link>https://example.org/a/1</link>
  <guid isPermaLink="false">ihr-1</guid><pubDate>Fri, 27 Feb 2026 08:00:00 +0330</pubDate>
  </item></channel></rss>""",
    "atom10": """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>Feed</title>
  <link href="https://example.org/"/><id>urn:feed</id><updated>2026-02-27T04:30:00Z</updated>
  <entry><title>Execution in Ghezel Hesar</title><link href="https://example.org/a/1"/>
    <id>urn:ihr:1</id><updated>2026-02-27T04:30:00Z</updated><summary>s</summary></entry>
</feed>""",
}


@pytest.mark.parametrize(("version", "document"), FORMATS.items())
def test_formats(version: str, document: str) -> None:
    feed = parse(document)
    assert feed.format == version
    assert feed.title == "Feed"
    assert feed.link == "https://example.org/"
    assert feed.warning is None
    (item,) = feed.items
    assert item.title == "Execution in Ghezel Hesar"
    assert item.url == "https://example.org/a/1"


def test_dates_are_utc_whatever_the_feed_zone() -> None:
    for version in ("rss10", "rss20", "atom10"):
        (item,) = parse(FORMATS[version]).items
        assert item.published == datetime(2026, 2, 27, 4, 30, tzinfo=UTC), version
        assert item.published.tzinfo is UTC
        assert not item.published_is_fetch_time


# --- identity ----------------------------------------------------------------------------

IDENTITY_CASES = [
    # (item xml, expected kind, expected identity)
    ("<guid>ihr-1</guid><link>https://x.org/a</link>", "guid", sha("guid:ihr-1")),
    ("<guid>  ihr-1 \n</guid>", "guid", sha("guid:ihr-1")),
    (
        "<guid>  </guid><link>https://X.org/a?utm_source=rss#top</link>",
        "link",
        sha("link:https://x.org/a"),
    ),
    ("<link>/en/articles/1/</link>", "link", sha("link:https://iranhr.net/en/articles/1/")),
    ("<title>T</title><description>D</description>", "hash", sha("hash:T\x00D")),
    ("<link>javascript:alert(1)</link><title>T</title>", "hash", sha("hash:T\x00")),
]


@pytest.mark.parametrize(("xml", "kind", "identity"), IDENTITY_CASES)
def test_identity(xml: str, kind: str, identity: str) -> None:
    (item,) = parse(rss_item(xml)).items
    assert (item.identity_kind, item.identity) == (kind, identity)


def test_identity_is_stable_across_polls_and_fetch_times() -> None:
    body = rss_item("<title>T</title><description>D</description>")
    first = parse_document(body, base_url=BASE, fetched_at=NOW).items[0]
    later = parse_document(body, base_url=BASE, fetched_at=NOW + timedelta(hours=5)).items[0]
    assert first.identity == later.identity


def test_duplicate_entries_keep_the_first() -> None:
    body = (
        '<rss version="2.0"><channel><title>f</title>'
        "<item><guid>same</guid><title>first</title></item>"
        "<item><guid>other</guid><title>middle</title></item>"
        "<item><guid>same</guid><title>second</title></item>"
        "</channel></rss>"
    )
    titles = [item.title for item in parse(body).items]
    assert sorted(titles) == ["first", "middle"]


# --- dates -------------------------------------------------------------------------------


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[arg-type, misc]


DATE_CASES = [
    # (item xml, expected published, expected is_fetch_time)
    ("<pubDate>Fri, 27 Feb 2026 08:00:00 GMT</pubDate>", utc(2026, 2, 27, 8), False),
    ("", NOW, True),
    ("<pubDate>not a date</pubDate>", NOW, True),
    ("<pubDate>Sun, 01 Mar 2026 23:00:00 GMT</pubDate>", utc(2026, 3, 1, 23), False),
    ("<pubDate>Mon, 02 Mar 2026 13:00:00 GMT</pubDate>", NOW, True),  # > 1 day ahead
    ("<pubDate>Fri, 01 Jan 2027 00:00:00 GMT</pubDate>", NOW, True),
    ("<pubDate>Seg, 24 Set 2018 19:42:40 -0300</pubDate>", utc(2018, 9, 24, 22, 42, 40), False),
    ("<pubDate>۲۷ Feb 2026 08:00:00 +0330</pubDate>", utc(2026, 2, 27, 4, 30), False),
    (  # updated stands in for a missing published
        '<atom:updated xmlns:atom="http://www.w3.org/2005/Atom">2026-02-20T10:00:00Z</atom:updated>',
        utc(2026, 2, 20, 10),
        False,
    ),
]


@pytest.mark.parametrize(("xml", "published", "is_fetch_time"), DATE_CASES)
def test_dates(xml: str, published: datetime, is_fetch_time: bool) -> None:
    (item,) = parse(rss_item("<guid>1</guid>" + xml)).items
    assert (item.published, item.published_is_fetch_time) == (published, is_fetch_time)
    assert item.published.utcoffset() == timedelta(0)


def test_fetched_at_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_document(rss_item("<guid>1</guid>"), base_url=BASE, fetched_at=datetime(2026, 1, 1))


def test_fetched_at_in_another_zone_comes_back_utc() -> None:
    tehran = NOW.astimezone(datetime.now(UTC).astimezone().tzinfo)
    (item,) = parse_document(rss_item("<guid>1</guid>"), base_url=BASE, fetched_at=tehran).items
    assert item.published == NOW and item.published.tzinfo is UTC


# --- cap: newest first, not document order ------------------------------------------------


def test_cap_keeps_the_newest_items() -> None:
    days = [5, 1, 9, 3, 7, 2, 8]  # IranWire-style: not newest-first
    items = "".join(
        f"<item><guid>{d}</guid><title>day {d}</title>"
        f"<pubDate>{d:02d} Feb 2026 00:00:00 GMT</pubDate></item>"
        for d in days
    )
    body = f'<rss version="2.0"><channel><title>f</title>{items}</channel></rss>'
    feed = parse(body, max_items=3)
    assert [item.title for item in feed.items] == ["day 9", "day 8", "day 7"]
    assert len(parse(body).items) == 7


# --- text and HTML --------------------------------------------------------------------------

SANITISE_CASES = [
    ("<p>ok</p><script>alert(1)</script>", "<p>ok</p>"),
    ('<img src="x" onerror="alert(1)">text', "text"),
    ('<a href="javascript:alert(1)">x</a>', '<a rel="noopener noreferrer nofollow">x</a>'),
    ('<p onclick="steal()" style="color:red">x</p>', "<p>x</p>"),
    ('<iframe src="https://evil.example/"></iframe>after', "after"),
    ("<style>p{}</style><b>bold</b>", "<b>bold</b>"),
    (
        '<a href="/en/news/1/">rel</a>',
        '<a href="https://iranhr.net/en/news/1/" rel="noopener noreferrer nofollow">rel</a>',
    ),
    (
        '<a href="mailto:info@iranhr.net">mail</a>',
        '<a href="mailto:info@iranhr.net" rel="noopener noreferrer nofollow">mail</a>',
    ),
    ('<p dir="rtl">حکم اعدام</p>', '<p dir="rtl">حکم اعدام</p>'),
    ("<form><input name=x></form>kept", "kept"),
]


@pytest.mark.parametrize(("html", "expected"), SANITISE_CASES)
def test_summary_is_sanitised(html: str, expected: str) -> None:
    escaped = html.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    (item,) = parse(rss_item(f"<guid>1</guid><description>{escaped}</description>")).items
    assert item.summary == expected


def test_title_is_plain_text_and_collapsed() -> None:
    title = "<![CDATA[  <b>Death</b>\n\n sentence &amp; <i>appeal</i> ]]>"
    xml = f"<guid>1</guid><title>{title}</title>"
    (item,) = parse(rss_item(xml)).items
    assert item.title == "Death sentence & appeal"


def test_plain_text_summary_is_escaped_not_interpreted() -> None:
    body = """<feed xmlns="http://www.w3.org/2005/Atom"><title>f</title><entry><id>1</id>
      <title>t</title><summary type="text">a &lt;b&gt; not bold &amp; co</summary></entry></feed>"""
    (item,) = parse(body).items
    assert item.summary == "a &lt;b&gt; not bold &amp; co"


def test_content_is_the_longest_and_sanitised() -> None:
    body = """<feed xmlns="http://www.w3.org/2005/Atom"><title>f</title><entry><id>1</id>
      <title>t</title><summary>short</summary>
      <content type="html">&lt;p&gt;full text&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;</content>
      <author><name>IHRNGO</name></author></entry></feed>"""
    (item,) = parse(body).items
    assert (item.summary, item.content, item.author) == ("short", "<p>full text</p>", "IHRNGO")


def test_xml_base_resolves_relative_links() -> None:
    body = """<rss version="2.0" xml:base="https://news.un.org/en/"><channel><title>UN</title>
      <item><guid>1</guid><link>story/2022/04/1115242</link>
      <description>&lt;a href="/en/node/1"&gt;n&lt;/a&gt;</description></item></channel></rss>"""
    (item,) = parse(body).items
    assert item.url == "https://news.un.org/en/story/2022/04/1115242"
    assert 'href="https://news.un.org/en/node/1"' in item.summary


def test_language_from_entry_else_feed() -> None:
    body = """<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en"><title>f</title>
      <entry xml:lang="fa"><id>1</id><title>عنوان</title></entry>
      <entry><id>2</id><title>title</title></entry></feed>"""
    langs = {item.guid: item.language for item in parse(body).items}
    assert langs == {"1": "fa", "2": "en"}
    (item,) = parse(rss_item("<guid>1</guid>", channel="<language>fa-IR</language>")).items
    assert item.language == "fa-IR"


# --- refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"   \n",
        b"<!DOCTYPE html><html><head><title>Login</title></head><body><p>hi</p></body></html>",
        b"\x00\x01\x02garbage\xff\xfe",
        b'{"items": []}',
        b"/etc/passwd",
    ],
)
def test_not_a_feed(body: bytes) -> None:
    with pytest.raises(ParseError, match="^not a feed"):
        parse_document(body, base_url=BASE, fetched_at=NOW)


def test_bytes_naming_a_local_feed_file_are_not_opened(tmp_path: Path) -> None:
    # feedparser.parse(b"/path") opens the file (hazard 2 holds for bytes too).
    local = tmp_path / "secret.xml"
    local.write_text('<rss version="2.0"><channel><title>SECRET</title></channel></rss>')
    with pytest.raises(ParseError):
        parse_document(str(local).encode(), base_url=BASE, fetched_at=NOW)


def test_str_is_refused() -> None:
    with pytest.raises(TypeError):
        parse_document("https://iranhr.net/en/rss/", base_url=BASE, fetched_at=NOW)  # type: ignore[arg-type]


def test_empty_feed_is_a_feed() -> None:
    feed = parse('<rss version="2.0"><channel><title>quiet</title></channel></rss>')
    assert (feed.format, feed.items) == ("rss20", ())


def test_malformed_feed_parses_with_a_warning() -> None:
    body = rss_item("<guid>1</guid><title>unclosed <b>tag</title>")
    feed = parse(body)
    assert feed.items[0].title.startswith("unclosed")
    assert feed.warning is not None and "mismatched tag" in feed.warning


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("<p>Executed</p><p>today</p>", "Executed today"),
        ("Death sentence<br>upheld", "Death sentence upheld"),
        ("Death sentence<BR/>upheld", "Death sentence upheld"),
        ("<div>a</div><div>b</div>", "a b"),
        ("<b>Ex</b>ecuted", "Executed"),  # inline markup inside a word keeps the word
        ("a &lt;brother&gt; b", "a <brother> b"),  # text that only looks like a tag
    ],
)
def test_title_markup_that_separates_words_leaves_a_space(title: str, expected: str) -> None:
    xml = f"<guid>1</guid><title><![CDATA[{title}]]></title>"
    (item,) = parse(rss_item(xml)).items
    assert item.title == expected
