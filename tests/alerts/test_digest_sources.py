"""The digest's footer: the sources failing or silent when it is composed (golden files
beside test_digest.py's; regenerate with UPDATE_GOLDEN=1 and read the diff)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from alerts.digest import SOURCES_SHOWN, compose_digest
from storage.records import SourceProblem
from tests.alerts.mail_factories import DIGEST, NOW, SMTP, TOPIC_NAMES, digest_message
from tests.alerts.test_digest import HEADERS, check_golden, entries, parts, wire

FAILING = SourceProblem(
    feed_id="hrana-fa",
    name="هرانا (HRANA)",
    label="ngo",
    state="failing",
    since=datetime(2026, 11, 20, 23, 15, tzinfo=UTC),
    consecutive_failures=5,
    last_error="HTTP 503 Service Unavailable <script>alert(1)</script>",
)
SILENT = SourceProblem(
    feed_id="irna-en",
    name="IRNA English",
    label="state_media",
    state="silent",
    since=datetime(2026, 11, 18, 6, 0, tzinfo=UTC),
    consecutive_failures=0,
    last_error=None,
)


def compose(*sources: SourceProblem, **message: object) -> tuple[str, str]:
    msg = compose_digest(
        digest_message(*entries(), **message), DIGEST, SMTP, now=NOW, topic_names=TOPIC_NAMES,
        sources=sources,
    )  # fmt: skip
    assert msg is not None
    got = wire(msg)
    text, html = parts(got)
    return "".join(f"{name}: {got[name]}\n" for name in HEADERS) + "\n" + text, html


def test_golden_footer_lists_failing_then_silent_sources() -> None:
    text, html = compose(FAILING, SILENT)
    check_golden("digest_sources.txt", text)
    check_golden("digest_sources.html", html)


def test_the_footer_comes_after_the_reports_and_before_the_signature() -> None:
    text, _ = compose(FAILING)
    assert text.index("Executions") < text.index("SOURCES NOT REPORTING") < text.index("\n-- \n")
    # Times in the digest's time zone (Asia/Tehran: UTC+3:30).
    assert "failing since 21 Nov 2026 02:45 (5 failed polls)" in text


def test_without_problems_there_is_no_footer() -> None:
    text, html = compose()
    assert "SOURCES NOT REPORTING" not in text and "Sources not reporting" not in html


def test_an_empty_digest_still_names_the_broken_sources() -> None:
    msg = compose_digest(
        digest_message(previous_period_end=None), DIGEST, SMTP, now=NOW,
        topic_names=TOPIC_NAMES, sources=[SILENT],
    )  # fmt: skip
    assert msg is not None
    text, _ = parts(wire(msg))
    assert "Nothing new" in text and "IRNA English (state media): silent since" in text


def test_error_text_is_escaped_in_html() -> None:
    _, html = compose(FAILING)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_long_list_is_cut_with_a_pointer_to_status() -> None:
    many = [replace(SILENT, feed_id=f"f{i}", name=f"Feed {i}") for i in range(SOURCES_SHOWN + 3)]
    text, _ = compose(*many)
    assert text.count("): silent since") == SOURCES_SHOWN
    assert "... and 3 more: `monitor status` lists them all." in text
