"""Storage's own exceptions, and the one place database errors are translated.

Storage must not import ``monitor``, so it cannot raise ``monitor.errors.StorageError``:
it raises ``storage.errors.StorageError`` and the CLI (the composition root) wraps it
into the monitor tree. Every ``sqlalchemy.exc`` error leaving a ``Store`` method is
turned into a ``StorageError`` here, with the operation named and the cause chained.

    Exception
    ├── StorageError            the database refused or could not be reached
    │   ├── FeedNotFoundError   (also a LookupError) no feed has that id
    │   ├── ItemNotFoundError   (also a LookupError) no item has that id
    │   └── MessageNotFoundError  (also a LookupError) no outbox message has that id
    └── ValueError
        └── NaiveDatetimeError  a caller passed a datetime without a timezone (a bug)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc as sa_exc


class StorageError(Exception):
    """The database could not do what was asked; the message names the operation."""


class FeedNotFoundError(StorageError, LookupError):
    """No feed with this id is stored (``sync_feeds`` was not called with it)."""

    def __init__(self, feed_id: str) -> None:
        super().__init__(f"unknown feed {feed_id!r}: it is not in the database")
        self.feed_id = feed_id


class ItemNotFoundError(StorageError, LookupError):
    """No item with this id is stored."""

    def __init__(self, item_id: int) -> None:
        super().__init__(f"unknown item {item_id}: it is not in the database")
        self.item_id = item_id


class MessageNotFoundError(StorageError, LookupError):
    """No outbox message with this id is stored (or its item was deleted with it)."""

    def __init__(self, outbox_id: int) -> None:
        super().__init__(f"unknown message {outbox_id}: it is not in the outbox")
        self.outbox_id = outbox_id


class NaiveDatetimeError(ValueError):
    """A datetime without a timezone reached storage; every datetime must be aware."""


_MAX_CAUSE = 500


def describe_cause(error: BaseException) -> str:
    """One readable line for ``error``: the driver's message, without SQL or links."""
    orig = getattr(error, "orig", None)
    cause: BaseException = orig if isinstance(orig, BaseException) else error
    text = str(cause)
    text = text.split("(Background on this error at:", 1)[0]
    text = re.sub(r"\s+", " ", text).strip() or type(cause).__name__
    return text if len(text) <= _MAX_CAUSE else text[: _MAX_CAUSE - 3] + "..."


@contextmanager
def storage_errors(operation: str) -> Iterator[None]:
    """Translate database errors raised in the block into ``StorageError``.

    ``operation`` completes "could not ...", e.g. ``"record the poll of feed 'x'"``.
    A naive datetime is a programming error and is re-raised as such, not wrapped.
    """
    try:
        yield
    except sa_exc.StatementError as error:
        if isinstance(error.orig, NaiveDatetimeError):
            raise error.orig from None
        raise StorageError(f"could not {operation}: {describe_cause(error)}") from error
    except sa_exc.SQLAlchemyError as error:
        raise StorageError(f"could not {operation}: {describe_cause(error)}") from error
