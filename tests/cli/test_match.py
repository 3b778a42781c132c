"""`monitor match` offline, and matches stored by `monitor poll` and shown by `export`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from monitor.cli import main
from tests.cli.conftest import Cli
from tests.servers.feed_server import FeedServer

RULES = """\
version: 1
feeds:
  - {id: ihr, url: "https://iranhr.net/en/rss/", label: ngo, country: IR}
topics:
  - id: death_sentence
    severity: urgent
    query: '"sentenced to death" OR "حکم اعدام" OR "محکوم به اعدام"'
  - id: iran_ngo
    query: 'label:ngo country:IR'
people:
  - name: Behrouz Ehsani
    aliases: [Behrouz Ehsani Eslamloo, بهروز احسانی]
    severity: urgent
"""


def run_match(
    tmp_path: Path, lines: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    config = tmp_path / "feeds.yaml"
    config.write_text(RULES, encoding="utf-8")
    items = tmp_path / "items.jsonl"
    items.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(["match", str(items), "--config", str(config)], {})
    out, err = capsys.readouterr()
    return code, out, err


def test_match_prints_topics_and_people_per_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    items = [
        {"id": "a", "title": "Behrouz Ehsani Eslamloo sentenced to death", "summary": ""},
        {"id": "b", "title": "خبر", "summary": "حکم اعدام بهروز احسانی تایید شد", "language": "fa"},
        {"id": "c", "title": "Cancer is no longer a death sentence", "summary": ""},
        {"id": 4, "title": "Report", "summary": "Nothing here.", "feed": "ihr"},
    ]
    code, out, err = run_match(tmp_path, [json.dumps(i, ensure_ascii=False) for i in items], capsys)
    assert code == 0, err
    assert [json.loads(line) for line in out.splitlines()] == [
        {"id": "a", "topics": ["death_sentence"], "people": ["Behrouz Ehsani"]},
        {"id": "b", "topics": ["death_sentence"], "people": ["Behrouz Ehsani"]},
        {"id": "c", "topics": [], "people": []},
        {"id": 4, "topics": ["iran_ngo"], "people": []},
    ]


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("{not json", "items.jsonl:2:2: not valid JSON"),
        ('["a list"]', "items.jsonl:2: expected a JSON object"),
        ('{"title": "no id"}', 'items.jsonl:2: missing "id"'),
        ('{"id": 1, "title": 5}', 'items.jsonl:2: "title" must be a string'),
    ],
)
def test_bad_input_exits_2_naming_the_line_and_prints_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad_line: str, message: str
) -> None:
    good = json.dumps({"id": "a", "title": "t", "summary": ""})
    code, out, err = run_match(tmp_path, [good, bad_line, good], capsys)
    assert code == 2
    assert out == ""
    assert message in err


def test_poll_stores_matches_and_export_shows_them(
    feed_server: FeedServer, make_cli: Callable[..., Cli]
) -> None:
    feed_server.add_feed(
        "/ihr.xml",
        """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>IHR</title>
        <item><guid>1</guid><title>Behrouz Ehsani sentenced to death</title>
        <description>Tehran Revolutionary Court</description></item>
        <item><guid>2</guid><title>حکم اعدام بهروز احسانی‌اسلاملو</title><description/></item>
        <item><guid>3</guid><title>Annual football results</title><description/></item>
        </channel></rss>""".encode(),
    )
    rules = RULES[RULES.index("topics:") :]
    cli = make_cli([{"id": "ihr", "url": feed_server.url("/ihr.xml"), "label": "ngo"}], rules)
    assert cli("poll") == 0
    by_guid = {i["title"]: i for i in cli.export()}
    assert by_guid["Behrouz Ehsani sentenced to death"]["topics"] == ["death_sentence"]
    assert by_guid["Behrouz Ehsani sentenced to death"]["people"] == ["Behrouz Ehsani"]
    assert by_guid["حکم اعدام بهروز احسانی\u200cاسلاملو"]["people"] == ["Behrouz Ehsani"]
    assert by_guid["Annual football results"]["topics"] == []


@pytest.mark.parametrize("where", ["before", "after"])
def test_options_work_before_and_after_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    config = tmp_path / "elsewhere.yaml"
    config.write_text(RULES, encoding="utf-8")
    args = (
        ["--config", str(config), "check"]
        if where == "before"
        else ["check", "--config", str(config)]
    )
    assert main(args, {}) == 0
    assert str(config) in capsys.readouterr().out
