"""Stage 2, parse: fetched bytes -> a ParsedFeed of clean items (feedparser lives here).

Owns turning one untrusted document into items: encoding repair and entity
neutralisation (``prepare``), feedparser and the item mapping (``document``), HTML
allowlisting (``sanitise``), URL canonicalisation (``urls``), identity and dates,
and running all that in limited child processes (``pool``, ``worker``).

Must not: import the fetch stage or storage, do network or file I/O, or let a
feedparser object escape. ``canonical_url`` is exported for story grouping.
"""

from monitor.parse.document import parse_document
from monitor.parse.pool import ParserPool
from monitor.parse.urls import canonical_url

__all__ = ["ParserPool", "canonical_url", "parse_document"]
