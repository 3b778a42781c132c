"""feeds.yaml's ``alerts`` section + environment -> ``alerts.AlertSettings``, and the
pieces of alerting the pipeline and the service need.

The config was validated on load, every ``*_env`` variable included, so the values
read here exist; secrets are read here, once, and passed on as values (``alerts``
never reads the environment). Must not: send anything or touch the database.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from datetime import datetime, time, timedelta
from typing import Any

from alerts import routing
from alerts.dispatch import CRASH_POINTS, Dispatcher
from alerts.settings import (
    SOURCE_EVENTS,
    AlertSettings,
    DigestSettings,
    SmtpSettings,
    WebhookSettings,
)
from alerts.smtp import SmtpSender
from alerts.webhook import WebhookSender, webhook_client
from monitor.config import Config
from monitor.errors import UsageError
from storage import MatchRecord, Route, Store


def alert_settings(config: Config, environ: Mapping[str, str]) -> AlertSettings:
    """What alerting is configured with; empty settings when there is no ``alerts``."""
    alerts = config.alerts
    if alerts is None:
        return AlertSettings()
    smtp = alerts["smtp"]
    return AlertSettings(
        operator=alerts["operator"],
        smtp=_smtp(smtp, environ) if smtp else None,
        digests=tuple(_digest(d) for d in alerts["digests"]),
        webhooks=tuple(_webhook(w, environ) for w in alerts["webhooks"]),
    )


def topic_names(config: Config) -> dict[str, str]:
    """Topic id -> display name, in the file's order (digests group in this order)."""
    return {t["id"]: t["name"] for t in config.topics}


def _smtp(smtp: Mapping[str, Any], environ: Mapping[str, str]) -> SmtpSettings:
    return SmtpSettings(
        host=smtp["host"],
        port=smtp["port"],
        security=smtp["security"],
        sender=smtp["from"],
        username=_secret(smtp.get("username_env"), environ),
        password=_secret(smtp.get("password_env"), environ),
    )


def _digest(digest: Mapping[str, Any]) -> DigestSettings:
    hours, minutes = digest["at"].split(":")
    return DigestSettings(
        id=digest["id"],
        to=tuple(digest["to"]),
        at=time(int(hours), int(minutes)),
        timezone=digest["timezone"],
        topics=_all_or(digest["topics"]),
        people=_all_or(digest["people"]),
        send_empty=digest["send_empty"],
        nothing_new=digest["nothing_new"],
    )


def _webhook(hook: Mapping[str, Any], environ: Mapping[str, str]) -> WebhookSettings:
    url = hook.get("url") or _secret(hook.get("url_env"), environ) or ""
    secrets = _secret(hook["secret_env"], environ) or ""
    return WebhookSettings(
        id=hook["id"],
        url=url.strip(),
        # Several secrets, separated by spaces, while a receiver rotates its secret.
        secrets=tuple(secrets.split()),
        severity=hook["severity"],
        events=_events(hook["events"]),
    )


def _events(events: tuple[str, ...]) -> tuple[str, ...]:
    """The events named, with ``source.*`` expanded, each once, in the order given."""
    expanded = [e for name in events for e in (SOURCE_EVENTS if name == "source.*" else (name,))]
    return tuple(dict.fromkeys(expanded))


def _secret(name: str | None, environ: Mapping[str, str]) -> str | None:
    return environ.get(name) if name else None


def _all_or(value: Any) -> tuple[str, ...] | None:
    return None if value == "all" else tuple(value)


class Alerting:
    """Alerting as configured: routes new items and opens the dispatcher that sends."""

    def __init__(self, config: Config, environ: Mapping[str, str]) -> None:
        self.settings = alert_settings(config, environ)
        self.topic_names = topic_names(config)
        self._user_agent = config.http.user_agent

    def router(self, matches: tuple[MatchRecord, ...]) -> tuple[Route, ...]:
        return routing.routes(matches, self.settings)

    def update(self, dispatcher: Dispatcher) -> None:
        """Hands these settings to a running dispatcher (feeds.yaml changed)."""
        smtp = self.settings.smtp
        dispatcher.use(self.settings, self.topic_names, SmtpSender(smtp) if smtp else None)

    @asynccontextmanager
    async def dispatcher(
        self,
        store: Store,
        clock: Callable[[], datetime],
        *,
        crash_at: str | None = None,
        lease: timedelta = timedelta(minutes=2),
    ) -> AsyncIterator[Dispatcher]:
        """A dispatcher with its senders; the webhook client is closed on exit."""
        smtp = self.settings.smtp
        async with webhook_client() as client:
            yield Dispatcher(
                store,
                self.settings,
                webhooks=WebhookSender(client, clock=clock, user_agent=self._user_agent),
                mail=SmtpSender(smtp) if smtp else None,
                clock=clock,
                topic_names=self.topic_names,
                crash_at=crash_at,
                lease=lease,
            )


def dispatch_options(environ: Mapping[str, str]) -> dict[str, Any]:
    """Test and tuning switches from the environment (docs/alerts.md):
    MONITOR_FAULT_INJECTION kills the process at a delivery step (crash tests);
    MONITOR_OUTBOX_LEASE is how many seconds a claimed message stays claimed."""
    options: dict[str, Any] = {}
    if crash_at := environ.get("MONITOR_FAULT_INJECTION"):
        if crash_at not in CRASH_POINTS:
            raise UsageError(f"MONITOR_FAULT_INJECTION must be one of {', '.join(CRASH_POINTS)}")
        options["crash_at"] = crash_at
    if lease := environ.get("MONITOR_OUTBOX_LEASE"):
        try:
            options["lease"] = timedelta(seconds=float(lease))
        except ValueError:
            raise UsageError("MONITOR_OUTBOX_LEASE must be a number of seconds") from None
    return options
