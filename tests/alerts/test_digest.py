"""compose_digest: golden files (feed items in, e-mail out) and table-driven tests of
grouping, filters, dates and headers. Hostile feed text is in test_digest_hostile.py.

Regenerate the golden files after an intended change with
``UPDATE_GOLDEN=1 .venv/bin/pytest tests/alerts/test_digest.py`` and read the diff.
"""

from __future__ import annotations

import email
import email.policy
import os
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest

from alerts.digest import LABELS, compose_digest
from alerts.settings import DigestSettings
from storage.records import DigestEntry, OutboxMessage
from tests.alerts.mail_factories import (
    DIGEST,
    NOW,
    SMTP,
    TOPIC_NAMES,
    digest_message,
    entry,
    item,
    persian_item,
    person,
    topic,
)

GOLDEN = Path(__file__).parent / "golden"
HEADERS = ("From", "To", "Subject", "Date", "Message-ID", "Auto-Submitted")


def entries() -> tuple[DigestEntry, ...]:
    """An English item (urgent topic and a person), a Persian one reported by two feeds,
    and a UN item in two topics."""
    return (
        entry(
            item(),
            topic("death_sentence", "sentenced to death", severity="urgent"),
            person("Masoud Jamei", "Masoud Jamei"),
        ),
        entry(persian_item(), topic("execution", "اعدام")),
        entry(
            persian_item(
                id=3,
                feed_id="iranhr-fa",
                feed_label="ngo",
                feed_name="سازمان حقوق بشر ایران",
                published=datetime(2026, 11, 21, 22, 10, tzinfo=UTC),
            ),
            topic("execution", "اعدام", "اعدام شد"),
        ),
        entry(
            item(
                id=4,
                feed_id="un-news",
                feed_label="un",
                feed_name="UN News",
                title="UN experts alarmed by surge in executions",
                url="https://news.un.org/en/story/2026/11/1",
                summary="Executions rose sharply &amp; <em>without</em> fair trials.",
                published=datetime(2026, 11, 21, 23, 59, tzinfo=UTC),
            ),
            topic("execution", "executions"),
            topic("arrest", "detained"),
        ),
    )


SCENARIOS = {
    "full": (digest_message(*entries()), DIGEST),
    "empty": (digest_message(previous_period_end=None), DIGEST),
    "filtered": (digest_message(*entries()), replace(DIGEST, topics=("execution",), people=())),
}


def compose(
    message: OutboxMessage, digest: DigestSettings = DIGEST, names: Mapping[str, str] = TOPIC_NAMES
) -> EmailMessage:
    msg = compose_digest(message, digest, SMTP, now=NOW, topic_names=names)
    assert msg is not None
    return msg


