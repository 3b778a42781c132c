"""Source health: deciding whether each feed is ok, failing or silent, and telling the
operator once per change.

``decide`` is pure: from a feed's previous state, its failed polls in a row, when it
last stored something new, its usual gap between new items and the settings, it
says what the feed's state is now. ``check_health`` is the one entry point for the
service: it reads every feed's health inputs, decides, and records each change with
its operator notice and webhook messages (``alerts.sources``) in one transaction
(``Store.record_health``), so a change is announced once, however many polls,
processes or reruns see it. It is cheap: a few indexed queries a feed.

The rules (docs/configuration.md, "health"):

    failing   ``failures`` or more failed polls in a row. Leaving it needs a
              successful poll (no failures at all), so that a raised threshold does
              not announce a recovery of a feed that still fails.
    silent    not failing, a usual gap is known, and nothing new for more than
              ``max(silence x usual gap, min_silence)``. A new item ends it.
    ok        neither. Failing wins over silent: a failing feed is silent too, and
              the error is the more useful thing to say.

Must not: import the fetch, parse or match stages, or send anything itself (the
dispatcher sends what ``check_health`` stored).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from alerts.settings import AlertSettings
from alerts.sources import SourceEvent, source_messages
from monitor.logs import FIELDS
from monitor.model import HealthSettings
from storage import FeedHealth, HealthChange, Store
from storage.health import usual_gap

log = logging.getLogger("monitor.health")


@dataclass(frozen=True)
class Transition:
    """A change of a feed's health that this check recorded (and announced)."""

    feed_id: str
    previous: str
    state: str  # "ok" | "failing" | "silent"
    since: datetime
    event: str  # "source.failing" | "source.silent" | "source.recovered"
    messages: int  # notices and webhook messages created for it


def decide(
    previous: str,
    failures: int,
    last_new_item_at: datetime | None,
    gap: timedelta | None,
    now: datetime,
    settings: HealthSettings,
) -> str:
    """The state a feed is in now: ``ok``, ``failing`` or ``silent``."""
    if failures >= settings.failures or (previous == "failing" and failures > 0):
        return "failing"
    if last_new_item_at is not None and gap is not None:
        quiet = (now - last_new_item_at).total_seconds()
        if quiet > max(settings.silence * gap.total_seconds(), settings.min_silence):
            return "silent"
    return "ok"


def check_health(
    store: Store,
    health: HealthSettings,
    alerts: AlertSettings,
    now: datetime,
    feeds: Sequence[str] | None = None,
) -> list[Transition]:
    """Decide the health of every enabled feed (of ``feeds`` if given) and record each
    change with its messages; the changes this call recorded, by feed id.

    Call it after polls: the messages are due at once, so the next dispatch sends them.
    """
    changes = []
    for feed in store.feed_health(feeds):
        gap = usual_gap(feed.new_item_times)
        state = decide(
            feed.state, feed.consecutive_failures, feed.last_new_item_at, gap, now, health
        )
        if state == feed.state:
            continue
        event = _event(feed, state, gap, now)
        messages = source_messages(event, alerts, now)
        change = HealthChange(feed.id, feed.transitions, state, event.since, messages)
        if not store.record_health(change, now):
            continue  # another process recorded a change of this feed first
        changes.append(
            Transition(feed.id, feed.state, state, event.since, event.event, len(messages))
        )
        fields = {"feed": feed.id, "from": feed.state, "to": state,
                  "since": event.since.isoformat(), "failures": feed.consecutive_failures}
        level = logging.INFO if state == "ok" else logging.WARNING
        log.log(level, f"source {state}", extra={FIELDS: fields})
    return changes


def _event(feed: FeedHealth, state: str, gap: timedelta | None, now: datetime) -> SourceEvent:
    if state == "failing":
        since = feed.failing_since or now
    elif state == "silent":
        since = feed.last_new_item_at or now  # never None: silence needs a last item
    else:
        since = now  # when the recovery was seen
    return SourceEvent(
        feed_id=feed.id,
        name=feed.name,
        label=feed.label,
        url=feed.url,
        previous=feed.state,
        previous_since=feed.since,
        state=state,
        since=since,
        consecutive_failures=feed.consecutive_failures,
        last_error=feed.last_error if feed.consecutive_failures else None,
        usual_gap=gap,
        last_new_item_at=feed.last_new_item_at,
    )
