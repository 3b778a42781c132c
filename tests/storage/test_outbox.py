"""The outbox: messages created once (routes, digests, notices), attempts, endpoints,
retries by hand, and what operators see. Claiming is in test_claims."""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
import sqlalchemy as sa

from storage import (
    ItemNotFoundError,
    MessageNotFoundError,
    NaiveDatetimeError,
    Route,
    StorageError,
    Store,
)
from storage.records import OUTBOX_STATES
from storage.tables import digest_entries, items, outbox
from tests.storage.factories import T0, at, digest, feed, item, raw, rows, succeeded, webhook

WEBHOOK_ID = re.compile(r"msg_[0-9a-f]{32}")
EMAIL_ID = re.compile(r"<[0-9a-f]{32}@monitor\.invalid>")


@pytest.fixture
def store(store: Store) -> Store:
    """The shared ``store`` with one configured feed, ``ihrngo-en``."""
    store.sync_feeds([feed()], T0)
    return store


def states(store: Store) -> dict[int, str]:
    return {message.id: message.state for message in store.list_outbox()}


def notice(store: Store, key: str = "n1", minute: float = 0) -> int:
    assert store.add_notice("endpoint.disabled", key, f"Subject {key}", "Body", at(minute))
    return store.list_outbox(limit=1)[0].id


# -- routes: stored with new items, in their transaction ---------------------------------


def test_routes_are_stored_with_new_items_only(store: Store, database_url: str) -> None:
    poll = succeeded()
    a, b = store.record_success(poll, [item("a", routes=(webhook(), digest())), item("b")])
    (message,) = rows(database_url, outbox)
    assert {k: message[k] for k in ("kind", "target", "event", "item_id", "state")} == {
        "kind": "webhook",
        "target": "hook",
        "event": "match.created",
        "item_id": a,
        "state": "pending",
    }
    assert message["dedup_key"] == f"webhook:hook:{a}"
    assert WEBHOOK_ID.fullmatch(message["message_id"])
    assert message["next_attempt_at"] == message["created_at"] == poll.finished_at
    assert (message["attempts"], message["lease_until"], message["last_error"]) == (0, None, None)
    (entry,) = rows(database_url, digest_entries)
    assert (entry["digest_id"], entry["item_id"], entry["outbox_id"]) == ("daily", a, None)
    assert entry["created_at"] == poll.finished_at

    # Seen again, with other routes: already stored, so routed no more.
    again = [item("a", routes=(webhook("other"), digest("weekly"))), item("b", routes=(webhook(),))]
    assert store.record_success(succeeded(minute=15), again) == []
    assert len(rows(database_url, outbox)) == 1
    assert len(rows(database_url, digest_entries)) == 1
    assert b not in {row["item_id"] for row in rows(database_url, outbox)}


def test_routes_repeated_for_one_item_are_stored_once(store: Store, database_url: str) -> None:
    routes = (webhook(), webhook(), digest(), digest(), webhook("other"))
    store.record_success(succeeded(), [item("a", routes=routes)])
    assert [row["target"] for row in rows(database_url, outbox)] == ["hook", "other"]
    assert len(rows(database_url, digest_entries)) == 1


def _fail_fetch_log(monkeypatch: pytest.MonkeyPatch) -> list[Route]:
    def refuse(*_args: Any) -> None:
        raise sa.exc.OperationalError("INSERT INTO fetch_log", {}, Exception("disk full"))

    monkeypatch.setattr("storage.polls._log", refuse)  # after items and routes are inserted
    return [webhook(), digest()]


@pytest.mark.parametrize(
    ("routes", "error"),
    [
        pytest.param(_fail_fetch_log, StorageError, id="the fetch_log insert fails"),
        pytest.param(lambda _: [webhook(), Route("sms", "x")], ValueError, id="unknown route"),
    ],
)
def test_a_failed_poll_stores_neither_item_nor_routes(
    store: Store,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    routes: Any,
    error: type[Exception],
) -> None:
    new = [item("ok", routes=(webhook(),)), item("a", routes=tuple(routes(monkeypatch)))]
    with pytest.raises(error):
        store.record_success(succeeded(), new)
    assert store.count_items() == 0
    assert rows(database_url, outbox) == rows(database_url, digest_entries) == []


