"""The one exception tree of monitor.

Every error a user can act on derives from ``MonitorError`` and carries a message
that says what went wrong and where. Anything else that escapes is a bug and is
logged with its traceback.

    MonitorError
    ├── ConfigError          feeds.yaml or the environment is wrong (holds every problem)
    ├── FeedError            one source failed; recorded on the feed, never stops the loop
    │   ├── FetchError       network, HTTP status, limits, forbidden address
    │   └── ParseError       the document could not be turned into items
    ├── StorageError         the database refused or could not be reached
    ├── DeliveryError        an alert could not be delivered; stays pending and is retried
    ├── InputError           a file given on the command line is malformed
    └── UsageError           a command-line argument or switch is wrong (exit 2)
"""

from __future__ import annotations

from dataclasses import dataclass


class MonitorError(Exception):
    """Root of every error monitor reports to a user."""


@dataclass(frozen=True, order=True)
class ConfigProblem:
    """One problem in a config file, located for an editor: ``FILE:LINE:COL: message``.

    ``line`` and ``column`` are 1-based, as editors and compilers print them.
    """

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class ConfigError(MonitorError):
    """The configuration is invalid; ``problems`` holds every problem found, in file order."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class FeedError(MonitorError):
    """One source failed. The poll of that source is recorded as failed; others go on."""

    def __init__(self, message: str, *, feed_id: str | None = None) -> None:
        super().__init__(message)
        self.feed_id = feed_id


class FetchError(FeedError):
    """Fetching a feed failed.

    ``http_status`` is the final HTTP status when there was one; ``retry_after`` is the
    server's requested delay in seconds (429/503 ``Retry-After``), already capped.
    """

    def __init__(
        self,
        message: str,
        *,
        feed_id: str | None = None,
        http_status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, feed_id=feed_id)
        self.http_status = http_status
        self.retry_after = retry_after


class ParseError(FeedError):
    """A fetched document could not be parsed into items (or parsing hit a limit)."""


class StorageError(MonitorError):
    """The database could not do what was asked; the message names the operation."""


class DeliveryError(MonitorError):
    """An alert could not be delivered now; the delivery stays pending and is retried."""


class InputError(MonitorError):
    """A file given on the command line is malformed; the message names the line."""


class UsageError(MonitorError):
    """A command-line argument (or an environment switch) is wrong: exit 2."""
