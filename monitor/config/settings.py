"""The validated configuration, ``Config``, and how it is built from clean data.

``Config`` is immutable all the way down (frozen dataclasses, tuples, read-only
mappings) and reaches code as an argument: there is no module-level config. Defaults
from the schema table are applied here, including those that depend on other keys (a
feed's name is its id; its interval comes from ``defaults``). Secrets are not here:
``*_env`` keys keep the variable's name, and whoever sends reads the variable then.
Must not: report problems (the data is already valid) or import YAML.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from monitor.config.located import Pos, Positions
from monitor.config.rules import relative_to
from monitor.config.schema import BY_PATH
from monitor.model import FeedSettings, HealthSettings, HttpSettings, SourceLabel

SMTP_PORTS = MappingProxyType({"none": 25, "starttls": 587, "tls": 465})


@dataclass(frozen=True)
class Config:
    """feeds.yaml, validated, with defaults applied.

    ``topics``, ``people`` and ``alerts`` are read-only mappings holding every key of
    the schema (absent optional ones as None); topic queries are not parsed yet.
    ``positions`` lets later stages report a problem at its place in the file.
    """

    path: Path
    version: int
    http: HttpSettings
    feeds: tuple[FeedSettings, ...]
    topics: tuple[Mapping[str, Any], ...]
    people: tuple[Mapping[str, Any], ...]
    people_files: tuple[Path, ...]
    alerts: Mapping[str, Any] | None
    positions: Positions = field(default_factory=Positions, repr=False, compare=False)
    file_people: tuple[Mapping[str, Any], ...] = ()  # from people_files; each has "source"
    health: HealthSettings = HealthSettings()

    @property
    def all_people(self) -> tuple[Mapping[str, Any], ...]:
        """People from feeds.yaml, then from people_files, in order."""
        return self.people + self.file_people

    def feed(self, feed_id: str) -> FeedSettings:
        """The feed with this id; KeyError if there is none."""
        for feed in self.feeds:
            if feed.id == feed_id:
                return feed
        raise KeyError(feed_id)

    def locate(self, *key_path: str | int) -> tuple[int, int]:
        """1-based (line, column) where the value at ``key_path`` starts, such as
        ``locate("topics", 0, "query")``; (1, 1) when the file has no such key."""
        pos: Pos | None = self.positions.values.get(tuple(key_path))
        return pos if pos is not None else (1, 1)


def _get(data: Mapping[str, Any], spath: str) -> Any:
    """The value of the key named by ``spath`` in ``data``, or its schema default."""
    name = spath.rsplit(".", 1)[-1]
    return data[name] if name in data else BY_PATH[spath].default


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return MappingProxyType({k: _frozen(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


def _record(data: Mapping[str, Any], spath: str, **derived: Any) -> Mapping[str, Any]:
    """Every key of the record type ``spath`` ("topics[]"), defaults applied."""
    out: dict[str, Any] = {}
    for path, setting in BY_PATH.items():
        if setting.parent == spath:
            out[setting.name] = _get(data, path)
    for name, value in derived.items():
        out[name] = data.get(name, value)
    return _frozen(out)  # type: ignore[no-any-return]


def build_config(clean: dict[str, Any], path: Path, positions: Positions) -> Config:
    """Turn valid clean data into a ``Config``."""
    http = clean.get("http", {})
    defaults = clean.get("defaults", {})
    feeds = tuple(
        FeedSettings(
            id=f["id"],
            url=f["url"],
            name=f.get("name", f["id"]),
            label=SourceLabel(_get(f, "feeds[].label")),
            language=f.get("language", _get(defaults, "defaults.language")),
            country=f.get("country"),
            interval=f.get("interval", _get(defaults, "defaults.interval")),
            timeout=f.get("timeout", _get(defaults, "defaults.timeout")),
            tags=tuple(_get(f, "feeds[].tags")),
            enabled=_get(f, "feeds[].enabled"),
        )
        for f in clean.get("feeds", [])
    )
    return Config(
        path=path,
        version=clean["version"],
        http=HttpSettings(
            user_agent=_get(http, "http.user_agent"),
            max_body=_get(http, "http.max_body"),
            concurrency=_get(http, "http.concurrency"),
            max_redirects=_get(http, "http.max_redirects"),
            allow_private_networks=_get(http, "http.allow_private_networks"),
        ),
        feeds=feeds,
        topics=tuple(_record(t, "topics[]", name=t["id"]) for t in clean.get("topics", [])),
        people=tuple(_record(p, "people[]") for p in clean.get("people", [])),
        people_files=tuple(relative_to(path, p) for p in clean.get("people_files", [])),
        alerts=_alerts(clean["alerts"]) if "alerts" in clean else None,
        positions=positions,
        health=_health(clean.get("health", {})),
    )


def _health(health: Mapping[str, Any]) -> HealthSettings:
    return HealthSettings(
        failures=_get(health, "health.failures"),
        silence=_get(health, "health.silence"),
        min_silence=_get(health, "health.min_silence"),
    )


def _alerts(alerts: dict[str, Any]) -> Mapping[str, Any]:
    smtp = alerts.get("smtp")
    if smtp:
        security = _get(smtp, "alerts.smtp.security")
        smtp = _record(smtp, "alerts.smtp", port=SMTP_PORTS[security])
    return MappingProxyType({
        "operator": alerts.get("operator"),
        "smtp": smtp or None,
        "digests": tuple(_record(d, "alerts.digests[]") for d in alerts.get("digests", [])),
        "webhooks": tuple(_record(w, "alerts.webhooks[]") for w in alerts.get("webhooks", [])),
    })


__all__ = ["Config", "build_config"]
