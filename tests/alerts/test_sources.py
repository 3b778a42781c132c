"""What a source's health change says, and to whom: the notice, the webhook body, the keys."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from alerts.settings import AlertSettings, SmtpSettings, WebhookSettings
from alerts.sources import SourceEvent, source_body, source_messages, span

NOW = datetime(2025, 7, 12, 11, 0, tzinfo=UTC)
SMTP = SmtpSettings(host="127.0.0.1", port=25, security="none", sender="m@example.org")
FAILING = SourceEvent(
    feed_id="hrana-fa",
    name="HRANA\n(هرانا)",
    label="ngo",
    url="https://www.hra-news.org/feed/",
    previous="ok",
    previous_since=None,
    state="failing",
    since=datetime(2025, 7, 12, 9, 30, tzinfo=UTC),
    consecutive_failures=3,
    last_error="HTTP 503",
    usual_gap=timedelta(hours=2),
    last_new_item_at=datetime(2025, 7, 12, 8, 0, tzinfo=UTC),
)
SILENT = replace(FAILING, state="silent", since=FAILING.last_new_item_at, consecutive_failures=0,
                 last_error=None)  # fmt: skip
RECOVERED = replace(FAILING, previous="failing", previous_since=FAILING.since, state="ok",
                    since=NOW, consecutive_failures=0, last_error=None)  # fmt: skip


def hook(hook_id: str, *events: str) -> WebhookSettings:
    return WebhookSettings(hook_id, f"https://{hook_id}.example/", ("whsec_x",), events=events)


SETTINGS = AlertSettings(
    operator="ops@example.org",
    smtp=SMTP,
    webhooks=(
        hook("items", "match.created"),
        hook("ops", "source.failing", "source.silent", "source.recovered"),
        hook("recoveries", "source.recovered"),
    ),
)


@pytest.mark.parametrize(
    ("event", "name", "key", "hooks"),
    [
        (FAILING, "source.failing", "source:hrana-fa:failing:2025-07-12T09:30:00+00:00", ["ops"]),
        (SILENT, "source.silent", "source:hrana-fa:silent:2025-07-12T08:00:00+00:00", ["ops"]),
        (RECOVERED, "source.recovered",
         "source:hrana-fa:recovered:failing:2025-07-12T09:30:00+00:00", ["ops", "recoveries"]),
    ],
)  # fmt: skip
def test_one_notice_and_one_message_per_webhook_that_asked(
    event: SourceEvent, name: str, key: str, hooks: list[str]
) -> None:
    notice, *webhooks = source_messages(event, SETTINGS, NOW)
    assert (notice.kind, notice.target, notice.event, notice.dedup_key) == (
        "notice", "operator", name, key,
    )  # fmt: skip
    assert [w.target for w in webhooks] == hooks
    assert all(w.event == name and w.dedup_key == f"webhook:{w.target}:{key}" for w in webhooks)
    assert all(json.loads(w.body)["type"] == name for w in webhooks)


def test_the_same_change_seen_twice_has_the_same_keys() -> None:
    again = source_messages(replace(FAILING, consecutive_failures=4), SETTINGS, NOW)
    assert [m.dedup_key for m in again] == [m.dedup_key for m in source_messages(
        FAILING, SETTINGS, NOW)]  # fmt: skip


def test_no_notice_without_an_operator_and_a_mail_server() -> None:
    for settings in (replace(SETTINGS, operator=None), replace(SETTINGS, smtp=None)):
        assert [m.kind for m in source_messages(FAILING, settings, NOW)] == ["webhook"]
    assert source_messages(FAILING, AlertSettings(), NOW) == ()


def test_the_webhook_body() -> None:
    assert json.loads(source_body(FAILING, NOW)) == {
        "type": "source.failing",
        "timestamp": "2025-07-12T11:00:00Z",
        "data": {
            "feed": {"id": "hrana-fa", "name": "HRANA\n(هرانا)", "label": "ngo",
                     "url": "https://www.hra-news.org/feed/"},
            "state": "failing",
            "since": "2025-07-12T09:30:00Z",
            "previous_state": "ok",
            "previous_since": None,
            "consecutive_failures": 3,
            "last_error": "HTTP 503",
            "usual_gap_seconds": 7200,
            "last_new_item_at": "2025-07-12T08:00:00Z",
        },
    }  # fmt: skip
    assert "هرانا" in source_body(FAILING, NOW)  # readable, not \\u-escaped
    unknown = json.loads(source_body(replace(FAILING, usual_gap=None, last_new_item_at=None), NOW))
    assert unknown["data"]["usual_gap_seconds"] is None
    assert unknown["data"]["last_new_item_at"] is None


@pytest.mark.parametrize(
    ("event", "subject", "says"),
    [
        (FAILING, "Source failing: HRANA (هرانا) (3 failed polls in a row)",
         ["failed 3 polls in a row, since 2025-07-12 09:30 UTC", "Last error: HTTP 503",
          "usually arrive every 2h"]),
        (SILENT, "Source silent: HRANA (هرانا) (nothing new since 2025-07-12 08:00 UTC)",
         ["Nothing new has arrived from the feed since 2025-07-12 08:00 UTC",
          "usually arrive every 2h", "https://www.hra-news.org/feed/"]),
        (RECOVERED, "Source recovered: HRANA (هرانا)",
         ["back to normal; it had been failing since 2025-07-12 09:30 UTC"]),
    ],
)  # fmt: skip
def test_the_notice(event: SourceEvent, subject: str, says: list[str]) -> None:
    notice = source_messages(event, SETTINGS, NOW)[0]
    assert notice.subject == subject
    for words in says:
        assert words in notice.body
    assert "Feed: HRANA (هرانا) (hrana-fa, NGO)" in notice.body


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0s"), (59, "59s"), (90, "1m 30s"), (7200, "2h"), (93784, "1d 2h"), (86400 * 9, "9d")],
)
def test_span(seconds: float, text: str) -> None:
    assert span(seconds) == text
