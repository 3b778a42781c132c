"""Which webhooks and digests a new item's matches go to: pure, decided once, when the
item is stored, so its deliveries are written in the same transaction as the item.

Routes are decided before the item is grouped into a story, as if it were the first
report of its event: a webhook may get both a ``match.created`` and a
``story.updated`` route, and storage keeps at most one of them once it knows the
story (``storage.story_routes``: one ``match.created`` per story and endpoint, later
reports as ``story.updated`` to endpoints that ask for them).

Must not: send anything, read the database or the clock.
"""

from __future__ import annotations

from collections.abc import Sequence

from alerts.settings import MATCH_EVENT, STORY_EVENT, AlertSettings, DigestSettings
from storage import MatchRecord, Route


def routes(matches: Sequence[MatchRecord], settings: AlertSettings) -> tuple[Route, ...]:
    """The deliveries an item with these matches needs (none when it matched nothing).

    A webhook takes items only if its ``events`` include ``match.created`` or
    ``story.updated`` (one route for each); then, one of severity ``urgent`` takes
    items with at least one urgent match; one of severity ``all`` takes every
    matched item. A digest takes an item when one of its
    topics or people is among those the digest reports (urgent items too: the digest is
    the day's record, the webhook only the alarm).
    """
    if not matches:
        return ()
    urgent = any(m.severity == "urgent" for m in matches)
    found = [
        Route("webhook", hook.id, event)
        for hook in settings.webhooks
        if hook.severity == "all" or urgent
        # An endpoint that asked only for source events (an operator's) gets no items.
        for event in (MATCH_EVENT, STORY_EVENT)
        if event in hook.events
    ]
    found += [Route("digest", d.id) for d in settings.digests if admits(d, matches)]
    return tuple(found)


def admits(digest: DigestSettings, matches: Sequence[MatchRecord]) -> bool:
    """Whether ``digest`` reports at least one of ``matches``."""
    return any(reported(digest, m) for m in matches)


def reported(digest: DigestSettings, match: MatchRecord) -> bool:
    """Whether ``digest`` reports this one match (``None`` filters admit everything)."""
    wanted = digest.topics if match.kind == "topic" else digest.people
    return wanted is None or match.key in wanted
