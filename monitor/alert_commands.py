"""The command-line side of alerting: ``monitor digest`` and ``monitor deliveries``.

This module declares these commands' arguments; ``cli.py`` parses them and hands them
here with the store and the clock. Everything that sends goes through
``alerts.Dispatcher``, so a digest sent from the command line is recorded exactly like
one sent by ``monitor run``.
Must not: open the database or read the environment itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

from alerts.dispatch import DispatchReport
from monitor import report
from monitor.alerting import Alerting
from monitor.errors import UsageError
from storage import Store
from storage.records import OUTBOX_STATES


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Adds ``monitor digest`` and ``monitor deliveries`` to the command parser."""
    digest = sub.add_parser("digest", parents=[common], help="send the digests that are due")
    digest.add_argument("--digest", metavar="ID", help="only this digest")
    digest.add_argument("--now", metavar="ISO8601", help="act as if it were this time")
    digest.add_argument("--preview", action="store_true", help="print, send nothing")
    deliveries = sub.add_parser("deliveries", parents=[common], help="the alert outbox")
    actions = deliveries.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = actions.add_parser("list", parents=[common], help="newest deliveries first")
    listing.add_argument("--state", choices=OUTBOX_STATES)
    listing.add_argument("--limit", type=int, default=50)
    listing.add_argument("--json", action="store_true")
    retry = actions.add_parser("retry", parents=[common], help="send a delivery again")
    retry.add_argument("id", type=int, metavar="ID")


def digest(
    alerting: Alerting,
    store: Store,
    clock: Callable[[], datetime],
    *,
    only: str | None,
    preview: bool,
    **dispatch_options: Any,
) -> int:
    """``monitor digest``: send (or print) every digest due at the clock's time."""
    settings = alerting.settings
    if only is not None and settings.digest(only) is None:
        known = ", ".join(d.id for d in settings.digests) or "none configured"
        raise UsageError(f"--digest: no digest {only!r} (digests: {known})")
    if not settings.digests:
        print("no digests are configured (alerts.digests)")
        return 0
    if settings.smtp is None:
        raise UsageError("digests need a mail server: alerts.smtp is not configured")

    async def go() -> DispatchReport | None:
        async with alerting.dispatcher(store, clock, **dispatch_options) as dispatcher:
            if preview:
                for d in settings.digests:
                    if only is None or d.id == only:
                        message = dispatcher.preview(d.id)
                        text = message.as_string() if message else f"{d.id}: nothing to send\n"
                        sys.stdout.write(text if text.endswith("\n") else text + "\n")
                return None
            return await dispatcher.run_digests(only)

    result = asyncio.run(go())
    if result is None:
        return 0
    print(f"digests: {result.sent} sent, {result.retried} left pending, {result.failed} failed")
    for problem in result.problems:
        print(problem, file=sys.stderr)
    return 1 if result.retried or result.failed else 0


def deliveries_list(
    store: Store, clock: Callable[[], datetime], *, state: str | None, as_json: bool, limit: int
) -> int:
    """``monitor deliveries list``: the newest messages of the outbox, and their state."""
    messages = store.list_outbox(states=[state] if state else None, limit=limit)
    if as_json:
        print(json.dumps(report.outbox_json(messages), ensure_ascii=False, indent=2))
    else:
        print(report.outbox_text(messages, clock()))
    return 0


def deliveries_retry(store: Store, clock: Callable[[], datetime], message_id: int) -> int:
    """``monitor deliveries retry ID``: make a failed or disabled message pending now."""
    try:
        status = store.retry_message(message_id, clock())
    except LookupError:
        raise UsageError(f"no delivery with id {message_id}") from None
    print(
        f"delivery {status.id} ({status.kind} to {status.target}) is pending again; "
        "`monitor run` sends it within seconds, or `monitor poll` / `monitor digest` now"
    )
    return 0


__all__ = ["add_parsers", "deliveries_list", "deliveries_retry", "digest"]
