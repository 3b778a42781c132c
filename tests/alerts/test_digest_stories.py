"""Digests show each story once: its earliest report first (title, link, date), then
every source that reported it with its label, earlier periods' reports included."""

from __future__ import annotations

from datetime import UTC, datetime

from alerts.digest import compose_digest
from tests.alerts.mail_factories import DIGEST, NOW, SMTP, TOPIC_NAMES, digest_message, entry, topic
from tests.alerts.mail_factories import item as make_item

NGO = make_item(id=1, story_id=7, title="Masoud Jamei sentenced to death",
                published=datetime(2026, 11, 21, 8, 15, tzinfo=UTC))  # fmt: skip
REPOST = make_item(
    id=2, story_id=7, feed_id="opp-a", feed_label="opposition", feed_name="Opposition A",
    title="Masoud Jamei sentenced to death", url="https://opp-a.example/jamei",
    published=datetime(2026, 11, 21, 9, 0, tzinfo=UTC),
)  # fmt: skip
WIRE = make_item(
    id=3, story_id=7, feed_id="wire", feed_label="news", feed_name="Wire",
    title="Iranian court hands death penalty to activist", url="https://wire.example/1",
    published=datetime(2026, 11, 21, 10, 0, tzinfo=UTC),
)  # fmt: skip
OTHER = make_item(
    id=4, story_id=8, feed_id="wire", feed_label="news", feed_name="Wire",
    title="Prisoner executed in Shiraz", url="https://wire.example/2",
    published=datetime(2026, 11, 21, 9, 30, tzinfo=UTC),
)  # fmt: skip


def text_of(*entries: object, reports: tuple[object, ...] = ()) -> tuple[str, str, str]:
    message = digest_message(*entries, reports=reports)
    msg = compose_digest(message, DIGEST, SMTP, now=NOW, topic_names=TOPIC_NAMES)
    assert msg is not None
    plain, html = (msg.get_body((k,)) for k in ("plain", "html"))
    assert plain is not None and html is not None
    return msg["Subject"], plain.get_content(), html.get_content()


def test_three_reports_of_one_story_are_one_entry_with_three_labelled_sources() -> None:
    death = topic("death_sentence", "sentenced to death", severity="urgent")
    subject, text, html = text_of(
        entry(WIRE, death), entry(REPOST, death), entry(NGO, death), entry(OTHER, death)
    )
    assert subject.startswith("Rights monitor: 2 new reports ")  # two stories
    assert text.count("Masoud Jamei sentenced to death") == 1
    assert "Iranian court hands death penalty" not in text  # the wire report is a source
    # Earliest report first; every source with its label, in the order they reported.
    assert "Iran Human Rights (NGO), Opposition A (opposition), Wire (news)" in text
    assert text.index("Masoud Jamei sentenced to death") < text.index("https://iranhr.net")
    assert "Opposition A</span> (opposition)" in html and "Wire</span> (news)" in html
    assert "Prisoner executed in Shiraz" in text  # unrelated: its own entry


def test_earlier_reports_of_a_story_are_among_its_sources() -> None:
    # The NGO report went out in yesterday's digest; today two more outlets reported it.
    execution = topic("execution", "executed")
    _, text, _ = text_of(entry(REPOST, execution), entry(WIRE, execution), reports=(NGO,))
    assert text.count("Masoud Jamei sentenced to death") == 1
    sources = "Iran Human Rights (NGO), Opposition A (opposition), Wire (news)"
    assert f"21 Nov 2026 11:45 | {sources}" in text