def test_a_webhook_to_a_disabled_endpoint_is_created_disabled(store: Store) -> None:
    assert store.disable_endpoint("hook", at(-5), "410 Gone") == 0
    store.record_success(succeeded(), [item("a", routes=(webhook(), webhook("other")))])
    got = {m.target: (m.state, m.last_error) for m in store.list_outbox()}
    assert got == {"hook": ("disabled", "410 Gone"), "other": ("pending", None)}


def test_add_routes_routes_a_stored_item_once(store: Store, database_url: str) -> None:
    (a,) = store.record_success(succeeded(), [item("a", routes=(webhook(),))])
    assert store.add_routes(a, [webhook(), webhook("other"), digest()], at(60)) == 2
    assert store.add_routes(a, [webhook("other"), digest()], at(61)) == 0
    assert store.add_routes(a, [], at(62)) == 0
    other = next(row for row in rows(database_url, outbox) if row["target"] == "other")
    assert (other["state"], other["next_attempt_at"]) == ("pending", at(60))
    with pytest.raises(ItemNotFoundError):
        store.add_routes(a + 1, [webhook()], at(60))


# -- digests and notices: created once ---------------------------------------------------


def test_open_digest_creates_one_message_per_period(store: Store, database_url: str) -> None:
    tehran = timezone(timedelta(hours=3, minutes=30))
    assert store.open_digest("daily", at(0), at(1)) is True
    assert store.open_digest("daily", at(0).astimezone(tehran), at(2)) is False  # same instant
    assert store.open_digest("weekly", at(0), at(2)) is True
    assert store.open_digest("daily", at(24 * 60), at(24 * 60)) is True
    first = rows(database_url, outbox)[0]
    assert first["dedup_key"] == "digest:daily:2025-07-12T09:30:00+00:00"
    assert (first["kind"], first["event"], first["state"]) == ("digest", "digest", "pending")
    assert (first["period_end"], first["next_attempt_at"]) == (at(0), at(1))
    assert EMAIL_ID.fullmatch(first["message_id"])
    with pytest.raises(NaiveDatetimeError):
        store.open_digest("daily", at(0).replace(tzinfo=None), at(1))


def test_two_stores_opening_one_digest_at_once_create_one(store: Store, database_url: str) -> None:
    created: list[bool] = []
    barrier = threading.Barrier(4)

    def open_it(other: Store) -> None:
        barrier.wait()
        created.append(other.open_digest("daily", at(0), at(0)))

    with Store.open(database_url) as second:
        stores = [store, second, store, second]
        threads = [threading.Thread(target=open_it, args=(s,)) for s in stores]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(created) == [False, False, False, True]
    assert len(rows(database_url, outbox)) == 1


def test_a_notice_is_created_once_per_dedup_key(store: Store, database_url: str) -> None:
    assert store.add_notice("endpoint.disabled", "k", "Hook disabled", "It said 410", at(0))
    assert not store.add_notice("endpoint.disabled", "k", "Again", "Again", at(1))
    assert store.add_notice("delivery.failed", "k2", "Nul\x00", "Body\x00", at(1))
    first, second = rows(database_url, outbox)
    assert (first["kind"], first["target"]) == ("notice", "operator")
    assert (first["event"], first["subject"]) == ("endpoint.disabled", "Hook disabled")
    assert (first["state"], first["next_attempt_at"]) == ("pending", at(0))
    assert EMAIL_ID.fullmatch(first["message_id"])
    assert (second["subject"], second["body"]) == ("Nul", "Body")


