"""``monitor rematch``: the current topics and watchlist applied to stored items.

A topic or person added to feeds.yaml today should find the reports of last month
too. Matches an item already has are kept as they are (first wins); new ones are
stored with source ``rematch``. They alert only when asked (``--alert``): an old
report newly matched may be news to a researcher, or noise after a rule change, and
the operator decides. With ``--alert`` the routes are stored in the transaction that
stores the matches, and a webhook an item already got is never sent again (the
outbox keeps one message per endpoint and item).
Must not: fetch or parse anything; ``rematch`` never sends (``rematch_command`` sends
the due webhooks afterwards, when asked).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime

from alerts.dispatch import DispatchReport
from monitor.alerting import Alerting, dispatch_options
from monitor.config import Config
from monitor.handover import Router, as_records, match_input
from monitor.logs import FIELDS
from monitor.match import Matcher, MatchInput
from monitor.model import FeedSettings
from monitor.rules import build_matcher
from storage import Store, StoredItem

log = logging.getLogger("monitor.rematch")


@dataclass
class RematchReport:
    items: int = 0  # items looked at
    matched: int = 0  # items that got at least one new match
    topics: dict[str, int] = field(default_factory=dict)  # new matches per topic id
    people: dict[str, int] = field(default_factory=dict)  # new matches per person


def rematch(
    config: Config,
    store: Store,
    matcher: Matcher,
    clock: Callable[[], datetime],
    *,
    since: datetime | None = None,
    router: Router | None = None,
) -> RematchReport:
    """Matches every stored item fetched since ``since`` (all when None) again and
    stores what it newly matches; with ``router``, also where that is alerted."""
    feeds = {f.id: f for f in config.feeds}
    report = RematchReport()
    route = (lambda added: router(tuple(added))) if router else None
    with closing(store.iter_items(since)) as stored:
        for item in stored:
            report.items += 1
            records = as_records(matcher.match(_input(item, feeds)))
            known = {("topic", t) for t in item.topics} | {("person", p) for p in item.people}
            fresh = [r for r in records if (r.kind, r.key) not in known]
            if not fresh:
                continue
            added = store.add_matches(item.id, fresh, clock(), "rematch", router=route)
            if added:
                report.matched += 1
            for record in added:
                counts = report.topics if record.kind == "topic" else report.people
                counts[record.key] = counts.get(record.key, 0) + 1
    log.info("rematch", extra={FIELDS: {"items": report.items, "matched": report.matched,
                                        "alert": router is not None}})  # fmt: skip
    return report


def _input(item: StoredItem, feeds: Mapping[str, FeedSettings]) -> MatchInput:
    feed = feeds.get(item.feed_id)
    if feed is not None:
        return match_input(feed, item)
    # The feed left feeds.yaml but its items stay: match on what the item itself says.
    return MatchInput(title=item.title, summary=item.summary, content=item.content,
                      language=item.language, feed_id=item.feed_id, label=item.feed_label,
                      country=item.feed_country)  # fmt: skip


def rematch_command(
    config: Config,
    store: Store,
    environ: Mapping[str, str],
    clock: Callable[[], datetime],
    *,
    since: datetime | None,
    alert: bool,
) -> int:
    """``monitor rematch``: rematch, then (with ``alert``) send the due webhooks."""
    alerting = Alerting(config, environ)
    found = rematch(config, store, build_matcher(config), clock, since=since,
                    router=alerting.router if alert else None)  # fmt: skip

    async def send() -> DispatchReport:
        async with alerting.dispatcher(store, clock, **dispatch_options(environ)) as d:
            return await d.dispatch_due(("webhook", "notice"))

    sent = asyncio.run(send()) if alert else None
    news = ", ".join(f"{k} {v}" for k, v in sorted({**found.topics, **found.people}.items()))
    print(f"rematched {found.items} items: {found.matched} newly matched" +
          (f" ({news})" if news else ""))  # fmt: skip
    if sent is not None:
        print(f"alerts: {sent.sent} sent, {sent.retried} to retry, {sent.failed} failed;"
              " digest entries wait for each digest's next time")  # fmt: skip
    elif found.matched:
        print("not alerted (use --alert to alert them)")
    return 0
