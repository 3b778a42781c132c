"""Text as both databases accept it: PostgreSQL ``text`` refuses NUL characters.

Storage cleans every string it writes from outside (feeds, matchers) through here,
so a hostile item or a strange config value cannot fail a poll's transaction.
"""

from __future__ import annotations


def clean(value: str) -> str:
    """``value`` without NUL characters."""
    return value.replace("\x00", "") if "\x00" in value else value


def clean_optional(value: str | None) -> str | None:
    """``clean(value)``, keeping None."""
    return None if value is None else clean(value)