def wire(msg: EmailMessage) -> EmailMessage:
    """The message as a mail client sees it: serialised, then parsed back."""
    parsed = email.message_from_bytes(bytes(msg), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def parts(msg: EmailMessage) -> tuple[str, str]:
    plain, html = (msg.get_body((kind,)) for kind in ("plain", "html"))
    assert plain is not None and html is not None
    # Line ends are CRLF on the wire; the golden files keep them as \n.
    return (
        plain.get_content().replace("\r\n", "\n"),
        html.get_content().replace("\r\n", "\n"),
    )


def check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(actual, encoding="utf-8", newline="")
    assert actual == path.read_text(encoding="utf-8"), f"{name} differs (UPDATE_GOLDEN=1)"


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_golden(scenario: str) -> None:
    message, digest = SCENARIOS[scenario]
    got = wire(compose(message, digest))
    text, html = parts(got)
    head = "".join(f"{name}: {got[name]}\n" for name in HEADERS)
    check_golden(f"digest_{scenario}.txt", head + "\n" + text)
    check_golden(f"digest_{scenario}.html", html)


def test_headers_and_structure() -> None:
    msg = wire(compose(digest_message(*entries())))
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert {p.get_content_charset() for p in msg.iter_parts()} == {"utf-8"}
    assert msg["Message-ID"] == "<digest.daily.20261122T033000Z@monitor.example.org>"
    assert msg["Date"] == "Sun, 22 Nov 2026 03:31:00 +0000"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["To"] == "researcher@example.org"


def test_the_message_id_is_the_outbox_id_so_a_resend_has_the_same() -> None:
    first = compose(digest_message(*entries()))
    again = compose(digest_message(*entries(), attempts=3))
    assert first["Message-ID"] == again["Message-ID"]


@pytest.mark.parametrize(
    ("outbox_id", "header"),
    [
        ("digest.daily.1@monitor.example.org", "<digest.daily.1@monitor.example.org>"),
        ("<digest.daily.1@monitor.example.org>", "<digest.daily.1@monitor.example.org>"),
        ("digest-daily-1", "<digest-daily-1@example.org>"),  # the sender's domain
    ],
)
def test_message_id_forms(outbox_id: str, header: str) -> None:
    assert compose(digest_message(message_id=outbox_id))["Message-ID"] == header


@pytest.mark.parametrize(
    ("zone", "period_end", "day"),
    [
        # 20:30 UTC on the 21st is already the 22nd in Tehran (UTC+03:30).
        ("Asia/Tehran", datetime(2026, 11, 21, 20, 30, tzinfo=UTC), "22 Nov 2026"),
        ("UTC", datetime(2026, 11, 21, 20, 30, tzinfo=UTC), "21 Nov 2026"),
        ("America/New_York", datetime(2026, 11, 22, 3, 30, tzinfo=UTC), "21 Nov 2026"),
    ],
)
def test_the_subject_date_is_in_the_digests_time_zone(
    zone: str, period_end: datetime, day: str
) -> None:
    message = digest_message(entry(item(), topic("execution")), period_end=period_end)
    msg = compose(message, replace(DIGEST, timezone=zone))
    assert msg["Subject"] == f"Rights monitor: 1 new report (daily, {day})"


def test_entry_dates_and_the_period_are_in_the_digests_time_zone() -> None:
    message = digest_message(entry(item(), topic("execution")))
    text, _ = parts(compose(message))
    assert "21 Nov 2026 11:45 | Iran Human Rights (NGO)" in text  # 08:15 UTC
    assert "New reports since 21 Nov 2026 07:00 (Asia/Tehran)." in text
    text, _ = parts(compose(replace(message, previous_period_end=None)))
    assert "This is the first digest." in text


def test_an_item_appears_under_each_topic_and_person_it_matched() -> None:
    message = digest_message(
        entry(item(), topic("arrest"), topic("death_sentence"), person("Masoud Jamei")),
    )
    msg = compose(message)
    text, html = parts(msg)
    assert text.count("Masoud Jamei sentenced to death") == 3
    assert html.count(">Masoud Jamei sentenced to death</a>") == 3
    assert msg["Subject"].startswith("Rights monitor: 1 new report ")  # one report


def test_topics_follow_the_configured_order_and_unknown_ids_come_last() -> None:
    message = digest_message(
        entry(item(id=1, url="https://a.example/1"), topic("retired_topic")),
        entry(item(id=2, url="https://a.example/2"), topic("arrest")),
        entry(item(id=3, url="https://a.example/3"), topic("death_sentence")),
    )
    text, _ = parts(compose(message))
    headings = [line for line in text.splitlines() if line.startswith("== ")]
    assert headings == ["== Death sentences (1) ==", "== Arrests (1) ==", "== retired_topic (1) =="]


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        (None, ["== Ahmad Reza Djalali (1) ==", "== narges Mohammadi (1) =="]),
        (
            ("narges Mohammadi", "Ahmad Reza Djalali"),
            ["== narges Mohammadi (1) ==", "== Ahmad Reza Djalali (1) =="],
        ),
        (("Ahmad Reza Djalali",), ["== Ahmad Reza Djalali (1) =="]),
    ],
)
def test_people_sections(people: tuple[str, ...] | None, expected: list[str]) -> None:
    message = digest_message(
        entry(item(id=1, url="https://a.example/1"), person("narges Mohammadi")),
        entry(item(id=2, url="https://a.example/2"), person("Ahmad Reza Djalali")),
    )
    text, _ = parts(compose(message, replace(DIGEST, people=people)))
    assert [line for line in text.splitlines() if line.startswith("== ")] == expected


