"""Source health as stored: what a check reads about each feed, the feed's usual cadence,
recording a change of health with its messages, and the feeds that need attention.

A feed's cadence is learnt from the times polls stored new items (``items.fetched_at``:
every new item of one poll shares its poll's finish time), not from the fetch log,
which is pruned, nor from ``published``, which feeds get wrong. ``usual_gap`` is pure.

Deciding what a feed's health *should* be is not storage's business (the caller does
it); storage records a decision only if the health it was based on is still current
(``transitions`` unchanged), and writes the decision's messages in the same
transaction: a change is never recorded without its notices, nor announced twice.

Functions take a ``Connection``; ``Store`` owns transactions and errors.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import pairwise

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from storage import dialect, outbox
from storage.records import HEALTH_STATES, FeedHealth, HealthChange, SourceProblem
from storage.tables import feed_health, feeds, fetch_log, items

CADENCE_WINDOW = timedelta(days=30)  # gaps older than this before the newest are stale
CADENCE_GAPS = 20  # the newest gaps used
MIN_GAPS = 3  # fewer than this and no cadence is known
# Times read beyond those needed, so that a burst of polls within a minute (an operator
# running `monitor poll` by hand) does not leave the window short of gaps.
_SPARE = 5


def usual_gap(times: Sequence[datetime]) -> timedelta | None:
    """The median gap between the newest ``times`` (newest first), or None when fewer
    than ``MIN_GAPS`` gaps fall within ``CADENCE_WINDOW`` of the newest.

    The window ends at the newest time, not now: a feed silent for weeks keeps the
    cadence it is silent against. The median, because one outage or one burst of
    catching up must not move it.
    """
    if not times:
        return None
    recent = [t for t in times if times[0] - t <= CADENCE_WINDOW][: CADENCE_GAPS + 1]
    gaps = [(newer - older).total_seconds() for newer, older in pairwise(recent)]
    if len(gaps) < MIN_GAPS:
        return None
    return timedelta(seconds=statistics.median(gaps))


def new_item_times(conn: Connection, feed_id: str) -> tuple[datetime, ...]:
    """The distinct times polls of ``feed_id`` stored new items, newest first, as many
    as ``usual_gap`` may use."""
    i = items.c
    stmt = (
        sa.select(i.fetched_at)
        .where(i.feed_id == feed_id)
        .group_by(i.fetched_at)
        .order_by(i.fetched_at.desc())
        .limit(CADENCE_GAPS + 1 + _SPARE)
    )
    return tuple(conn.scalars(stmt))


def read(conn: Connection, feed_ids: Sequence[str] | None) -> list[FeedHealth]:
    """The health inputs of every enabled, configured feed (of ``feed_ids`` if given),
    by id."""
    f, h = feeds.c, feed_health.c
    stmt = (
        sa.select(
            f.id,
            f.name,
            f.label,
            f.url,
            f.consecutive_failures,
            f.last_error,
            f.last_error_at,
            f.last_success_at,
            h.state,
            h.since,
            h.transitions,
        )  # fmt: skip
        .select_from(feeds.outerjoin(feed_health, h.feed_id == f.id))
        .where(f.enabled.is_(True), f.configured.is_(True))
        .order_by(f.id)
    )
    if feed_ids is not None:
        stmt = stmt.where(f.id.in_(list(feed_ids)))
    found = []
    for row in conn.execute(stmt).all():
        failing_since = None
        if row.consecutive_failures:
            failing_since = _failing_since(conn, row.id, row.last_success_at) or row.last_error_at
        found.append(
            FeedHealth(
                id=row.id,
                name=row.name,
                label=row.label,
                url=row.url,
                consecutive_failures=row.consecutive_failures,
                last_error=row.last_error,
                last_success_at=row.last_success_at,
                failing_since=failing_since,
                new_item_times=new_item_times(conn, row.id),
                state=row.state or "ok",
                since=row.since,
                transitions=row.transitions or 0,
            )
        )
    return found


def _failing_since(
    conn: Connection, feed_id: str, last_success: datetime | None
) -> datetime | None:
    """When the current run of failures began: the first failed poll after the last
    success (None if the fetch log no longer holds it)."""
    log = fetch_log.c
    stmt = sa.select(sa.func.min(log.finished_at)).where(
        log.feed_id == feed_id, log.outcome == "error"
    )
    if last_success is not None:
        stmt = stmt.where(log.finished_at > last_success)
    since: datetime | None = conn.scalar(stmt)
    return since


def record(conn: Connection, change: HealthChange, now: datetime) -> bool:
    """Record ``change`` and create its messages, unless the feed's health changed since
    it was read (then nothing is written); True if recorded."""
    if change.state not in HEALTH_STATES:
        raise ValueError(f"unknown health state {change.state!r}: one of {HEALTH_STATES}")
    h = feed_health.c
    values = {"state": change.state, "since": change.since, "changed_at": now}
    if change.transitions == 0:
        # Never judged: no row yet. Of two processes inserting, one wins.
        row = {"feed_id": change.feed_id, **values, "transitions": 1}
        stmt = dialect.insert_or_ignore(conn, feed_health, ["feed_id"]).returning(h.feed_id)
        won = conn.execute(stmt, [row]).first() is not None
    else:
        update = (
            sa.update(feed_health)
            .where(h.feed_id == change.feed_id, h.transitions == change.transitions)
            .values(**values, transitions=h.transitions + 1)
        )
        won = conn.execute(update).rowcount == 1
    if won and change.messages:
        outbox.add_messages(conn, change.messages, now)
    return won


def problems(conn: Connection) -> list[SourceProblem]:
    """Enabled, configured feeds whose health is failing or silent, failing first, then
    the longest-standing."""
    f, h = feeds.c, feed_health.c
    stmt = (
        sa.select(f.id, f.name, f.label, h.state, h.since, f.consecutive_failures, f.last_error)
        .join_from(feed_health, feeds, h.feed_id == f.id)
        .where(h.state != "ok", f.enabled.is_(True), f.configured.is_(True))
        .order_by(h.state != "failing", h.since, f.id)
    )
    return [
        SourceProblem(
            feed_id=row.id,
            name=row.name,
            label=row.label,
            state=row.state,
            since=row.since,
            consecutive_failures=row.consecutive_failures,
            last_error=row.last_error if row.state == "failing" else None,
        )  # fmt: skip
        for row in conn.execute(stmt)
    ]
