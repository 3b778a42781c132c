"""Valid files load into the documented Config; whole files report every problem."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from monitor.config import Config, load_config
from monitor.errors import ConfigError
from monitor.model import FeedSettings, HttpSettings, SourceLabel
from tests.config.conftest import Loader, Problems

DATA = Path(__file__).parent / "data"
CONTRACT = Path(__file__).parents[3] / "shared" / "CONTRACT.md"
CONTRACT_ENV = {
    "SMTP_USERNAME": "monitor",
    "SMTP_PASSWORD": "not printed",
    "URGENT_WEBHOOK_URL": "https://hooks.example.org/urgent",
    "URGENT_WEBHOOK_SECRET": "whsec_c2VjcmV0",
}


def contract_example() -> Config:
    return load_config(DATA / "contract_example.yaml", CONTRACT_ENV)


def test_contract_example_is_the_one_in_contract_md() -> None:
    if not CONTRACT.is_file():
        pytest.skip(f"{CONTRACT} not beside the repository")
    block = re.search(r"## feeds.yaml \(version 1\).*?```yaml\n(.*?)```", CONTRACT.read_text(),
                      re.S)
    assert block is not None
    assert (DATA / "contract_example.yaml").read_text() == block[1]


def test_contract_example_loads_with_every_section() -> None:
    config = contract_example()
    assert config.version == 1
    assert config.http == HttpSettings(user_agent="monitor/1.0 (+https://example.org/contact)",
                                       max_body=10_000_000, concurrency=20,
                                       allow_private_networks=False)
    assert config.feeds == (FeedSettings(
        id="ihrngo-en", url="https://iranhr.net/en/rss/", name="Iran Human Rights (IHRNGO)",
        label=SourceLabel.NGO, language="en", country="IR", interval=1800.0, timeout=20.0,
        tags=("iran", "death-penalty"), enabled=True),)
    (topic,) = config.topics
    assert (topic["id"], topic["name"], topic["severity"]) == (
        "death_sentence", "Death sentences", "urgent")
    assert '"محکوم به اعدام"' in topic["query"]
    (person,) = config.people
    assert dict(person) == {"name": "Behrouz Ehsani", "severity": "urgent",
                            "aliases": ("Behrouz Ehsani Eslamloo", "بهروز احسانی"),
                            "notes": "Ghezel Hesar prison; sentenced 2024",
                            "allow_single_word": False, "role": "subject"}
    assert config.people_files == (DATA / "people.csv",)
    assert config.alerts is not None
    assert dict(config.alerts["smtp"]) == {
        "host": "localhost", "port": 587, "security": "starttls",
        "username_env": "SMTP_USERNAME", "password_env": "SMTP_PASSWORD",
        "from": "Rights Monitor <monitor@example.org>"}
    (digest,) = config.alerts["digests"]
    NOTHING_NEW = "Nothing new matched the monitored topics and people in this period."  # noqa: N806
    assert dict(digest) == {"id": "daily", "to": ("desk@example.org",), "at": "07:00",
                            "timezone": "Europe/Paris", "topics": "all", "people": "all",
                            "send_empty": True, "nothing_new": NOTHING_NEW}
    (hook,) = config.alerts["webhooks"]
    assert dict(hook) == {"id": "urgent", "url": None, "url_env": "URGENT_WEBHOOK_URL",
                          "secret_env": "URGENT_WEBHOOK_SECRET", "severity": "urgent",
                          "events": ("match.created",)}


def test_config_holds_names_of_secrets_never_their_values() -> None:
    assert "not printed" not in repr(contract_example())


def test_defaults_apply_where_keys_are_left_out(load: Loader) -> None:
    config = load("""\
        version: 1
        defaults:
          interval: 1h
          timeout: 45s
          language: fa
        feeds:
          - id: bbc-persian
            url: https://feeds.bbci.co.uk/persian/rss.xml
          - id: un-news
            url: https://news.un.org/feed/subscribe/en/news/all/rss.xml
            language: en
            interval: 2h30m
            enabled: false
        topics:
          - {id: executions, query: executed OR اعدام}
        people:
          - name: Someone
        alerts:
          smtp: {host: mail.example.org, security: tls, from: m@example.org}
          digests:
            - {id: d, to: [a@example.org], at: "7:05"}
          webhooks:
            - {id: w, url: "https://example.org/hook", secret_env: S}
        """, {"S": "whsec_c2VjcmV0"})
    assert config.http == HttpSettings()
    bbc, un = config.feeds
    assert (bbc.name, bbc.label, bbc.language, bbc.interval, bbc.timeout, bbc.tags,
            bbc.enabled, bbc.country) == (
        "bbc-persian", SourceLabel.OTHER, "fa", 3600.0, 45.0, (), True, None)
    assert (un.language, un.interval, un.enabled) == ("en", 9000.0, False)
    assert dict(config.topics[0]) == {"id": "executions", "name": "executions",
                                      "severity": "digest", "query": "executed OR اعدام"}
    assert dict(config.people[0]) == {"name": "Someone", "aliases": (), "severity": "digest",
                                      "notes": None, "allow_single_word": False, "role": "subject"}
    assert config.alerts is not None
    assert config.alerts["smtp"]["port"] == 465
    assert config.alerts["digests"][0]["at"] == "07:05"
    assert config.alerts["digests"][0]["timezone"] == "UTC"
    assert config.alerts["webhooks"][0]["severity"] == "urgent"
    assert config.alerts["operator"] is None


def test_a_minimal_file_has_nothing_to_do(load: Loader) -> None:
    config = load("version: 1\nfeeds:\ntopics:\n")
    assert (config.feeds, config.topics, config.people, config.people_files, config.alerts) == (
        (), (), (), (), None)


def test_config_is_immutable() -> None:
    config = contract_example()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.version = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        config.topics[0]["query"] = "x"  # type: ignore[index]
    assert config.alerts is not None
    with pytest.raises(TypeError):
        config.alerts["smtp"]["host"] = "evil"
    assert isinstance(config.alerts["digests"][0]["to"], tuple)


def test_feed_by_id() -> None:
    config = contract_example()
    assert config.feed("ihrngo-en").url == "https://iranhr.net/en/rss/"
    with pytest.raises(KeyError):
        config.feed("nope")


def test_locate_gives_one_based_positions_of_values() -> None:
    config = contract_example()
    assert config.locate("topics", 0, "query") == (27, 12)
    assert config.locate("feeds", 0, "interval") == (19, 15)
    assert config.locate("feeds", 0) == (13, 5)
    assert config.locate("alerts", "digests", 0, "to", 0) == (49, 12)
    assert config.locate("topics", 7, "query") == (1, 1)


def test_five_problems_are_all_reported_in_line_order(problems: Problems) -> None:
    found = problems("""\
        version: 1
        http:
          concurrency: many
        feeds:
          - id: hrana-en
            url: https://www.en-hrana.org/feed/
            intervall: 15m
          - id: hrana-en
            url: ftp://hra-news.org/feed
        topics:
          - id: t
            severity: soon
            query: x
        """)
    assert found == [
        '3:16: "concurrency" in http must be a whole number from 1 to 200; found "many"',
        '7:5: unknown key "intervall" in feed "hrana-en"; did you mean "interval"?',
        '8:9: duplicate feed id "hrana-en" (first used on line 5)',
        '9:10: "url" in feed "hrana-en" uses the scheme "ftp:", which is not allowed; only'
        " http and https addresses can be fetched",
        '12:15: "severity" in topic "t" must be one of urgent, digest; found "soon"',
    ]


def test_error_message_is_one_line_per_problem(write: Callable[[str], Path]) -> None:
    path = write("version: 1\nhttp: {concurrency: 0}\nfeedz: []\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path, {})
    assert str(caught.value).splitlines() == [
        f'{path}:2:21: "concurrency" in http must be from 1 to 200; found 0',
        f'{path}:3:1: unknown key "feedz" at the top level; did you mean "feeds"?',
    ]


def test_missing_file_is_one_problem_at_the_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "absent.yaml", {})
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (1, 1)
    assert "cannot read the configuration file" in problem.message


def test_undecodable_bytes_are_located(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_bytes(b"version: 1\nhttp:\n  user_agent: \"caf\xe9\"\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path, {})
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:3:19: the file is not UTF-8 text; save it as UTF-8"]


WEBHOOK = """\
    version: 1
    alerts:
      webhooks:
        - {id: w, url_env: HOOK_URL, secret_env: HOOK_SECRET}
    """


def test_environment_defaults_to_os_environ(
    write: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOOK_URL", "https://example.org/hook")
    monkeypatch.setenv("HOOK_SECRET", "whsec_c2VjcmV0")
    config = load_config(write(WEBHOOK))
    assert config.alerts is not None
    assert config.alerts["webhooks"][0]["url_env"] == "HOOK_URL"


def test_environment_values_are_never_printed(problems: Problems) -> None:
    found = problems(WEBHOOK, {"HOOK_URL": "not a url but a secret", "HOOK_SECRET": "  "})
    assert found == [
        '4:24: environment variable HOOK_URL, named by "url_env" in webhook "w", does not'
        " hold an http:// or https:// address",
        '4:46: environment variable HOOK_SECRET, named by "secret_env" in webhook "w", is'
        " empty",
    ]


def test_people_files_are_relative_to_the_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "lists").mkdir()
    (tmp_path / "lists" / "people.csv").write_text("name\n")
    (tmp_path / "feeds.yaml").write_text("version: 1\npeople_files: [lists/people.csv]\n")
    monkeypatch.chdir("/")
    config = load_config(tmp_path / "feeds.yaml", {})
    assert config.people_files == (tmp_path / "lists" / "people.csv",)


def test_aliases_do_not_explode(load: Loader) -> None:
    text = "version: 1\nx0: &a0 [1, 1]\n" + "".join(
        f"x{i}: &a{i} [*a{i - 1}, *a{i - 1}]\n" for i in range(1, 30))
    with pytest.raises(ConfigError) as caught:
        load(text)
    assert len(caught.value.problems) == 30