def test_one_report_from_several_feeds_is_shown_once_with_every_source() -> None:
    text, html = parts(compose(digest_message(*entries()[1:3])))
    assert text.count("اعدام یک زندانی در زندان قزلحصار") == 1
    assert "هرانا (news), سازمان حقوق بشر ایران (NGO)" in text
    assert "Matched: اعدام, اعدام شد" in text
    assert '<span dir="auto">هرانا</span> (news)' in html


@pytest.mark.parametrize(("label", "word"), [*LABELS.items(), ("think_tank", "think tank")])
def test_source_labels_in_words(label: str, word: str) -> None:
    message = digest_message(entry(item(feed_label=label), topic("execution")))
    text, _ = parts(compose(message))
    assert f"| Iran Human Rights ({word})" in text


def test_persian_titles_read_right_to_left_in_html() -> None:
    _, html = parts(compose(digest_message(entry(persian_item(), topic("execution")))))
    assert '<div dir="auto" lang="fa" style="font-weight: bold;"><a href=' in html
    assert 'dir="auto">اعدام یک زندانی در زندان قزلحصار</a>' in html


@pytest.mark.parametrize("url", [None, "javascript:alert(1)", "data:text/html,x", "/relative"])
def test_only_web_links_are_linked(url: str | None) -> None:
    message = digest_message(entry(item(url=url, title="Unlinked"), topic("execution")))
    text, html = parts(compose(message))
    assert '<div dir="auto" lang="en" style="font-weight: bold;">Unlinked</div>' in html
    assert "javascript:" not in html and "data:text" not in html


def test_a_long_summary_is_cut_and_shown_as_text() -> None:
    summary = "<p>" + "word " * 400 + "<b>end</b></p>"
    text, html = parts(compose(digest_message(entry(item(summary=summary), topic("arrest")))))
    assert "word word…" in text and "end" not in text
    assert "word word…</div>" in html


@pytest.mark.parametrize(
    ("message", "digest"),
    [
        (digest_message(), replace(DIGEST, send_empty=False)),
        # Everything filtered out counts as nothing new.
        (
            digest_message(entry(item(), topic("arrest"))),
            replace(DIGEST, send_empty=False, topics=("execution",)),
        ),
    ],
)
def test_nothing_to_send(message: OutboxMessage, digest: DigestSettings) -> None:
    assert compose_digest(message, digest, SMTP, now=NOW, topic_names=TOPIC_NAMES) is None


def test_nothing_new_says_the_configured_text() -> None:
    digest = replace(DIGEST, nothing_new="Rien de nouveau.", topics=("execution",))
    msg = compose(digest_message(entry(item(), topic("arrest"))), digest)
    assert msg["Subject"] == "Rights monitor: nothing new (daily, 22 Nov 2026)"
    text, html = parts(msg)
    assert "Rien de nouveau." in text and "<p>Rien de nouveau.</p>" in html
    assert "Masoud Jamei" not in text + html


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="aware"):
        compose_digest(
            digest_message(), DIGEST, SMTP, now=datetime(2026, 1, 1), topic_names=TOPIC_NAMES
        )


def test_without_a_period_end_the_subject_uses_now() -> None:
    message = digest_message(period_end=None)
    msg = compose_digest(
        message, DIGEST, SMTP, now=NOW + timedelta(days=3), topic_names=TOPIC_NAMES
    )
    assert msg is not None and msg["Subject"].endswith("(daily, 25 Nov 2026)")
