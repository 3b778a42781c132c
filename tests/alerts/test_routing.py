"""Routing: which webhooks and digests a new item's matches go to (table-driven)."""

from __future__ import annotations

from datetime import time

import pytest

from alerts.routing import routes
from alerts.settings import AlertSettings, DigestSettings, WebhookSettings
from storage import MatchRecord, Route

URGENT_TOPIC = MatchRecord("topic", "death_sentence", "urgent", ("sentenced to death",))
DIGEST_TOPIC = MatchRecord("topic", "political_prisoners", "digest", ("political prisoner",))
URGENT_PERSON = MatchRecord("person", "Behrouz Ehsani", "urgent", ("Behrouz Ehsani",))
DIGEST_PERSON = MatchRecord("person", "Narges Mohammadi", "digest", ("Narges Mohammadi",))

SETTINGS = AlertSettings(
    webhooks=(
        WebhookSettings("urgent", "http://127.0.0.1/u", ("whsec_x",), severity="urgent"),
        WebhookSettings("everything", "http://127.0.0.1/a", ("whsec_x",), severity="all"),
    ),
    digests=(
        DigestSettings("daily", ("desk@example.org",), time(7), "UTC"),
        DigestSettings("deaths", ("a@example.org",), time(7), "UTC", topics=("death_sentence",),
                       people=()),  # fmt: skip
        DigestSettings("narges", ("b@example.org",), time(7), "UTC", topics=(),
                       people=("Narges Mohammadi",)),  # fmt: skip
    ),
)

W_URGENT, W_ALL = Route("webhook", "urgent"), Route("webhook", "everything")
D_DAILY, D_DEATHS, D_NARGES = (Route("digest", d) for d in ("daily", "deaths", "narges"))


@pytest.mark.parametrize(
    ("matches", "expected"),
    [
        pytest.param((), (), id="no match: nothing"),
        pytest.param((URGENT_TOPIC,), (W_URGENT, W_ALL, D_DAILY, D_DEATHS), id="urgent topic"),
        pytest.param((DIGEST_TOPIC,), (W_ALL, D_DAILY), id="digest topic: no urgent webhook"),
        pytest.param((URGENT_PERSON,), (W_URGENT, W_ALL, D_DAILY), id="urgent person"),
        pytest.param((DIGEST_PERSON,), (W_ALL, D_DAILY, D_NARGES), id="person a digest selects"),
        pytest.param((DIGEST_TOPIC, URGENT_PERSON), (W_URGENT, W_ALL, D_DAILY),
                     id="one urgent match makes the item urgent"),  # fmt: skip
        pytest.param((URGENT_TOPIC, DIGEST_PERSON),
                     (W_URGENT, W_ALL, D_DAILY, D_DEATHS, D_NARGES), id="each digest once"),
    ],
)  # fmt: skip
def test_routes(matches: tuple[MatchRecord, ...], expected: tuple[Route, ...]) -> None:
    assert routes(matches, SETTINGS) == expected


def test_no_alerts_configured_routes_nowhere() -> None:
    assert routes((URGENT_TOPIC,), AlertSettings()) == ()


def test_an_endpoint_that_asked_only_for_source_events_gets_no_items() -> None:
    ops = WebhookSettings("ops", "http://127.0.0.1/o", ("whsec_x",), severity="all",
                          events=("source.failing", "source.silent", "source.recovered"))
    both = WebhookSettings("both", "http://127.0.0.1/b", ("whsec_x",),
                           events=("match.created", "source.failing"))  # fmt: skip
    settings = AlertSettings(webhooks=(ops, both))
    assert routes((URGENT_TOPIC,), settings) == (Route("webhook", "both"),)


def test_an_endpoint_that_asks_for_story_updates_gets_a_route_for_each_event() -> None:
    """Routes are decided as if the item were its story's first report; storage keeps
    one of the two once it knows the story (tests/storage/test_story_routes.py)."""
    both = WebhookSettings("both", "http://127.0.0.1/b", ("whsec_x",),
                           events=("match.created", "story.updated"))  # fmt: skip
    updates = WebhookSettings("updates", "http://127.0.0.1/u", ("whsec_x",),
                              events=("story.updated",))  # fmt: skip
    settings = AlertSettings(webhooks=(both, updates))
    assert routes((URGENT_TOPIC,), settings) == (
        Route("webhook", "both", "match.created"),
        Route("webhook", "both", "story.updated"),
        Route("webhook", "updates", "story.updated"),
    )
    # Severity applies to updates as to alerts: an urgent endpoint hears of urgent items.
    assert routes((DIGEST_TOPIC,), settings) == ()
