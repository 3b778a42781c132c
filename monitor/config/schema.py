"""The feeds.yaml schema (version 1) as one declarative table: key, kind, default, help.

Every key an operator may write is one ``Setting`` in ``SETTINGS``, named by its full
path (``feeds[].interval``: ``[]`` marks "each item of the list"). The validator derives
the allowed keys of every mapping from this table, the docs list the same paths, and a
test checks that docs/configuration.md mentions each one. Add a key here first.

Must not: read files, validate anything itself, or import YAML.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from monitor.config.formats import (
    Country,
    Duration,
    Email,
    EnvName,
    HttpUrl,
    Language,
    Size,
    TimeOfDay,
    TimeZone,
)
from monitor.config.kinds import (
    AllOrList,
    Boolean,
    Choice,
    Identifier,
    Integer,
    Kind,
    ListOf,
    Number,
    Records,
    Section,
    Tag,
    Text,
    Version,
)
from monitor.model import HealthSettings, HttpSettings, SourceLabel

_HTTP = HttpSettings()
_HEALTH = HealthSettings()
# What a webhook may ask for; "source.*" stands for every source event.
WEBHOOK_EVENTS = (
    "match.created", "story.updated", "source.failing", "source.silent", "source.recovered",
    "source.*",
)  # fmt: skip
# What a person is to the cases that name them (story grouping, monitor.group).
PERSON_ROLES = ("subject", "official")
MIN_INTERVAL = 30.0
MAX_INTERVAL = 30 * 86400.0
MAX_TIMEOUT = 300.0


@dataclass(frozen=True)
class Setting:
    """One key of feeds.yaml.

    ``default`` is the value used when the key is left out (``None``: no value);
    ``default_doc`` describes a default that is not a constant ("the feed's id").
    """

    path: str
    kind: Kind
    help: str = field(kw_only=True)
    default: object = field(default=None, kw_only=True)
    required: bool = field(default=False, kw_only=True)
    default_doc: str | None = field(default=None, kw_only=True)

    @property
    def name(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    @property
    def parent(self) -> str:
        return self.path.rsplit(".", 1)[0] if "." in self.path else ""


_LABELS = tuple(label.value for label in SourceLabel)
_SEVERITY = Choice(("urgent", "digest"))
_INTERVAL = Duration(MIN_INTERVAL, MAX_INTERVAL)
_TIMEOUT = Duration(0, MAX_TIMEOUT)

SETTINGS: tuple[Setting, ...] = (
    Setting("version", Version(), required=True,
            help="Format version of this file; must be 1."),
    # http
    Setting("http", Section(),
            help="Global fetch settings; every key is optional."),
    Setting("http.user_agent", Text(), default=_HTTP.user_agent,
            help="User-Agent header sent with every request; give a way to contact you."),
    Setting("http.max_body", Size(1024, 1024**3), default=_HTTP.max_body,
            help="Largest response accepted, after decompression; larger ones fail the poll."),
    Setting("http.concurrency", Integer(1, 200), default=_HTTP.concurrency,
            help="Requests in flight at once, over all hosts (at most 2 per host)."),
    Setting("http.max_redirects", Integer(0, 20), default=_HTTP.max_redirects,
            help="Redirects followed for one request."),
    Setting("http.allow_private_networks", Boolean(), default=_HTTP.allow_private_networks,
            help="Allow fetching from loopback and private addresses (tests, intranets)."),
    # defaults
    Setting("defaults", Section(),
            help="Values for every feed that does not set its own."),
    Setting("defaults.interval", _INTERVAL, default=900.0,
            help="Time between two polls of a feed; from 30s to 30d."),
    Setting("defaults.timeout", _TIMEOUT, default=20.0,
            help="Deadline for one request; at most 5m."),
    Setting("defaults.language", Language(), default="en",
            help="Language of a feed's items."),
    # feeds
    Setting("feeds", Records("feed", "id"),
            help="The sources to poll."),
    Setting("feeds[].id", Identifier(), required=True,
            help="Unique, stable name of the feed, used in logs, storage and queries."),
    Setting("feeds[].name", Text(), default_doc="the feed's `id`",
            help="Name shown in alerts."),
    Setting("feeds[].url", HttpUrl(), required=True,
            help="Address of the RSS, Atom or RDF document."),
    Setting("feeds[].label", Choice(_LABELS), default=SourceLabel.OTHER.value,
            help="What kind of source this is; shown beside every item."),
    Setting("feeds[].language", Language(), default_doc="`defaults.language`",
            help="Language of the feed's items."),
    Setting("feeds[].country", Country(),
            help="Country the source is about (ISO 3166 alpha-2), for `country:` in queries."),
    Setting("feeds[].interval", _INTERVAL, default_doc="`defaults.interval`",
            help="Time between two polls of this feed."),
    Setting("feeds[].timeout", _TIMEOUT, default_doc="`defaults.timeout`",
            help="Deadline for one request to this feed."),
    Setting("feeds[].tags", ListOf(Tag(), example="[iran, death-penalty]"), default=(),
            help="Free words that queries can test with `tag:`."),
    Setting("feeds[].enabled", Boolean(), default=True,
            help="Whether the feed is polled."),
    # topics
    Setting("topics", Records("topic", "id"),
            help="What to look for in items, as queries."),
    Setting("topics[].id", Identifier(), required=True,
            help="Unique, stable name of the topic."),
    Setting("topics[].name", Text(), default_doc="the topic's `id`",
            help="Name shown in alerts."),
    Setting("topics[].severity", _SEVERITY, default="digest",
            help="urgent: a webhook alert at once and in the digest; digest: digest only."),
    Setting("topics[].query", Text(multiline=True), required=True,
            help="What to match, in the query language."),
    # people
    Setting("people", Records("person", "name"),
            help="People to look for by name."),
    Setting("people[].name", Text(), required=True,
            help="Canonical name, reported in alerts; unique."),
    Setting("people[].aliases", ListOf(Text(), example="[Behrouz Ehsani Eslamloo]"), default=(),
            help="Other spellings and scripts of the name."),
    Setting("people[].severity", _SEVERITY, default="digest",
            help="As for topics."),
    Setting("people[].notes", Text(multiline=True),
            help="Free notes for researchers; not matched."),
    Setting("people[].allow_single_word", Boolean(), default=False,
            help="Let a one-word alias (a surname alone) fire by itself."),
    Setting("people[].role", Choice(PERSON_ROLES), default="subject",
            help="official: named for their role (judge, prosecutor, rapporteur, lawyer);"
                 " never makes two reports one event."),
    Setting("people_files", ListOf(Text(), example="[people.csv]"), default=(),
            help="CSV files of more people, relative to this file's folder."),
    # health
    Setting("health", Section(),
            help="When a source counts as broken or silent; every key is optional."),
    Setting("health.failures", Integer(1, 1000), default=_HEALTH.failures,
            help="Failed polls in a row before a feed is reported as failing."),
    Setting("health.silence", Number(1, 1000), default=_HEALTH.silence,
            help="A feed is silent when nothing new arrived for this many usual gaps."),
    Setting("health.min_silence", Duration(), default=_HEALTH.min_silence,
            help="Never silent sooner than this after the last new item, whatever the cadence."),
    # alerts
    Setting("alerts", Section(),
            help="Where alerts go; when absent nothing is sent."),
    Setting("alerts.operator", Email(),
            help="Address of the person who runs this monitor, told about failures."),
    Setting("alerts.smtp", Section(),
            help="Mail server for digests."),
    Setting("alerts.smtp.host", Text(), required=True,
            help="Host name of the mail server."),
    Setting("alerts.smtp.port", Integer(1, 65535),
            default_doc="25 for none, 587 for starttls, 465 for tls",
            help="Port of the mail server."),
    Setting("alerts.smtp.security", Choice(("none", "starttls", "tls")), default="starttls",
            help="How the connection is encrypted; certificates are always verified."),
    Setting("alerts.smtp.username_env", EnvName(),
            help="Environment variable holding the user name; give both _env keys or neither."),
    Setting("alerts.smtp.password_env", EnvName(),
            help="Environment variable holding the password."),
    Setting("alerts.smtp.from", Email(display_name=True), required=True,
            help="Sender of the digests."),
    Setting("alerts.digests", Records("digest", "id"),
            help="E-mail digests; they need `alerts.smtp`."),
    Setting("alerts.digests[].id", Identifier(), required=True,
            help="Unique, stable name of the digest."),
    Setting("alerts.digests[].to", ListOf(Email(), nonempty=True, example="[desk@example.org]"),
            required=True,
            help="Recipients."),
    Setting("alerts.digests[].at", TimeOfDay(), required=True,
            help="Time of day the digest is sent, in quotes."),
    Setting("alerts.digests[].timezone", TimeZone(), default="UTC",
            help="Time zone of `at`."),
    Setting("alerts.digests[].topics", AllOrList(Identifier(), example="[death_sentence]"),
            default="all",
            help="Topic ids the digest reports, or all."),
    Setting("alerts.digests[].people", AllOrList(Text(), example="[Behrouz Ehsani]"),
            default="all",
            help="Names of people the digest reports, or all."),
    Setting("alerts.digests[].send_empty", Boolean(), default=True,
            help="Send a short 'nothing new' message for a period with no matches."),
    Setting("alerts.digests[].nothing_new", Text(),
            default="Nothing new matched the monitored topics and people in this period.",
            help="The text of that message."),
    Setting("alerts.webhooks", Records("webhook", "id"),
            help="Endpoints that receive alerts at once."),
    Setting("alerts.webhooks[].id", Identifier(), required=True,
            help="Unique, stable name of the webhook."),
    Setting("alerts.webhooks[].url", HttpUrl(),
            help="Address of the endpoint when it is not secret; `url` or `url_env`."),
    Setting("alerts.webhooks[].url_env", EnvName(),
            help="Environment variable holding the address, when it is secret."),
    Setting("alerts.webhooks[].secret_env", EnvName(), required=True,
            help="Environment variable holding the signing secret (Standard Webhooks)."),
    Setting("alerts.webhooks[].severity", Choice(("urgent", "all")), default="urgent",
            help="urgent: only urgent matches; all: every match."),
    Setting("alerts.webhooks[].events",
            ListOf(Choice(WEBHOOK_EVENTS), nonempty=True, example="[match.created, source.*]"),
            default=("match.created",),
            help="What the endpoint receives: matches, later reports of a story it was"
                 " alerted of (story.updated), source health events."),
)

BY_PATH: Mapping[str, Setting] = MappingProxyType({s.path: s for s in SETTINGS})


def children(parent: str) -> dict[str, Setting]:
    """Settings directly inside ``parent`` ("" for the top level, "feeds[]" for a feed)."""
    return {s.name: s for s in SETTINGS if s.parent == parent}


# Keys that look like an inline secret, per mapping, and the `_env` key to use instead.
SECRET_KEYS: Mapping[str, Mapping[str, str]] = MappingProxyType({
    "alerts.smtp": MappingProxyType({
        "password": "password_env", "pass": "password_env", "passwd": "password_env",
        "username": "username_env", "user": "username_env", "login": "username_env",
        "secret": "password_env", "token": "password_env",
    }),
    "alerts.webhooks[]": MappingProxyType({
        "secret": "secret_env", "token": "secret_env", "signing_secret": "secret_env",
        "password": "secret_env",
    }),
})
# The same words anywhere else are refused as secrets too, without an `_env` to suggest.
SECRET_WORDS = frozenset({"password", "passwd", "secret", "token", "api_key", "apikey"})
