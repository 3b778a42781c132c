"""Text as both databases accept it: PostgreSQL ``text`` refuses NUL characters.

Storage cleans every string it writes from outside (feeds, matchers) through here,
so a hostile item or a strange config value cannot fail a poll's transaction. Error
messages (a poll's, a delivery's) are also cut here to a length worth keeping.
"""

from __future__ import annotations

MAX_ERROR = 4_000  # characters kept of an error message


def clean(value: str) -> str:
    """``value`` without NUL characters."""
    return value.replace("\x00", "") if "\x00" in value else value


def clean_optional(value: str | None) -> str | None:
    """``clean(value)``, keeping None."""
    return None if value is None else clean(value)


def cut_error(error: str) -> str:
    """``error`` as stored: without NUL, at most ``MAX_ERROR`` characters."""
    return clean(error)[:MAX_ERROR]
