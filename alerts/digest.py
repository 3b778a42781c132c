"""Digest and operator-notice e-mails: an outbox message -> an ``EmailMessage``.

Owns what a digest says and how it is laid out: each story once (its earliest report,
then every source that reported it, earlier periods' included), grouped by topic and
then by person, the digest's topic and people filters, dates in the digest's time
zone, source labels in words, what the subject says. Pure: no network, clock or
database (``now`` is an argument); the only thing read is the package's own template
files.

Feed text is hostile (hazards 7-9): it reaches the templates only as data, links only
when they are http(s), summaries only through ``mail.safe_html`` and ``mail.plain_text``,
and headers only through ``mail.new_message``, which owns those defences.

Must not: send anything (``smtp.py`` does), read settings from anywhere but its
arguments, or import ``monitor``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, tzinfo
from email.message import EmailMessage
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from markupsafe import Markup

from alerts.mail import new_message, plain_text, render, safe_html, set_body
from alerts.settings import DigestSettings, SmtpSettings
from storage.records import DigestEntry, MatchRecord, OutboxMessage, SourceProblem, StoredItem

__all__ = ["LABELS", "compose_digest", "compose_notice"]

# Source labels (monitor.model.SourceLabel values) as readers say them.
LABELS = {
    "un": "UN",
    "ngo": "NGO",
    "news": "news",
    "state_media": "state media",
    "government": "government",
    "opposition": "opposition",
    "other": "other",
}
SUMMARY_CHARS = 600  # a digest is an index to the reports, not a copy of them
SOURCES_SHOWN = 15  # the footer stays short; `monitor status` has the rest
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_LANGUAGE = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")


@dataclass(frozen=True)
class _Source:
    name: str  # the feed's name
    label: str  # its label in words

    def __str__(self) -> str:
        return f"{self.name} ({self.label})"


@dataclass(frozen=True)
class _Entry:
    """One story as a section shows it (the templates' view of it)."""

    title: str
    url: str | None  # http(s) only
    date: str
    language: str | None
    sources: tuple[_Source, ...]
    evidence: tuple[str, ...]
    urgent: bool
    summary_text: str
    summary_html: Markup


@dataclass(frozen=True)
class _SourceLine:
    """A broken or silent source as the digest's footer shows it."""

    name: str
    label: str
    state: str  # "failing since 12 Jul 2025 09:30 (5 failed polls)"
    error: str | None


@dataclass(frozen=True)
class _Section:
    name: str
    entries: tuple[_Entry, ...]


def compose_digest(
    message: OutboxMessage,
    digest: DigestSettings,
    smtp: SmtpSettings,
    *,
    now: datetime,
    topic_names: Mapping[str, str],
    sources: Sequence[SourceProblem] = (),
) -> EmailMessage | None:
    """The e-mail for one digest period, or None when nothing matched and the digest
    does not send "nothing new" messages.

    ``sources`` are the feeds failing or silent now: the digest ends with them, so
    that readers know which sources the reports above may be missing.
    """
    zone = ZoneInfo(digest.timezone)
    stories = _stories(message.entries, message.reports, zone)
    topics = _topic_sections(stories, digest, topic_names)
    people = _person_sections(stories, digest)
    count = sum(1 for s in stories if any(_admits(digest, m) for m in _matches(s)))
    if count == 0 and not digest.send_empty:
        return None
    day = _day((message.period_end or now).astimezone(zone))
    if count:
        subject = f"Rights monitor: {count} new report{'' if count == 1 else 's'}"
    else:
        subject = "Rights monitor: nothing new"
    subject = f"{subject} ({digest.id}, {day})"
    if message.previous_period_end is None:
        period = "This is the first digest."
    else:
        since = _moment(message.previous_period_end.astimezone(zone))
        period = f"New reports since {since} ({digest.timezone})."
    context = {
        "subject": subject,
        "period": period,
        "count": count,
        "topics": topics,
        "people": people,
        "nothing_new": digest.nothing_new,
        "timezone": digest.timezone,
        "digest_id": digest.id,
        "sources": [_source_line(p, zone) for p in sources[:SOURCES_SHOWN]],
        "sources_more": max(0, len(sources) - SOURCES_SHOWN),
    }
    msg = new_message(
        message_id=message.message_id, sender=smtp.sender, to=digest.to, subject=subject, now=now
    )
    set_body(msg, render("digest.txt.j2", context), render("digest.html.j2", context))
    return msg


def compose_notice(
    message: OutboxMessage, operator: str, smtp: SmtpSettings, *, now: datetime
) -> EmailMessage:
    """A plain-text notice to the operator (an endpoint disabled, a delivery failed)."""
    subject = message.subject or f"Rights monitor: {message.event}"
    msg = new_message(
        message_id=message.message_id, sender=smtp.sender, to=(operator,), subject=subject, now=now
    )
    set_body(msg, render("notice.txt.j2", {"body": message.body or "", "event": message.event}))
    return msg


# --- grouping ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Story:
    """The entries of one story in this period: one event, several reports and sources."""

    entries: tuple[DigestEntry, ...]
    view: _Entry  # as every section shows it, but for evidence and urgency


def _stories(
    entries: Iterable[DigestEntry], reports: Iterable[StoredItem], zone: tzinfo
) -> list[_Story]:
    # The contract wants every source of a story beside it, not the story twice: the
    # period's entries of one story are shown once, with the story's earlier reports
    # (``reports``) among its sources.
    groups: dict[object, list[DigestEntry]] = {}
    for entry in entries:
        groups.setdefault(_story_key(entry.item), []).append(entry)
    others: dict[object, list[StoredItem]] = {}
    for report in reports:
        others.setdefault(_story_key(report), []).append(report)
    return [
        _Story(tuple(group), _view([e.item for e in group] + others.get(key, []), zone))
        for key, group in groups.items()
    ]


def _story_key(item: StoredItem) -> object:
    # An item without a story (a record built by hand) is grouped by its link: items
    # with the same canonical link are one report seen by several feeds.
    if item.story_id is not None:
        return ("story", item.story_id)
    return item.url or ("item", item.id)


def _topic_sections(
    stories: list[_Story], digest: DigestSettings, names: Mapping[str, str]
) -> list[_Section]:
    found = _keys(stories, "topic", digest.topics)
    # Configured order first; a topic since removed from feeds.yaml keeps its id as name.
    order = [k for k in names if k in found] + sorted(found - names.keys())
    return _sections(stories, "topic", order, names)


def _person_sections(stories: list[_Story], digest: DigestSettings) -> list[_Section]:
    found = _keys(stories, "person", digest.people)
    if digest.people is not None:
        order = [p for p in dict.fromkeys(digest.people) if p in found]
    else:
        order = sorted(found, key=str.casefold)
    return _sections(stories, "person", order, {})


def _keys(stories: list[_Story], kind: str, admitted: tuple[str, ...] | None) -> set[str]:
    return {
        m.key
        for s in stories
        for m in _matches(s)
        if m.kind == kind and (admitted is None or m.key in admitted)
    }


def _matches(story: _Story) -> Iterator[MatchRecord]:
    return (m for e in story.entries for m in e.matches)


def _admits(digest: DigestSettings, match: MatchRecord) -> bool:
    admitted = {"topic": digest.topics, "person": digest.people}.get(match.kind, ())
    return admitted is None or match.key in admitted


def _sections(
    stories: list[_Story], kind: str, order: list[str], names: Mapping[str, str]
) -> list[_Section]:
    sections = []
    for key in order:
        entries = []
        for story in stories:
            matches = [m for m in _matches(story) if (m.kind, m.key) == (kind, key)]
            if matches:
                evidence = tuple(dict.fromkeys(t for m in matches for t in m.evidence))
                urgent = any(m.severity == "urgent" for m in matches)
                entries.append(replace(story.view, evidence=evidence, urgent=urgent))
        sections.append(_Section(names.get(key, key), tuple(entries)))
    return sections


def _view(reports: list[StoredItem], zone: tzinfo) -> _Entry:
    """What a story shows in every section, from its earliest report, with every source
    in the order they reported it; evidence and urgency are per section."""
    reports = sorted(reports, key=lambda i: (i.published, i.id))
    first = reports[0]
    summary = plain_text(first.summary)
    if len(summary) > SUMMARY_CHARS:
        # Cutting HTML could cut a tag in two: a long summary is shown as its text.
        summary = summary[:SUMMARY_CHARS].rstrip() + "…"
        summary_html = Markup.escape(summary)
    else:
        summary_html = safe_html(first.summary)
    language = first.language
    return _Entry(
        title=_line(first.title) or "(untitled)",
        url=first.url if _is_web(first.url) else None,
        date=_moment(first.published.astimezone(zone)),
        language=language if language and _LANGUAGE.fullmatch(language) else None,
        sources=tuple(dict.fromkeys(_source(i) for i in reports)),
        evidence=(),
        urgent=False,
        summary_text=summary,
        summary_html=summary_html,
    )


def _source(item: StoredItem) -> _Source:
    label = LABELS.get(item.feed_label, item.feed_label.replace("_", " "))
    return _Source(_line(item.feed_name) or item.feed_id, label)


def _source_line(problem: SourceProblem, zone: tzinfo) -> _SourceLine:
    since = _moment(problem.since.astimezone(zone))
    if problem.state == "failing":
        polls = problem.consecutive_failures
        state = f"failing since {since} ({polls} failed poll{'' if polls == 1 else 's'})"
    else:
        state = f"silent since {since} (nothing new)"
    label = LABELS.get(problem.label, problem.label.replace("_", " "))
    error = _line(problem.last_error)[:200] if problem.last_error else None
    return _SourceLine(_line(problem.name) or problem.feed_id, label, state, error)


def _line(value: str) -> str:
    # Titles and feed names are stored as plain text; only their line breaks go.
    return " ".join(value.split())


def _is_web(url: str | None) -> bool:
    try:
        return url is not None and urlsplit(url).scheme.lower() in ("http", "https")
    except ValueError:
        return False


def _day(moment: datetime) -> str:
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year}"


def _moment(moment: datetime) -> str:
    return f"{_day(moment)} {moment:%H:%M}"
