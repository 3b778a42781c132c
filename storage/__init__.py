"""storage: the system of record (feeds, poll history, items, matches, stories, the
delivery outbox) behind one ``Store``.

It knows nothing of feeds.yaml, HTTP, parsing or email, and never imports
``monitor`` or ``alerts``. Callers pass and receive the typed records below. Errors
are ``storage.StorageError``; the CLI wraps them into ``monitor.errors.StorageError``.
"""

from storage.errors import (
    FeedNotFoundError,
    ItemNotFoundError,
    MessageNotFoundError,
    NaiveDatetimeError,
    StorageError,
)
from storage.polls import MAX_IDENTITY, stored_identity
from storage.records import (
    DigestEntry,
    FeedDefinition,
    FeedForUpdate,
    FeedHealth,
    FeedStatus,
    HealthChange,
    MatchRecord,
    NewItem,
    NewItemIds,
    NewMessage,
    OutboxMessage,
    OutboxStatus,
    PollFailed,
    PollSucceeded,
    Route,
    SourceProblem,
    StoredItem,
)
from storage.store import Store
from storage.story_records import (
    STORY_REASONS,
    Grouper,
    StoryCandidate,
    StoryChoice,
    StoryPrint,
    StoryRecord,
    StoryReport,
)

__all__ = [
    "MAX_IDENTITY",
    "FeedDefinition",
    "FeedForUpdate",
    "FeedHealth",
    "FeedNotFoundError",
    "FeedStatus",
    "HealthChange",
    "ItemNotFoundError",
    "MessageNotFoundError",
    "DigestEntry",
    "MatchRecord",
    "NaiveDatetimeError",
    "NewItem",
    "NewItemIds",
    "NewMessage",
    "PollFailed",
    "OutboxMessage",
    "OutboxStatus",
    "PollSucceeded",
    "Route",
    "SourceProblem",
    "Store",
    "StorageError",
    "StoredItem",
    "STORY_REASONS",
    "Grouper",
    "StoryCandidate",
    "StoryChoice",
    "StoryPrint",
    "StoryRecord",
    "StoryReport",
    "stored_identity",
]
