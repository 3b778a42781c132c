"""The pipeline's side of story grouping: a new item's print as storage keeps it, and the
decision storage calls back, inside the poll's transaction, with the candidates it found.

``monitor.group`` is pure and storage may not import it, so the two meet here: the
print and its keys go to storage as plain values (``StoryPrint``), and ``choose`` is
the ``storage.Grouper`` that reads the candidates' stored prints back and decides.
Must not: touch the database or the clock (storage owns the transaction, the caller
the times).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from monitor.group import ItemPrint, decide, fingerprint, index_keys, lookup
from monitor.model import ParsedItem
from storage import MatchRecord, StoryCandidate, StoryChoice, StoryPrint


def story_print(
    item: ParsedItem, matches: Iterable[MatchRecord], officials: frozenset[str]
) -> StoryPrint:
    """What storage needs to group ``item``: its print, keys and look-up.

    The item's ``published`` is its feed's date, or its fetch time when the feed gave
    none (the parse stage decides), so every item can join by event.
    """
    matches = tuple(matches)
    printed = fingerprint(
        item.title,
        item.summary,
        item.content,
        item.url,  # already canonical (monitor.parse)
        item.published,
        topics=[m.key for m in matches if m.kind == "topic"],
        people=[m.key for m in matches if m.kind == "person"],
        officials=officials,
    )
    found = lookup(printed)
    return StoryPrint(
        text=printed.dumps(),
        keys=index_keys(printed),
        exact=found.exact,
        people=found.people,
        since=found.since,
        until=found.until,
        bands=printed.bands,
    )


def choose(text: str, candidates: Sequence[StoryCandidate]) -> StoryChoice:
    """The ``storage.Grouper``: which candidate's story the item printed as ``text``
    joins, and why (``monitor.group.decide``), or a new story."""
    decision = decide(_load(text), [(c.story_id, _load(c.text)) for c in candidates])
    return StoryChoice(decision.story, decision.reason, decision.score, decision.why)


@lru_cache(maxsize=4096)
def _load(text: str) -> ItemPrint:
    # A story's recent items are candidates for many new items in a row: read once.
    return ItemPrint.loads(text)