# -- attempts ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mark", "state", "sent_at", "next_attempt_at", "last_error"),
    [
        (lambda s, i: s.mark_sent(i, at(10)), "sent", at(10), at(0), None),
        (lambda s, i: s.mark_retry(i, at(10), "503", at(40)), "pending", None, at(40), "503"),
        (lambda s, i: s.mark_failed(i, at(10), "550 No"), "failed", None, at(0), "550 No"),
    ],
    ids=["sent", "retry", "failed"],
)
def test_marking_an_attempt(
    store: Store,
    database_url: str,
    mark: Any,
    state: str,
    sent_at: datetime | None,
    next_attempt_at: datetime,
    last_error: str | None,
) -> None:
    message_id = notice(store)
    (claimed,) = store.claim_due(at(5))
    mark(store, claimed.id)
    (row,) = rows(database_url, outbox)
    assert row["id"] == claimed.id == message_id
    assert (row["state"], row["sent_at"], row["next_attempt_at"], row["last_error"]) == (
        state, sent_at, next_attempt_at, last_error,
    )  # fmt: skip
    assert (row["attempts"], row["last_attempt_at"], row["lease_until"]) == (1, at(10), None)


def test_sent_keeps_the_last_error_and_errors_are_cut(store: Store, database_url: str) -> None:
    message_id = notice(store)
    store.mark_retry(message_id, at(1), "x\x00" * 5_000, at(2))
    store.mark_sent(message_id, at(3))
    (row,) = rows(database_url, outbox)
    assert (row["state"], row["attempts"], row["last_error"]) == ("sent", 2, "x" * 4_000)


@pytest.mark.parametrize("method", ["mark_sent", "mark_retry", "mark_failed"])
def test_marking_an_unknown_message_is_refused(store: Store, method: str) -> None:
    args: dict[str, tuple[Any, ...]] = {
        "mark_sent": (at(0),),
        "mark_retry": (at(0), "error", at(1)),
        "mark_failed": (at(0), "error"),
    }
    with pytest.raises(MessageNotFoundError, match="unknown message 42"):
        getattr(store, method)(42, *args[method])


# -- endpoints ----------------------------------------------------------------------------


def test_disabling_an_endpoint_disables_its_pending_messages(store: Store) -> None:
    a, b, c = store.record_success(
        succeeded(), [item(i, routes=(webhook(), webhook("other"))) for i in "abc"]
    )
    by_item = {(m.target, m.title): m.id for m in store.list_outbox()}
    store.mark_sent(by_item["hook", "Title a"], at(1))
    store.mark_failed(by_item["hook", "Title b"], at(1), "400 Bad Request")
    notice(store)
    assert store.disable_endpoint("hook", at(2), "410 Gone") == 1
    assert store.disabled_endpoints() == {"hook": "410 Gone"}
    got = {(m.kind, m.target, m.title): (m.state, m.last_error) for m in store.list_outbox()}
    assert got == {
        ("webhook", "hook", "Title a"): ("sent", None),
        ("webhook", "hook", "Title b"): ("failed", "400 Bad Request"),
        ("webhook", "hook", "Title c"): ("disabled", "410 Gone"),
        **{("webhook", "other", f"Title {i}"): ("pending", None) for i in "abc"},
        ("notice", "operator", "Subject n1"): ("pending", None),
    }
    assert store.disable_endpoint("hook", at(3), "disabled by hand") == 0
    assert store.disabled_endpoints() == {"hook": "disabled by hand"}
    store.enable_endpoint("hook")
    store.enable_endpoint("never-disabled")
    assert store.disabled_endpoints() == {}


def test_a_retry_of_a_message_disabled_in_flight_keeps_it_disabled(store: Store) -> None:
    store.record_success(succeeded(), [item("a", routes=(webhook(),))])
    (message,) = store.claim_due(at(1))
    assert store.disable_endpoint("hook", at(2), "410 Gone") == 1
    store.mark_retry(message.id, at(3), "503", at(30))
    (status,) = store.list_outbox()
    assert (status.state, status.attempts, status.last_error) == ("disabled", 1, "503")


