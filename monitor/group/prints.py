"""An item's print: everything story grouping needs of it, as plain stored values.

Owns ``ItemPrint``, ``fingerprint`` (text, link, time and matches -> print), the keys
a print is stored under (``index_keys``) and looked up by (``lookup``), the same rule
as a Python predicate (``is_candidate``, for in-memory indexes, tests and benches),
and a text form for one database column (``dumps``/``loads``).

The storage side keeps one row per (key, item): ``url:<url key>``, ``band:...`` (see
``minhash``), and ``person:<canonical name>``, with the item's story and published
time, indexed on (key, published). Candidates for a new item are then one query:

    key IN lookup.exact  OR  (key IN lookup.people AND published BETWEEN since AND until)

Nothing ever scans stored items.
Must not: do I/O, read a clock or know about storage; times come in as values.
"""

from __future__ import annotations

import base64
import json
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.group.minhash import PERMUTATIONS, band_keys, signature
from monitor.group.text import lead_words, numbers, shingles
from monitor.group.urlkey import url_key

# How far apart two items may be published and still report one event (see decide).
EVENT_WINDOW = timedelta(hours=96)


@dataclass(frozen=True)
class ItemPrint:
    """One item as story grouping sees it.

    ``published`` is the item's published time, or its fetch time when the feed gave
    none (the caller decides; without a time an item cannot join by ``same_event``).
    ``topics`` are topic ids and ``people`` canonical names, as the matcher gave them,
    less the ``officials``: people named for their role (a judge, a UN rapporteur, a
    lawyer) who appear in many stories and so never make an event by themselves.
    """

    url_key: str | None
    signature: tuple[int, ...]
    shingle_count: int
    bands: tuple[str, ...]
    topics: frozenset[str]
    people: frozenset[str]
    published: datetime | None
    officials: frozenset[str] = frozenset()
    numbers: frozenset[str] = frozenset()  # digit words of the compared text

    def dumps(self) -> str:
        """A compact JSON text for one database column (``loads`` reverses it)."""
        sig = struct.pack(f"<{len(self.signature)}I", *self.signature)
        return json.dumps(
            {
                "u": self.url_key,
                "s": base64.b64encode(sig).decode("ascii"),
                "n": self.shingle_count,
                "t": sorted(self.topics),
                "p": sorted(self.people),
                "o": sorted(self.officials),
                "#": sorted(self.numbers),
                "d": self.published.isoformat() if self.published else None,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )

    @classmethod
    def loads(cls, text: str) -> ItemPrint:
        data = json.loads(text)
        raw = base64.b64decode(data["s"])
        sig = struct.unpack(f"<{len(raw) // 4}I", raw)
        return cls(
            url_key=data["u"],
            signature=sig,
            shingle_count=data["n"],
            bands=band_keys(sig),
            topics=frozenset(data["t"]),
            people=frozenset(data["p"]),
            published=datetime.fromisoformat(data["d"]) if data["d"] else None,
            officials=frozenset(data.get("o", ())),
            numbers=frozenset(data.get("#", ())),
        )


@dataclass(frozen=True)
class Lookup:
    """What to ask storage for: see the module docstring for the query."""

    exact: tuple[str, ...]  # url and band keys: any stored item holding one
    people: tuple[str, ...]  # person keys: only items published in [since, until]
    since: datetime | None
    until: datetime | None


def fingerprint(
    title: str,
    summary_html: str,
    content_html: str,
    url: str | None,
    published: datetime | None,
    topics: Iterable[str],
    people: Iterable[str],
    officials: Iterable[str] = (),
) -> ItemPrint:
    """The print of one item. ``url`` should already be ``canonical_url``'d.

    ``officials`` may list any names (the whole set of officials on the watchlist):
    only those among ``people`` are kept apart from them.
    """
    named = frozenset(people)
    role = named & frozenset(officials)
    words = lead_words(title, summary_html, content_html)
    shingle_set = shingles(words)
    sig = signature(shingle_set)
    assert len(sig) in (0, PERMUTATIONS)
    return ItemPrint(
        url_key=url_key(url),
        signature=sig,
        shingle_count=len(shingle_set),
        bands=band_keys(sig),
        topics=frozenset(topics),
        people=named - role,
        published=published,
        officials=role,
        numbers=numbers(words),
    )


def person_key(name: str) -> str:
    return f"person:{name}"


def index_keys(p: ItemPrint) -> tuple[str, ...]:
    """Every key a stored item is indexed under (with its published time)."""
    url = (f"url:{p.url_key}",) if p.url_key else ()
    people = tuple(person_key(n) for n in sorted(p.people)) if p.topics else ()
    return url + p.bands + people


def lookup(p: ItemPrint) -> Lookup:
    """The keys (and time window) that find every candidate for ``p``."""
    url = (f"url:{p.url_key}",) if p.url_key else ()
    # An item with no topic cannot join by same_event, so its people find nothing.
    timed = p.published is not None and p.topics
    people = tuple(person_key(n) for n in sorted(p.people)) if timed else ()
    since = p.published - EVENT_WINDOW if timed and p.published else None
    until = p.published + EVENT_WINDOW if timed and p.published else None
    return Lookup(exact=url + p.bands, people=people, since=since, until=until)


def is_candidate(new: ItemPrint, stored: ItemPrint) -> bool:
    """True when the storage query of ``lookup(new)`` returns ``stored``."""
    if new.url_key and new.url_key == stored.url_key:
        return True
    if set(new.bands) & set(stored.bands):
        return True
    if not (new.published and stored.published and new.topics and stored.topics):
        return False
    return bool(new.people & stored.people) and abs(new.published - stored.published) <= (
        EVENT_WINDOW
    )
