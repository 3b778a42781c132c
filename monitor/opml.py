"""OPML 2.0 subscription lists <-> feeds. Pure: bytes in, feeds out; feeds in, text out.

Each feed is an ``<outline type="rss" text=NAME title=NAME xmlUrl=URL>``, as feed
readers (and the ``listparser`` package) read them, with ``language`` (an OPML 2.0
attribute) and ``category`` (comma-separated, for the tags) and our own attributes,
which other readers ignore: ``monitorId``, ``monitorLabel``, ``monitorCountry``,
``monitorInterval`` and ``monitorEnabled="false"``. On reading, outlines without an
``xmlUrl`` that hold others are categories: their names become tags of the feeds in
them.

Lists come from anywhere, so reading is defensive: the stdlib's expat parser is used
directly, with handlers that refuse any DOCTYPE or ENTITY declaration before it is
processed (no entity expansion "billion laughs", no external entities), and the number
of outlines is capped.
Must not: read or write files, fetch, or decide ids and labels (the caller does).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NoReturn
from xml.parsers import expat
from xml.sax.saxutils import escape, quoteattr

from monitor.errors import InputError

MAX_OUTLINES = 10_000


@dataclass(frozen=True)
class OpmlFeed:
    """One feed of a subscription list. ``categories`` are the names of the outlines
    around it and the parts of its ``category`` attribute, in order, each once."""

    url: str
    title: str = ""
    id: str | None = None
    label: str | None = None
    language: str | None = None
    country: str | None = None
    interval: str | None = None
    enabled: bool = True
    categories: tuple[str, ...] = ()


class _Refused(Exception):
    pass


def read_opml(data: bytes, name: str = "OPML file") -> list[OpmlFeed]:
    """The feeds of an OPML document, in document order. ``InputError`` (naming
    ``name`` and the line) when it is not OPML, is malformed, or declares a DTD."""
    reader = _Reader()
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = reader.refuse_doctype
    parser.EntityDeclHandler = reader.refuse_entity
    parser.ExternalEntityRefHandler = reader.refuse_external
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    try:
        parser.Parse(data, True)
    except _Refused as e:
        raise InputError(f"{name}:{parser.CurrentLineNumber}: {e}") from None
    except expat.ExpatError as e:
        raise InputError(f"{name}:{e.lineno}: not well-formed XML ({expat.errors.messages[e.code]})"
                         ) from None  # fmt: skip
    if reader.root != "opml":
        found = f"<{reader.root}>" if reader.root else "no element"
        raise InputError(f"{name}: not an OPML file (its root element is {found})")
    return reader.feeds


class _Reader:
    def __init__(self) -> None:
        self.root: str | None = None
        self.feeds: list[OpmlFeed] = []
        self.outlines = 0
        self.in_body = False
        self.stack: list[str | None] = []  # category names of the open outlines

    def refuse_doctype(self, *args: object) -> NoReturn:
        raise _Refused("DOCTYPE declarations are refused (an OPML file needs none, and"
                       " they can hide entity expansion attacks)")  # fmt: skip

    def refuse_entity(self, *args: object) -> NoReturn:
        raise _Refused("ENTITY declarations are refused")

    def refuse_external(self, *args: object) -> NoReturn:
        raise _Refused("external entities are refused")

    def start(self, tag: str, attributes: dict[str, str]) -> None:
        tag = tag.rsplit(":", 1)[-1].lower()
        if self.root is None:
            self.root = tag
        if tag == "body":
            self.in_body = True
        if tag != "outline" or not self.in_body:
            return
        self.outlines += 1
        if self.outlines > MAX_OUTLINES:
            raise _Refused(f"more than {MAX_OUTLINES} outlines")
        attrs = {k.lower(): " ".join(v.split()) for k, v in attributes.items()}
        title = attrs.get("text") or attrs.get("title") or ""
        url = attrs.get("xmlurl", "")
        if not url or attrs.get("type", "").lower() == "source":
            self.stack.append(title or None)
            return
        self.stack.append(None)
        categories = [c for c in self.stack if c]
        for path in attrs.get("category", "").split(","):
            categories += [part.strip() for part in path.split("/") if part.strip()]
        self.feeds.append(OpmlFeed(
            url=url,
            title=title,
            id=attrs.get("monitorid") or None,
            label=attrs.get("monitorlabel") or None,
            language=attrs.get("language") or None,
            country=attrs.get("monitorcountry") or None,
            interval=attrs.get("monitorinterval") or None,
            enabled=attrs.get("monitorenabled", "").lower() != "false",
            categories=tuple(dict.fromkeys(categories)),
        ))  # fmt: skip

    def end(self, tag: str) -> None:
        tag = tag.rsplit(":", 1)[-1].lower()
        if tag == "body":
            self.in_body = False
        elif tag == "outline" and self.in_body and self.stack:
            self.stack.pop()


def write_opml(feeds: Sequence[OpmlFeed], title: str = "monitor feeds") -> str:
    """An OPML 2.0 document listing ``feeds`` (no date in it: the same feeds give the
    same bytes, so two exports can be compared)."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{escape(title)}</title>",
        "  </head>",
        "  <body>",
    ]
    for feed in feeds:
        attrs = [("type", "rss"), ("text", feed.title or feed.url),
                 ("title", feed.title or feed.url), ("xmlUrl", feed.url)]  # fmt: skip
        optional = [
            ("language", feed.language),
            ("category", ",".join(feed.categories) or None),
            ("monitorId", feed.id),
            ("monitorLabel", feed.label),
            ("monitorCountry", feed.country),
            ("monitorInterval", feed.interval),
            ("monitorEnabled", None if feed.enabled else "false"),
        ]
        attrs += [(k, v) for k, v in optional if v]
        lines.append("    <outline " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs) + "/>")
    lines += ["  </body>", "</opml>", ""]
    return "\n".join(lines)
