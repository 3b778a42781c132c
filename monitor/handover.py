"""How an item crosses from one stage to the next: what the matcher sees of a parsed or
stored item, where its alerts go (``Router``), and the record storage receives.

Pure conversions; the pipeline, ``monitor rematch`` and ``monitor feeds test`` share
them so that an item is matched the same way wherever it comes from.
Must not: run a stage, or touch the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from monitor.match import Hit, MatchInput
from monitor.model import FeedSettings, ParsedItem
from storage import MatchRecord, NewItem, Route, StoredItem, StoryPrint


def match_input(feed: FeedSettings, item: ParsedItem | StoredItem) -> MatchInput:
    """What the matcher sees of an item of ``feed``: its text and its feed's metadata
    (a new item from a poll, or a stored one being matched again)."""
    return MatchInput(
        title=item.title,
        summary=item.summary,
        content=item.content,
        language=item.language or feed.language,
        feed_id=feed.id,
        label=feed.label.value,
        country=feed.country,
        tags=feed.tags,
    )


Router = Callable[[tuple[MatchRecord, ...]], tuple[Route, ...]]


def no_routes(matches: tuple[MatchRecord, ...]) -> tuple[Route, ...]:
    return ()


def to_new_item(
    item: ParsedItem,
    matches: tuple[MatchRecord, ...],
    routes: tuple[Route, ...],
    story: StoryPrint | None = None,
) -> NewItem:
    return NewItem(
        identity=item.identity,
        identity_kind=item.identity_kind,
        title=item.title,
        url=item.url,
        summary=item.summary,
        content=item.content,
        published=item.published,
        published_is_fetch_time=item.published_is_fetch_time,
        guid=item.guid,
        author=item.author,
        language=item.language,
        matches=matches,
        routes=routes,
        story=story,
    )


def as_records(hits: Iterable[Hit]) -> tuple[MatchRecord, ...]:
    """The matcher's hits as the records storage keeps (and routing reads)."""
    return tuple(MatchRecord(h.kind, h.key, h.severity, h.evidence) for h in hits)
