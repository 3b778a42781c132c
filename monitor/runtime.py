"""The rules in force in a running monitor (config, matcher, alerting) and how a changed
feeds.yaml replaces them without a restart.

``ConfigWatch`` looks at the file every few seconds. A change is loaded and checked
exactly as ``monitor check`` would; a valid one is applied (new feeds start polling,
removed ones stop, topics and the watchlist apply to the next items, alert settings to
the next messages), an invalid one is logged problem by problem and the running rules
stay. Changes under ``http:`` (user agent, limits, concurrency) need a restart, and
the log says so. Must not: poll, send, or know the scheduler.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from monitor.alerting import Alerting
from monitor.config import Config
from monitor.errors import ConfigError
from monitor.logs import FIELDS
from monitor.match import Matcher
from storage import FeedDefinition

log = logging.getLogger("monitor.config")

WATCH_EVERY = 5.0  # seconds between looks at the file


@dataclass(frozen=True)
class Rules:
    """Everything derived from one valid version of feeds.yaml."""

    config: Config
    matcher: Matcher
    alerting: Alerting


def feed_definitions(config: Config) -> list[FeedDefinition]:
    """The config's feeds as storage records (``Store.sync_feeds``)."""
    return [
        FeedDefinition(
            id=f.id,
            url=f.url,
            name=f.name,
            label=f.label.value,
            language=f.language,
            country=f.country,
            enabled=f.enabled,
        )  # fmt: skip
        for f in config.feeds
    ]


def _fingerprint(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None  # moved away for a moment by an editor's save: look again later


class ConfigWatch:
    """Reloads ``path`` through ``load`` when its content changes; ``apply`` takes the
    new rules. ``load`` raises ``ConfigError`` for an invalid file."""

    def __init__(
        self,
        path: Path,
        load: Callable[[], Rules],
        apply: Callable[[Rules], None],
        current: Config,
        every: float = WATCH_EVERY,
    ) -> None:
        self._path = path
        self._load = load
        self._apply = apply
        self._current = current
        self._every = every
        self._seen = _fingerprint(path)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), self._every)
            except TimeoutError:
                self.check()

    def check(self) -> bool:
        """Reloads if the file changed; True if new rules were applied."""
        seen = _fingerprint(self._path)
        if seen is None or seen == self._seen:
            return False
        self._seen = seen
        try:
            rules = self._load()
        except ConfigError as e:
            for problem in e.problems:
                log.error("config change rejected", extra={FIELDS: {"problem": str(problem)}})
            log.error("config change rejected: the running configuration stays",
                      extra={FIELDS: {"problems": len(e.problems)}})  # fmt: skip
            return False
        except Exception:  # a bug in loading must not stop the service
            log.exception("config change could not be loaded; the running configuration stays")
            return False
        self._apply(rules)
        self._log_change(self._current, rules.config)
        self._current = rules.config
        return True

    @staticmethod
    def _log_change(old: Config, new: Config) -> None:
        before, after = {f.id for f in old.feeds}, {f.id for f in new.feeds}
        log.info("config reloaded", extra={FIELDS: {
            "feeds_added": ",".join(sorted(after - before)) or None,
            "feeds_removed": ",".join(sorted(before - after)) or None,
            "feeds": len(after), "topics": len(new.topics), "people": len(new.all_people),
        }})  # fmt: skip
        if new.http != old.http:
            log.warning("config reloaded: changes under http: apply at the next restart")
