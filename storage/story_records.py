"""Typed records of story grouping, going in and out of storage.

Storage stores and looks up; it never decides whether two reports are one story (that
is ``monitor.group``, which storage must not import). So the caller hands storage each
new item's print as plain values (``StoryPrint``), and a ``Grouper`` callback that
storage calls, inside the poll's transaction, with the candidates its one indexed
look-up found. All datetimes are timezone-aware UTC.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from storage.records import StoredItem

# Why an item is in its story: ``new`` started it; the others joined it.
STORY_REASONS = ("same_url", "near_duplicate", "same_event", "new")


@dataclass(frozen=True)
class StoryPrint:
    """What grouping stores of one new item and how its candidates are found.

    ``text`` is stored with the item and handed back to the ``Grouper`` when a later
    item finds this one. ``keys`` are stored, each with the item's published time;
    candidates are the items holding one of ``exact``, or one of ``people`` with a
    published time in [``since``, ``until``]. ``bands`` are the keys (among ``keys``
    and ``exact``) that boilerplate can crowd: one already held by ``CROWDED`` items
    is neither looked up nor stored again.
    """

    text: str
    keys: tuple[str, ...]
    exact: tuple[str, ...]
    people: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    bands: tuple[str, ...] = ()


@dataclass(frozen=True)
class StoryCandidate:
    """A stored item the look-up found: its story and its print's ``text``."""

    story_id: int
    item_id: int
    text: str


@dataclass(frozen=True)
class StoryChoice:
    """The caller's decision: join ``story_id`` (None: start a story) for ``reason``
    (one of ``STORY_REASONS``), with its ``score`` and one line saying ``why``."""

    story_id: int | None
    reason: str = "new"
    score: float = 0.0
    why: str = ""


# (new item's print text, candidates oldest first) -> the decision.
Grouper = Callable[[str, Sequence[StoryCandidate]], StoryChoice]


@dataclass(frozen=True)
class StoryReport:
    """One item of a story, as ``monitor stories`` and ``monitor person`` show it."""

    item: StoredItem
    reason: str  # of STORY_REASONS
    score: float
    why: str


@dataclass(frozen=True)
class StoryRecord:
    """A story with every item stored in it, oldest published first."""

    id: int
    created_at: datetime
    first_item_id: int
    reports: tuple[StoryReport, ...]

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(sorted({t for r in self.reports for t in r.item.topics}))

    @property
    def people(self) -> tuple[str, ...]:
        return tuple(sorted({p for r in self.reports for p in r.item.people}))

    @property
    def first_published(self) -> datetime:
        return min(r.item.published for r in self.reports)
