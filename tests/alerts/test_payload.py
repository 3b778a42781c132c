"""The webhook body: golden files (message built here, expected JSON beside it in
golden/), byte-identical across calls, and the summary as plain text.

Regenerate with ``UPDATE_GOLDEN=1 pytest tests/alerts/test_payload.py`` and read the
diff before committing it. The golden files are indented for reading; the test
compares the body's exact bytes with their compact form.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from alerts.payload import summary_text, webhook_body
from storage.records import OutboxMessage
from tests.alerts.webhook_factories import person, stored_item, topic, webhook_message

GOLDEN = Path(__file__).parent / "golden"

PERSIAN_SUMMARY = (
    '<p dir="rtl">به گزارش سازمان حقوق بشر ایران، حکم اعدام '
    "<strong>مسعود جامعی</strong> در زندان قزل‌حصار اجرا شد.</p>"
    '<p dir="rtl">این زندانی &laquo;بدون دسترسی به وکیل&raquo; محاکمه شده بود.</p>'
)
LONG_SUMMARY = "<p>" + " ".join(f"word{i:03d}" for i in range(300)) + "</p>"

# One story (s12) reported by an NGO, a repost and a wire service.
NGO = stored_item(story_id=12)
REPOST = stored_item(
    id=4712, feed_id="opposition-a", feed_label="opposition", feed_name="Opposition A",
    url="https://opposition-a.example/2025/07/jamei", story_id=12,
)  # fmt: skip
WIRE = stored_item(
    id=4720, feed_id="wire", feed_label="news", feed_name="Wire", feed_country=None,
    title="Iran court hands death sentence to Masoud Jamei", url="https://wire.example/a/1",
    story_id=12,
)  # fmt: skip

CASES: dict[str, OutboxMessage] = {
    "urgent_topic_and_person": webhook_message(NGO, reports=(REPOST, WIRE)),
    # A later report of the story, to an endpoint that asked for updates.
    "story_updated": webhook_message(WIRE, event="story.updated", reports=(NGO, REPOST)),
    "digest_persian_no_country": webhook_message(
        stored_item(
            id=9,
            feed_id="hengaw-fa",
            feed_label="ngo",
            feed_name="هەنگاو",
            feed_country=None,
            title="اجرای حکم اعدام یک زندانی در زندان قزل‌حصار",
            url="https://hengaw.net/fa/news/2025/07/article-1",
            summary=PERSIAN_SUMMARY,
            language="fa",
            # An aware non-UTC time must come out in UTC.
            published=datetime(2025, 7, 12, 13, 0, tzinfo=timezone(timedelta(hours=3, minutes=30))),
        ),
        # Given out of order: the body sorts topics before people, then by key.
        matches=(
            person("Masoud Jamei", "digest", "مسعود جامعی"),
            topic("execution", "digest", "اجرا", "حکم اعدام"),
            topic("death_sentence", "digest", "حکم اعدام"),
        ),
        message_id="msg_fa_9",
        created_at=datetime(2025, 7, 12, 10, 0, 5, 999999, tzinfo=UTC),
    ),
    "long_summary_no_url_no_language": webhook_message(
        stored_item(id=12, url=None, language=None, summary=LONG_SUMMARY),
        matches=(topic("arrest", "urgent", "arrested", "detained"),),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str) -> None:
    body = webhook_body(CASES[name])
    path = GOLDEN / f"{name}.json"
    if os.environ.get("UPDATE_GOLDEN"):
        readable = json.dumps(json.loads(body), ensure_ascii=False, indent=2) + "\n"
        path.write_text(readable, encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))  # keeps the file's key order
    compact = json.dumps(expected, ensure_ascii=False, separators=(",", ":")).encode()
    assert body == compact


def test_compact_utf8_in_the_contract_order() -> None:
    body = webhook_body(CASES["digest_persian_no_country"])
    assert body.startswith(
        b'{"type":"match.created","timestamp":"2025-07-12T10:00:05Z",'
        b'"data":{"severity":"digest","topics":["death_sentence","execution"],'
    )
    assert "مسعود جامعی".encode() in body  # raw UTF-8, not \u escapes
    assert b"\\u" not in body
    data = json.loads(body)["data"]
    assert list(data) == [
        "severity", "topics", "people", "matched", "item", "also_reported_by", "story",
    ]  # fmt: skip
    assert list(data["item"]) == [
        "id", "title", "url", "summary", "published", "language", "feed",
    ]  # fmt: skip
    assert list(data["item"]["feed"]) == ["id", "name", "label", "country"]
    assert data["item"]["published"] == "2025-07-12T09:30:00Z"


def test_also_reported_by_lists_the_storys_other_reports_first_stored_first() -> None:
    data = json.loads(webhook_body(CASES["urgent_topic_and_person"]))["data"]
    assert data["story"] == "s12"
    assert data["also_reported_by"] == [
        {"feed": "opposition-a", "label": "opposition",
         "url": "https://opposition-a.example/2025/07/jamei"},
        {"feed": "wire", "label": "news", "url": "https://wire.example/a/1"},
    ]  # fmt: skip
    assert "first_report" not in data


def test_a_story_update_carries_the_first_report_and_the_new_one() -> None:
    body = json.loads(webhook_body(CASES["story_updated"]))
    assert body["type"] == "story.updated"
    data = body["data"]
    assert (data["item"]["id"], data["first_report"]["id"]) == ("4720", "4711")
    assert [r["feed"] for r in data["also_reported_by"]] == ["ihrngo-en", "opposition-a"]


def test_every_attempt_gets_the_same_bytes() -> None:
    message = CASES["digest_persian_no_country"]
    again = webhook_message(
        message.item, matches=tuple(reversed(message.matches)), message_id="msg_fa_9",
        created_at=message.created_at, attempts=3,
    )  # fmt: skip
    assert webhook_body(message) == webhook_body(message) == webhook_body(again)


@pytest.mark.parametrize(
    ("severities", "expected"),
    [
        (("urgent",), "urgent"),
        (("digest", "urgent"), "urgent"),
        (("digest", "digest"), "digest"),
    ],
)
def test_severity_is_urgent_when_any_match_is(severities: tuple[str, ...], expected: str) -> None:
    matches = tuple(topic(f"topic_{i}", s) for i, s in enumerate(severities))
    body = json.loads(webhook_body(webhook_message(matches=matches)))
    assert body["data"]["severity"] == expected


def test_a_message_without_an_item_or_a_body_is_refused() -> None:
    notice = webhook_message(kind="notice", subject="x", body=None, matches=())
    notice = OutboxMessage(**{**notice.__dict__, "item": None})
    with pytest.raises(ValueError, match="neither an item nor a body"):
        webhook_body(notice)


def test_a_message_without_an_item_sends_its_stored_body_as_is() -> None:
    stored = '{"type":"source.failing","data":{"feed":{"name":"هرانا"}}}'
    message = webhook_message(event="source.failing", body=stored, matches=())
    message = OutboxMessage(**{**message.__dict__, "item": None})
    assert webhook_body(message) == stored.encode("utf-8")


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        webhook_body(webhook_message(created_at=datetime(2025, 7, 12, 9, 30)))


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("", ""),
        ("Plain text, no markup", "Plain text, no markup"),
        ("<p>One.</p><p>Two.</p>", "One. Two."),  # block boundaries keep words apart
        ("line<br>break<br/>again", "line break again"),
        ("<ul><li>a</li><li>b</li></ul>", "a b"),
        ("<b>bold</b>text <i>in</i>line", "boldtext inline"),  # inline tags join
        ("Tom &amp; Jerry &lt;3 &#8220;q&#8221; &nbsp;x", "Tom & Jerry <3 \u201cq\u201d x"),
        ("  lots \n\t of   space  ", "lots of space"),
        ("<script>alert(1)</script>safe<style>p{}</style>", "safe"),
        ('<a href="https://example.org/?a=1&amp;b=2">link</a>', "link"),
        ("<p>unclosed <em>tags", "unclosed tags"),
        (PERSIAN_SUMMARY, (
            "به گزارش سازمان حقوق بشر ایران، حکم اعدام مسعود جامعی در زندان قزل‌حصار اجرا "
            "شد. این زندانی «بدون دسترسی به وکیل» محاکمه شده بود."
        )),
    ],
)  # fmt: skip
def test_summary_text(html: str, text: str) -> None:
    assert summary_text(html) == text


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short enough", 20, "short enough"),
        ("exactly twenty chars", 20, "exactly twenty chars"),
        ("cut on a word boundary here", 20, "cut on a word…"),
        ("no, trailing, commas, left", 22, "no, trailing, commas…"),
        ("اعدام یک زندانی در زندان", 15, "اعدام یک…"),
        ("汉字没有空格所以在限制处直接截断", 8, "汉字没有空格所以…"),  # no spaces: cut mid-run
        ("a " + "x" * 30, 20, "a " + "x" * 18 + "…"),  # the last space is too early
    ],
)
def test_summary_is_cut_on_a_word_boundary(text: str, limit: int, expected: str) -> None:
    assert summary_text(text, limit) == expected


def test_the_default_limit_is_about_a_thousand_characters() -> None:
    summary = json.loads(webhook_body(CASES["long_summary_no_url_no_language"]))["data"]["item"][
        "summary"
    ]
    assert summary.endswith("…")
    assert 900 < len(summary) <= 1001
    assert summary[:-1].split(" ")[-1].startswith("word")  # a whole word before the ellipsis
    assert len(summary[:-1].split(" ")[-1]) == len("word000")
