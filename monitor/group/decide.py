"""The decision for one new item: join which story, and why, or start one.

Owns ``decide`` and its thresholds. Reasons, strongest first:

- ``same_url``: the story URL keys are equal (score 1.0).
- ``near_duplicate``: the estimated Jaccard similarity of the word shingles is at least
  ``NEAR_DUPLICATE`` and both texts have at least ``MIN_SHINGLES`` shingles (two
  bare, identical headlines such as "Man executed in Shiraz" are two events). Vetoed
  when both items name tracked people and none in common, and, below
  ``SURE_DUPLICATE``, when each text has a number the other lacks: NGO daily reports
  and weekly statements are templates that differ in a name, an age, a week number
  (0.58-0.75 on the dev pairs, where reposts with edits score 0.50-0.89).
- ``same_event``: published at most ``EVENT_WINDOW`` apart, at least one topic in
  common, and more than half of the smaller people set shared (score: that share).
  "More than half" keeps apart two sentences by the same judge on one day
  ({A, Afshari} and {B, Afshari} share only half) while a report on two of six
  defendants joins the report on all six.

The sentence and, weeks later, the execution of one person are two stories: the window
is measured between items, so a story does not absorb every later mention of its
people. Among stories that qualify for the strongest reason the best score wins, then
the earliest candidate (the caller lists them oldest first). Stories are never merged
here: an item joins one story.
Must not: do I/O or look anything up; candidates arrive as values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar

from monitor.group.minhash import similarity
from monitor.group.prints import EVENT_WINDOW, ItemPrint

NEAR_DUPLICATE = 0.5  # estimated Jaccard of 3-word shingles (bench/story_pairs.py)
SURE_DUPLICATE = 0.85  # above this, differing numbers do not veto (a changed dateline)
MIN_SHINGLES = 8
PEOPLE_SHARE = 0.5  # shared people / smaller set must be above this

Reason = Literal["same_url", "near_duplicate", "same_event", "new"]
_RANK: dict[Reason, int] = {"same_url": 3, "near_duplicate": 2, "same_event": 1, "new": 0}
S = TypeVar("S")


@dataclass(frozen=True)
class Decision(Generic[S]):
    """Join ``story`` (None: start a new one) for ``reason``, with its ``score``.

    ``why`` is one human-readable line (what matched) to store with the item.
    """

    story: S | None
    reason: Reason
    score: float
    why: str


def judge(new: ItemPrint, old: ItemPrint) -> tuple[Reason, float, str]:
    """The strongest reason ``new`` and ``old`` are one story, or ("new", 0, "")."""
    if new.url_key is not None and new.url_key == old.url_key:
        return "same_url", 1.0, f"same link {new.url_key}"
    people_conflict = bool(new.people and old.people and not new.people & old.people)
    if min(new.shingle_count, old.shingle_count) >= MIN_SHINGLES and not people_conflict:
        jaccard = similarity(new.signature, old.signature)
        numbers_conflict = bool(new.numbers - old.numbers and old.numbers - new.numbers)
        if jaccard >= SURE_DUPLICATE or (jaccard >= NEAR_DUPLICATE and not numbers_conflict):
            return "near_duplicate", jaccard, f"text similarity {jaccard:.2f}"
    if new.published is None or old.published is None:
        return "new", 0.0, ""
    gap = abs(new.published - old.published)
    topics = new.topics & old.topics
    shared = new.people & old.people
    if gap > EVENT_WINDOW or not topics or not shared:
        return "new", 0.0, ""
    share = len(shared) / min(len(new.people), len(old.people))
    if share <= PEOPLE_SHARE:
        return "new", 0.0, ""
    hours = gap.total_seconds() / 3600
    why = (
        f"people {', '.join(sorted(shared))}; topics {', '.join(sorted(topics))};"
        f" {hours:.0f} h apart"
    )
    return "same_event", share, why


def decide(new: ItemPrint, candidates: Sequence[tuple[S, ItemPrint]]) -> Decision[S]:
    """Which of the candidates' stories ``new`` joins, or a new story.

    ``candidates`` are (story id, stored print) pairs found by ``lookup(new)``, oldest
    first; passing more (any stored items) changes nothing but the cost.
    """
    best: Decision[S] = Decision(None, "new", 0.0, "no stored item is the same report or event")
    for story, old in candidates:
        reason, score, why = judge(new, old)
        if (_RANK[reason], score) > (_RANK[best.reason], best.score):
            best = Decision(story, reason, score, why)
    return best
