"""The command-line side of alerting: ``monitor digest`` and ``monitor deliveries``.

``cli.py`` parses the arguments and hands them here with the store and the clock;
everything that sends goes through ``alerts.Dispatcher``, so a digest sent from the
command line is recorded exactly like one sent by ``monitor run``.
Must not: parse arguments, open the database or read the environment itself.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from datetime import datetime
from typing import Any

from alerts.dispatch import DispatchReport
from monitor import report
from monitor.alerting import Alerting
from monitor.errors import MonitorError
from storage import Store


class NothingToDoError(MonitorError):
    """The command was given something that does not exist (exit 2)."""


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
        raise NothingToDoError(f"--digest: no digest {only!r} (digests: {known})")
    if not settings.digests:
        print("no digests are configured (alerts.digests)")
        return 0
    if settings.smtp is None:
        raise NothingToDoError("digests need a mail server: alerts.smtp is not configured")

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
        raise NothingToDoError(f"no delivery with id {message_id}") from None
    print(
        f"delivery {status.id} ({status.kind} to {status.target}) is pending again; "
        "`monitor run` sends it within seconds, or `monitor poll` / `monitor digest` now"
    )
    return 0


__all__ = ["NothingToDoError", "deliveries_list", "deliveries_retry", "digest"]
