"""The `health` section and webhook `events`: defaults, values, problems, and what
alerting is built with."""

from __future__ import annotations

import pytest

from monitor.alerting import alert_settings
from monitor.model import HealthSettings
from tests.config.conftest import Loader, Problems

HOOK = """\
    version: 1
    alerts:
      webhooks:
        - id: ops
          url: https://example.org/hook
          secret_env: S
          {events}
    """
ENV = {"S": "whsec_c2VjcmV0"}


def test_defaults(load: Loader) -> None:
    assert load("version: 1\n").health == HealthSettings(3, 4.0, 172800.0)
    assert load("version: 1\nhealth:\n").health == HealthSettings()


def test_values(load: Loader) -> None:
    config = load("version: 1\nhealth:\n  failures: 5\n  silence: 2.5\n  min_silence: 12h\n")
    assert config.health == HealthSettings(failures=5, silence=2.5, min_silence=43200.0)
    assert load("version: 1\nhealth: {silence: 6}\n").health.silence == 6.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("failures: 0", '"failures" in health must be from 1 to 1000; found 0'),
        ("failures: 2.5", '"failures" in health must be a whole number from 1 to 1000;'
                          " found the number 2.5"),
        ("silence: 0.5", '"silence" in health must be from 1 to 1000; found 0.5'),
        ("silence: often", '"silence" in health must be a number from 1 to 1000;'
                           ' found "often"'),
        ("silence: true", '"silence" in health must be a number from 1 to 1000; found true'),
        ("min_silence: 0s", '"min_silence" in health must be more than 0s; found 0s'),
        ("failure: 3", 'unknown key "failure" in health; did you mean "failures"?'),
    ],
)  # fmt: skip
def test_problems(problems: Problems, text: str, message: str) -> None:
    (found,) = problems(f"version: 1\nhealth:\n  {text}\n")
    assert found.split(": ", 1)[1] == message


@pytest.mark.parametrize(
    ("events", "expected"),
    [
        ("", ("match.created",)),
        ("events: [source.*]", ("source.failing", "source.silent", "source.recovered")),
        ("events: [match.created, source.recovered]", ("match.created", "source.recovered")),
        ("events: [source.silent, source.*]",
         ("source.silent", "source.failing", "source.recovered")),
    ],
)  # fmt: skip
def test_webhook_events_reach_alerting_expanded(
    load: Loader, events: str, expected: tuple[str, ...]
) -> None:
    config = load(HOOK.format(events=events), ENV)
    (hook,) = alert_settings(config, ENV).webhooks
    assert hook.events == expected


@pytest.mark.parametrize(
    ("events", "message"),
    [
        ("events: []", '"events" in webhook "ops" must list at least one value'),
        ("events: [source.broken]", 'item 1 of "events" in webhook "ops" must be one of'
                                    " match.created, story.updated,"
                                    " source.failing, source.silent, source.recovered, source.*;"
                                    ' found "source.broken"; did you mean "source.silent"?'),
        ("events: source.*", '"events" in webhook "ops" must be a list such as'
                             " [match.created, source.*]; found \"source.*\" (write [source.*])"),
    ],
)  # fmt: skip
def test_webhook_event_problems(problems: Problems, events: str, message: str) -> None:
    (found,) = problems(HOOK.format(events=events), ENV)
    assert found.split(": ", 1)[1] == message
