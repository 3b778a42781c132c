"""One webhook alert per story and endpoint: which of an item's routes are kept once its
story is known.

Routes are computed by the caller (``alerts.routing``) for the item as if it were the
only report of its event, before it is stored: for each webhook that admits it, a
``match.created`` route, and a ``story.updated`` route when the endpoint asked for
those. Grouping happens later, in the storing transaction, so the rule that turns
"as if new" into "per story" lives here, applied in that same transaction:

- ``match.created`` to an endpoint is kept unless the story already has one to it:
  an urgent story alerts an endpoint once, on the first of its reports it admits
  (usually the first report; a later one when the first was not urgent enough).
- ``story.updated`` to an endpoint is kept only for an item that is not its story's
  first, and only when the item's ``match.created`` to that endpoint was not kept:
  a later report reaches an endpoint that was alerted of its story, or one that
  asked only for updates, as an update, and never twice.
- digest routes are always kept: the digest shows each story once by itself.

Must not: decide routes from matches (``alerts.routing``) or send anything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence, Set

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage.grouping import Placed
from storage.records import NewItem, Route
from storage.tables import items, outbox, stories

MATCH_EVENT = "match.created"
UPDATE_EVENT = "story.updated"


def keep(routes: Iterable[Route], *, first: bool, alerted: Set[str]) -> list[Route]:
    """The routes an item keeps; ``first``: it is its story's first item; ``alerted``:
    the endpoints that already have a ``match.created`` message for its story."""
    routes = list(routes)
    matched = {r.target for r in routes if r.kind == "webhook" and r.event == MATCH_EVENT}
    kept = []
    for route in routes:
        if route.kind == "webhook" and route.event == MATCH_EVENT:
            if route.target in alerted:
                continue
        elif route.kind == "webhook" and route.event == UPDATE_EVENT:
            if first or (route.target in matched and route.target not in alerted):
                continue
        kept.append(route)
    return kept


def for_poll(
    conn: Connection, inserted: Sequence[tuple[int, NewItem]], placed: dict[int, Placed]
) -> list[tuple[int, list[Route]]]:
    """Each new item's kept routes, in input order: an item sees the ``match.created``
    messages kept for the items before it in the poll."""
    alerted: dict[int, set[str]] = {}
    routed = []
    for item_id, item in inserted:
        if not item.routes:
            continue
        place = placed[item_id]
        seen = alerted.get(place.story_id)
        if seen is None:
            seen = set() if place.first else alerted_endpoints(conn, place.story_id)
            alerted[place.story_id] = seen
        kept = keep(item.routes, first=place.first, alerted=seen)
        seen.update(r.target for r in kept if r.kind == "webhook" and r.event == MATCH_EVENT)
        if kept:
            routed.append((item_id, kept))
    return routed


def for_stored(conn: Connection, item_id: int, routes: Sequence[Route]) -> list[Route]:
    """The routes a stored item keeps (a rematch found new matches)."""
    i, s = items.c, stories.c
    stmt = (
        sa.select(i.story_id, s.first_item_id)
        .join_from(items, stories, i.story_id == s.id)
        .where(i.id == item_id)
    )
    row = conn.execute(stmt).first()
    if row is None:  # no story: nothing to share the alert with
        return list(routes)
    story_id, first_item_id = row
    return keep(routes, first=first_item_id == item_id, alerted=alerted_endpoints(conn, story_id))


def alerted_endpoints(conn: Connection, story_id: int) -> set[str]:
    """The endpoints with a ``match.created`` message for an item of ``story_id``
    (whatever its state: a failed alert was still the story's alert)."""
    o, i = outbox.c, items.c
    stmt = (
        sa.select(o.target)
        .distinct()
        .join_from(outbox, items, o.item_id == i.id)
        .where(i.story_id == story_id, o.kind == "webhook", o.event == MATCH_EVENT)
    )
    return set(conn.scalars(stmt))
