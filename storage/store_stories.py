"""The story readers of ``Store``: ``monitor stories`` and ``monitor person``.

A mixin, like ``store_outbox``; stories are written by ``record_success`` only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from storage import stories
from storage.errors import storage_errors
from storage.story_records import StoryRecord


class StoryStore:
    """The story methods of ``Store`` (which sets ``_engine``)."""

    _engine: Engine

    def stories(self, since: datetime | None = None) -> list[StoryRecord]:
        """Stories first seen at or after ``since`` (all if None), oldest first, each
        with every item stored in it (oldest published first), matches and reasons."""
        with storage_errors("read stories"), self._engine.connect() as conn:
            return stories.listing(conn, since)

    def person_stories(self, name: str) -> list[StoryRecord]:
        """Stories with an item that matched the person ``name`` (canonical), oldest
        first, each with every item stored in it."""
        with storage_errors(f"read the stories of {name!r}"), self._engine.connect() as conn:
            return stories.for_person(conn, name)
