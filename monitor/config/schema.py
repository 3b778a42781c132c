"""The feeds.yaml schema (version 1) as one declarative table: key, kind, default, help.

Every key an operator may write is one ``Setting`` in ``SETTINGS``, named by its full
path (``feeds[].interval``: ``[]`` marks "each item of the list"). The validator derives
the allowed keys of every mapping from this table, the docs list the same paths, and a
test checks that docs/configuration.md mentions each one. Add a key here first.

Must not: read files, validate anything itself, or import YAML.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
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
    Records,
    Section,
    Tag,
    Text,
    Version,
)
from monitor.model import HttpSettings, SourceLabel

_HTTP = HttpSettings()
MIN_INTERVAL = 30.0
MAX_TIMEOUT = 300.0


@dataclass(frozen=True)
class Setting:
    """One key of feeds.yaml.

    ``default`` is the value used when the key is left out (``None``: no value);
    ``default_doc`` describes a default that is not a constant ("the feed's id").
    """

    path: str
    kind: Kind
    help: str
    default: object = None
    required: bool = False
    default_doc: str | None = None

    @property
    def name(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    @property
    def parent(self) -> str:
        return self.path.rsplit(".", 1)[0] if "." in self.path else ""


_LABELS = tuple(label.value for label in SourceLabel)
_SEVERITY = Choice(("urgent", "digest"))

SETTINGS: tuple[Setting, ...] = (
    Setting("version", Version(), "Format version of this file; must be 1.", required=True),
    # http
    Setting("http", Section(), "Global fetch settings; every key is optional."),
    Setting("http.user_agent", Text(), "User-Agent header sent with every request; give a way"
       " to contact you.", _HTTP.user_agent),
    Setting("http.max_body", Size(1024, 1024**3), "Largest response accepted, after"
       " decompression; larger ones fail the poll.", _HTTP.max_body),
    Setting("http.concurrency", Integer(1, 200), "Requests in flight at once, over all hosts"
       " (at most 2 per host).", _HTTP.concurrency),
    Setting("http.max_redirects", Integer(0, 20), "Redirects followed for one request.",
       _HTTP.max_redirects),
    Setting("http.allow_private_networks", Boolean(), "Allow fetching from loopback and private"
       " addresses (for tests and intranet feeds).", _HTTP.allow_private_networks),
    # defaults
    Setting("defaults", Section(), "Values for every feed that does not set its own."),
    Setting("defaults.interval", Duration(MIN_INTERVAL), "Time between two polls of a feed;"
       " at least 30s.", 900.0),
    Setting("defaults.timeout", Duration(0, MAX_TIMEOUT), "Deadline for one request; at most"
       " 5m.", 20.0),
    Setting("defaults.language", Language(), "Language of a feed's items.", "en"),
    # feeds
    Setting("feeds", Records("feed", "id"), "The sources to poll."),
    Setting("feeds[].id", Identifier(), "Unique, stable name of the feed, used in logs,"
       " storage and queries; changing it starts a new history.", required=True),
    Setting("feeds[].name", Text(), "Name shown in alerts.", default_doc="the feed's `id`"),
    Setting("feeds[].url", HttpUrl(), "Address of the RSS, Atom or RDF document.",
       required=True),
    Setting("feeds[].label", Choice(_LABELS), "What kind of source this is; shown beside every"
       " item.", SourceLabel.OTHER.value),
    Setting("feeds[].language", Language(), "Language of the feed's items.",
       default_doc="`defaults.language`"),
    Setting("feeds[].country", Country(), "Country the source is about (ISO 3166 alpha-2);"
       " queries can test it with `country:`."),
    Setting("feeds[].interval", Duration(MIN_INTERVAL), "Time between two polls of this feed.",
       default_doc="`defaults.interval`"),
    Setting("feeds[].timeout", Duration(0, MAX_TIMEOUT), "Deadline for one request to this"
       " feed.", default_doc="`defaults.timeout`"),
    Setting("feeds[].tags", ListOf(Tag(), example="[iran, death-penalty]"), "Free words that"
       " queries can test with `tag:`.", ()),
    Setting("feeds[].enabled", Boolean(), "Whether the feed is polled.", True),
    # topics
    Setting("topics", Records("topic", "id"), "What to look for in items, as queries."),
    Setting("topics[].id", Identifier(), "Unique, stable name of the topic.", required=True),
    Setting("topics[].name", Text(), "Name shown in alerts.", default_doc="the topic's `id`"),
    Setting("topics[].severity", _SEVERITY, "urgent: a webhook alert at once and in the"
       " digest; digest: in the digest only.", "digest"),
    Setting("topics[].query", Text(multiline=True), "Query in the query language (see below).",
       required=True),
    # people
    Setting("people", Records("person", "name"), "People to look for by name."),
    Setting("people[].name", Text(), "Canonical name, reported in alerts; unique.",
       required=True),
    Setting("people[].aliases", ListOf(Text(), example="[Behrouz Ehsani Eslamloo, بهروز احسانی]"),
       "Other spellings and scripts of the name.", ()),
    Setting("people[].severity", _SEVERITY, "As for topics.", "digest"),
    Setting("people[].notes", Text(multiline=True), "Free notes for researchers; not matched."),
    Setting("people_files", ListOf(Text(), example="[people.csv]"), "CSV files of more"
       " people (columns name, aliases separated by ;, severity, notes), relative to this"
       " file's folder.", ()),
    # alerts
    Setting("alerts", Section(), "Where alerts go; when absent nothing is sent."),
    Setting("alerts.operator", Email(), "Address of the person who runs this monitor, told"
       " about failures."),
    Setting("alerts.smtp", Section(), "Mail server for digests."),
    Setting("alerts.smtp.host", Text(), "Host name of the mail server.", required=True),
    Setting("alerts.smtp.port", Integer(1, 65535), "Port of the mail server.",
       default_doc="25 for none, 587 for starttls, 465 for tls"),
    Setting("alerts.smtp.security", Choice(("none", "starttls", "tls")), "How the connection"
       " is encrypted; certificates are always verified.", "starttls"),
    Setting("alerts.smtp.username_env", EnvName(), "Environment variable holding the user"
       " name; give it with `password_env`, or neither."),
    Setting("alerts.smtp.password_env", EnvName(), "Environment variable holding the"
       " password."),
    Setting("alerts.smtp.from", Email(display_name=True), "Sender of the digests.",
       required=True),
    Setting("alerts.digests", Records("digest", "id"), "E-mail digests; each needs"
       " `alerts.smtp`."),
    Setting("alerts.digests[].id", Identifier(), "Unique, stable name of the digest.",
       required=True),
    Setting("alerts.digests[].to", ListOf(Email(), nonempty=True, example="[desk@example.org]"),
       "Recipients.", required=True),
    Setting("alerts.digests[].at", TimeOfDay(), "Time of day the digest is sent, in quotes.",
       required=True),
    Setting("alerts.digests[].timezone", TimeZone(), "Time zone of `at`.", "UTC"),
    Setting("alerts.digests[].topics", AllOrList(Identifier(), example="[death_sentence]"),
       "Topic ids the digest reports, or all.", "all"),
    Setting("alerts.digests[].people", AllOrList(Text(), example="[Behrouz Ehsani]"),
       "Names of people the digest reports, or all.", "all"),
    Setting("alerts.webhooks", Records("webhook", "id"), "Endpoints that receive alerts at"
       " once."),
    Setting("alerts.webhooks[].id", Identifier(), "Unique, stable name of the webhook.",
       required=True),
    Setting("alerts.webhooks[].url", HttpUrl(), "Address of the endpoint, when it is not"
       " secret; give `url` or `url_env`, not both."),
    Setting("alerts.webhooks[].url_env", EnvName(), "Environment variable holding the"
       " address, when it is secret."),
    Setting("alerts.webhooks[].secret_env", EnvName(), "Environment variable holding the"
       " signing secret (whsec_<base64>, as Standard Webhooks).", required=True),
    Setting("alerts.webhooks[].severity", Choice(("urgent", "all")), "urgent: only urgent"
       " matches; all: every match.", "urgent"),
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
