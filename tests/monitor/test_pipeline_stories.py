"""The pipeline groups new items into stories: prints for new items only, officials
kept apart, reposts and same-event reports joined, through the real store."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from monitor import grouping
from monitor.match import Matcher, Person, TopicRule
from monitor.model import FeedSettings, FetchRequest, FetchResult, ParsedFeed, ParsedItem
from monitor.pipeline import Pipeline
from storage import FeedDefinition, Store

T0 = datetime(2026, 11, 21, 8, tzinfo=UTC)
NGO = "https://ngo.example/feed"
MATCHER = Matcher.build(
    [TopicRule("death_sentence", '"sentenced to death" OR "death sentence"', "urgent")],
    [Person("Pakhshan Azizi"), Person("Varisheh Moradi"), Person("Iman Afshari")],
)
AZIZI = (
    "Kurdish social worker Pakhshan Azizi was sentenced to death by Judge Iman Afshari of"
    " Branch 26 on charges of armed rebellion, her lawyer said on Saturday in Tehran."
)
MORADI = (
    "Varisheh Moradi, a Kurdish women's rights activist held in Evin, was sentenced to death"
    " by Judge Iman Afshari for armed rebellion in a separate case heard the same morning."
)
WIRE = (
    "An Iranian revolutionary court has handed a death sentence to aid worker Pakhshan Azizi,"
    " according to rights groups, in a case that drew criticism from the United Nations."
)


def parsed(identity: str, body: str, hours: float = 0) -> ParsedItem:
    return ParsedItem(identity=identity, identity_kind="guid", title=body[:60], url=None,
                      summary=body, content="", published=T0 + timedelta(hours=hours),
                      published_is_fetch_time=False)  # fmt: skip


class Stages:
    """A fetcher and parser that hand out a fixed document per feed."""

    def __init__(self) -> None:
        self.documents: dict[str, tuple[ParsedItem, ...]] = {}

    async def fetch(self, request: FetchRequest) -> FetchResult:
        # A new body whenever the document changed (an unchanged body is not parsed).
        body = f"{request.url} {len(self.documents[request.url])}".encode()
        return FetchResult(url=request.url, status=200, body=body)

    async def parse(
        self, body: bytes, *, base_url: str, fetched_at: datetime, max_items: int = 500
    ) -> ParsedFeed:
        return ParsedFeed(title="t", link=None, format="rss20",
                          items=self.documents[base_url])  # fmt: skip


def poll(store: Store, stages: Stages, feed_id: str, officials: frozenset[str]) -> None:
    feed = FeedSettings(id=feed_id, url=f"https://{feed_id}.example/feed", name=feed_id)
    pipeline = Pipeline(fetcher=stages, parser=stages, store=store, matcher=MATCHER,
                        clock=lambda: T0, officials=officials)  # fmt: skip
    asyncio.run(pipeline.poll(feed))


@pytest.fixture
def db(store: Store) -> Store:
    store.sync_feeds([FeedDefinition(f, f"https://{f}.example/feed", f, "ngo", "en", None, True)
                      for f in ("ngo", "wire")], T0)  # fmt: skip
    return store


def stories_by_identity(store: Store) -> dict[str, int | None]:
    return {i.identity: i.story_id for i in store.iter_items()}


def test_same_judge_same_day_two_defendants_stay_apart_and_the_wire_joins(
    db: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed: list[str] = []
    real = grouping.story_print
    monkeypatch.setattr(
        grouping, "story_print", lambda item, *a: printed.append(item.identity) or real(item, *a)
    )
    stages = Stages()
    stages.documents[NGO] = (parsed("azizi", AZIZI), parsed("moradi", MORADI))
    poll(db, stages, "ngo", frozenset({"Iman Afshari"}))
    stages.documents["https://wire.example/feed"] = (parsed("wire", WIRE, hours=30),)
    poll(db, stages, "wire", frozenset({"Iman Afshari"}))
    found = stories_by_identity(db)
    assert found["azizi"] != found["moradi"]  # the judge is no shared person
    assert found["wire"] == found["azizi"]  # same person, same topic, 30 h later
    (story,) = [s for s in db.stories() if len(s.reports) == 2]
    assert [(r.item.identity, r.reason) for r in story.reports] == [
        ("azizi", "new"), ("wire", "same_event")]  # fmt: skip

    # Polled again with one new item: only that one is printed.
    stages.documents[NGO] += (parsed("later", "Unrelated news."),)
    printed.clear()
    poll(db, stages, "ngo", frozenset({"Iman Afshari"}))
    assert printed == ["later"]


def test_without_officials_the_judge_alone_still_does_not_join_two_defendants(
    db: Store,
) -> None:
    # {Azizi, Afshari} and {Moradi, Afshari} share half their people: not more than half.
    stages = Stages()
    stages.documents[NGO] = (parsed("azizi", AZIZI), parsed("moradi", MORADI))
    poll(db, stages, "ngo", frozenset())
    found = stories_by_identity(db)
    assert found["azizi"] != found["moradi"]
