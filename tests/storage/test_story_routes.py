"""One webhook alert per story and endpoint: the rule (table-driven) and the rule applied
in the storing transaction (both databases), for polls and for rematches."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest

from storage import Route, Store, StoryCandidate, StoryChoice, StoryPrint
from storage.story_routes import keep
from storage.tables import outbox
from tests.storage.factories import T0, digest, feed, item, rows, succeeded, topic

M_A, U_A = Route("webhook", "a", "match.created"), Route("webhook", "a", "story.updated")
M_B = Route("webhook", "b", "match.created")
U_ONLY = Route("webhook", "updates-only", "story.updated")
D = Route("digest", "daily")
ALL = (M_A, U_A, M_B, U_ONLY, D)


@pytest.mark.parametrize(
    ("first", "alerted", "kept"),
    [
        pytest.param(True, set(), (M_A, M_B, D), id="a story's first report: alerts only"),
        pytest.param(False, {"a", "b"}, (U_A, U_ONLY, D),
                     id="a later report: updates to those that asked, never a second alert"),
        pytest.param(False, {"a"}, (U_A, M_B, U_ONLY, D),
                     id="b was not alerted of the story yet (its first was not urgent)"),
        pytest.param(False, set(), (M_A, M_B, U_ONLY, D),
                     id="a story nobody was alerted of: this report is its alert"),
        pytest.param(True, {"a"}, (M_B, D), id="a first item routed again (rematch)"),
    ],
)  # fmt: skip
def test_the_rule(first: bool, alerted: set[str], kept: tuple[Route, ...]) -> None:
    assert tuple(keep(ALL, first=first, alerted=alerted)) == kept


def join_all(text: str, candidates: Sequence[StoryCandidate]) -> StoryChoice:
    """Every item joins the oldest candidate's story."""
    if not candidates:
        return StoryChoice(None)
    return StoryChoice(candidates[0].story_id, "same_event", 1.0)


def printed() -> StoryPrint:
    return StoryPrint(text="p", keys=("k",), exact=("k",))


def messages(url: str) -> list[tuple[int, str, str]]:
    return [(m["item_id"], m["target"], m["event"]) for m in rows(url, outbox)]


def test_a_story_alerts_each_endpoint_once_and_updates_those_that_ask(
    store: Store, database_url: str
) -> None:
    store.sync_feeds([feed(), feed("b"), feed("c")], T0)
    routes = (M_A, U_A, M_B, D)
    urgent = (topic("execution"),)
    store.record_success(
        succeeded(), [item("1", story=printed(), matches=urgent, routes=routes)], join_all
    )
    # Two more reports: one in a later poll of another feed, one in the same poll.
    store.record_success(
        succeeded("b", minute=5),
        [item("2", story=printed(), matches=urgent, routes=routes),
         item("3", story=printed(), matches=urgent, routes=routes)],
        join_all,
    )  # fmt: skip
    assert messages(database_url) == [
        (1, "a", "match.created"), (1, "b", "match.created"),
        (2, "a", "story.updated"), (3, "a", "story.updated"),
    ]  # fmt: skip
    # Digest entries go in for every report: the digest shows the story once by itself.
    assert len(store.preview_digest("daily", T0 + timedelta(days=1))) == 3


def test_a_later_urgent_report_alerts_a_story_whose_first_was_not(
    store: Store, database_url: str
) -> None:
    store.sync_feeds([feed()], T0)
    store.record_success(succeeded(), [item("1", story=printed(), routes=(D,))], join_all)
    store.record_success(
        succeeded(minute=5), [item("2", story=printed(), routes=(M_A, U_A, D))], join_all
    )
    store.record_success(
        succeeded(minute=10), [item("3", story=printed(), routes=(M_A, U_A, D))], join_all
    )
    assert messages(database_url) == [(2, "a", "match.created"), (3, "a", "story.updated")]


def test_a_rematch_routes_a_stored_report_as_its_story_allows(
    store: Store, database_url: str
) -> None:
    store.sync_feeds([feed()], T0)
    store.record_success(succeeded(), [item("1", story=printed(), routes=(M_A,))], join_all)
    store.record_success(succeeded(minute=5), [item("2", story=printed())], join_all)
    (_, second) = [i.id for i in store.iter_items()]
    store.add_matches(second, [topic("execution")], T0, router=lambda m: (M_A, M_B, digest()))
    assert messages(database_url) == [(1, "a", "match.created"), (2, "b", "match.created")]