def test_a_message_disabled_in_flight_and_retried_by_hand_is_due_at_once(store: Store) -> None:
    # The dispatcher disables the endpoint on 410 Gone without marking the attempt.
    store.record_success(succeeded(), [item("a", routes=(webhook(),))])
    (message,) = store.claim_due(at(1), lease=timedelta(hours=1))
    assert store.disable_endpoint("hook", at(2), "410 Gone") == 1
    store.retry_message(message.id, at(3))
    assert [m.id for m in store.claim_due(at(3))] == [message.id]


# -- retry by hand -----------------------------------------------------------------------


def test_retry_makes_a_failed_message_due_again(store: Store) -> None:
    message_id = notice(store)
    for minute in (1, 2, 3):
        store.mark_retry(message_id, at(minute), f"timeout {minute}", at(minute + 30))
    store.mark_failed(message_id, at(4), "gave up")
    status = store.retry_message(message_id, at(60))
    assert (status.state, status.attempts, status.next_attempt_at) == ("pending", 0, at(60))
    assert (status.last_error, status.title) == ("gave up", "Subject n1")
    assert [m.id for m in store.claim_due(at(60))] == [message_id]


def test_retry_of_a_disabled_webhook_enables_its_endpoint(store: Store) -> None:
    store.record_success(succeeded(), [item(i, routes=(webhook(),)) for i in "ab"])
    assert store.disable_endpoint("hook", at(1), "410 Gone") == 2
    first, second = sorted(m.id for m in store.list_outbox())
    assert store.retry_message(first, at(2)).state == "pending"
    assert store.disabled_endpoints() == {}
    assert states(store) == {first: "pending", second: "disabled"}


def test_retry_of_an_unknown_or_sent_message_is_refused(store: Store) -> None:
    with pytest.raises(MessageNotFoundError) as caught:
        store.retry_message(7, at(0))
    assert isinstance(caught.value, LookupError) and caught.value.outbox_id == 7
    message_id = notice(store)
    store.mark_sent(message_id, at(10))
    with pytest.raises(StorageError, match="already sent on 2025-07-12 09:40 UTC"):
        store.retry_message(message_id, at(20))
    assert states(store) == {message_id: "sent"}


# -- what operators see ------------------------------------------------------------------


def test_summary_counts_every_state(store: Store) -> None:
    assert store.outbox_summary() == dict.fromkeys(OUTBOX_STATES, 0)
    sent, failed, _ = (notice(store, key) for key in ("a", "b", "c"))
    store.mark_sent(sent, at(1))
    store.mark_failed(failed, at(1), "no")
    summary = store.outbox_summary()
    assert list(summary) == list(OUTBOX_STATES)
    assert summary == {"pending": 1, "sent": 1, "failed": 1, "disabled": 0}


def test_list_shows_newest_first_with_titles(store: Store) -> None:
    store.record_success(
        succeeded(), [item("a", title="Execution in Qezel Hesar", routes=(webhook(),))]
    )
    store.open_digest("daily", at(8 * 60), at(8 * 60))
    failed = notice(store, minute=9 * 60)
    store.mark_failed(failed, at(9 * 60), "550")
    assert [(m.kind, m.title) for m in store.list_outbox()] == [
        ("notice", "Subject n1"),
        ("digest", "daily for 2025-07-12 17:30 UTC"),
        ("webhook", "Execution in Qezel Hesar"),
    ]
    assert [m.kind for m in store.list_outbox(limit=2)] == ["notice", "digest"]
    assert [m.id for m in store.list_outbox(states=["failed"])] == [failed]
    assert store.list_outbox(states=["failed", "pending"], limit=1)[0].id == failed


def test_deleting_an_item_deletes_its_messages_and_entries(store: Store, database_url: str) -> None:
    a, b = store.record_success(succeeded(), [item(i, routes=(webhook(), digest())) for i in "ab"])
    store.open_digest("daily", at(60), at(60))
    store.claim_due(at(60), kinds=["digest"])  # links both entries to the digest message
    with raw(database_url) as conn:
        conn.execute(sa.delete(items).where(items.c.id == a))
        conn.commit()
    assert [row["item_id"] for row in rows(database_url, outbox)] == [b, None]
    assert [row["item_id"] for row in rows(database_url, digest_entries)] == [b]
