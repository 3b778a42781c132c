"""What alerting needs to know, as frozen dataclasses built by the CLI from feeds.yaml.

Secrets are resolved by the caller (the CLI reads the ``*_env`` variables) and reach
alerting here as values, so nothing in ``alerts`` reads the environment or a global.
Must not: import ``monitor`` or know about YAML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

MATCH_EVENT = "match.created"
# A later report of a story the endpoint was alerted of (a repost, another outlet):
# sent only to endpoints that ask for it, instead of a second match.created.
STORY_EVENT = "story.updated"
# A source's health changed: broken (N failed polls in a row), silent (nothing new far
# beyond its usual cadence), or back to normal.
SOURCE_EVENTS = ("source.failing", "source.silent", "source.recovered")
WEBHOOK_EVENTS = (MATCH_EVENT, STORY_EVENT, *SOURCE_EVENTS)


@dataclass(frozen=True)
class SmtpSettings:
    """The mail server for digests and operator notices."""

    host: str
    port: int
    security: str  # "none" | "starttls" | "tls"; certificates are always verified
    sender: str  # the From header, e.g. "Rights Monitor <monitor@example.org>"
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0


@dataclass(frozen=True)
class DigestSettings:
    """One daily digest: who gets it, when, and which matches it reports."""

    id: str
    to: tuple[str, ...]
    at: time  # local time of day in ``timezone``
    timezone: str  # IANA name
    topics: tuple[str, ...] | None = None  # topic ids; None is all
    people: tuple[str, ...] | None = None  # canonical names; None is all
    send_empty: bool = True  # send a "nothing new" message when nothing matched
    nothing_new: str = "Nothing new matched the monitored topics and people in this period."


@dataclass(frozen=True)
class WebhookSettings:
    """One endpoint that receives alerts at once, signed per Standard Webhooks."""

    id: str
    url: str
    secrets: tuple[str, ...]  # "whsec_<base64>"; more than one while rotating
    severity: str = "urgent"  # "urgent" | "all"
    timeout: float = 15.0
    events: tuple[str, ...] = (MATCH_EVENT,)  # of WEBHOOK_EVENTS; patterns already expanded


@dataclass(frozen=True)
class AlertSettings:
    """Everything alerting is configured with; empty when feeds.yaml has no ``alerts``."""

    operator: str | None = None  # e-mail address told of disabled endpoints, failures,
    # and of sources that break, fall silent or recover
    smtp: SmtpSettings | None = None
    digests: tuple[DigestSettings, ...] = ()
    webhooks: tuple[WebhookSettings, ...] = ()

    def webhook(self, webhook_id: str) -> WebhookSettings | None:
        return next((w for w in self.webhooks if w.id == webhook_id), None)

    def digest(self, digest_id: str) -> DigestSettings | None:
        return next((d for d in self.digests if d.id == digest_id), None)
