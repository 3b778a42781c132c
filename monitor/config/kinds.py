"""The kinds of value feeds.yaml holds, and how each is read: the basic and container kinds.

A kind turns a value as YAML loaded it into the value the program uses, or raises
``Invalid`` with a message that completes a sentence starting with the key's name:
``"interval" in feed "x"`` + ``must be at least 30s; found 10s``. Kinds know nothing of
where a value sits in the file or of other keys; the validator adds both.

Container kinds (``Section``, ``Records``, ``ListOf``, ``AllOrList``) only describe
shape; the validator walks into them. Kinds with a format of their own (durations,
sizes, URLs, addresses...) are in ``formats``.

Must not: read files or the environment, import YAML, or echo a value that may be a
secret.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any


class Invalid(Exception):
    """A value is not of its kind; the message completes "<key> ..."."""


def found(value: object) -> str:
    """Say what a value is, for "found ..." in messages, without printing much of it."""
    if value is None:
        return "no value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 60 else value[:57] + "..."
        return f'"{shown}"' if value else "empty text"
    if isinstance(value, dict):
        return "a mapping (key: value lines)"
    if isinstance(value, list):
        return "a list"
    return f"a value of type {type(value).__name__}"


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """A '; did you mean "x"?' suffix, or an empty string when nothing is close."""
    folded = {c.casefold(): c for c in choices}
    if word.casefold() in folded:
        return f'; did you mean "{folded[word.casefold()]}"?'
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f'; did you mean "{close[0]}"?' if close else ""


class Kind:
    """One kind of scalar value.

    ``doc()`` names the kind in docs/configuration.md; ``expected()`` says what a good
    value looks like, for messages.
    """

    def doc(self) -> str:
        return "value"

    def expected(self) -> str:
        return "a value"

    def read(self, value: object) -> Any:
        raise NotImplementedError

    def mismatch(self, value: object, hint: str = "") -> Invalid:
        return Invalid(f"must be {self.expected()}; found {found(value)}{hint}")


@dataclass(frozen=True)
class Text(Kind):
    """Non-empty text, trimmed; one line unless ``multiline`` (kept as written then)."""

    multiline: bool = False
    def doc(self) -> str:
        return "text"

    def expected(self) -> str:
        return "text"

    def read(self, value: object) -> Any:
        if not isinstance(value, str):
            raise self.mismatch(value)
        if not value.strip():
            raise Invalid("must not be empty")
        if self.multiline:
            return value
        if "\n" in value.strip() or "\r" in value:
            raise Invalid("must be a single line of text")
        return value.strip()


@dataclass(frozen=True)
class Identifier(Kind):
    """A stable name used in logs, storage and queries: lower-case, no spaces."""

    def doc(self) -> str:
        return "identifier"

    def expected(self) -> str:
        return (
            "lower-case letters, digits, '-', '_' or '.', starting with a letter or digit"
            " (at most 64 characters)"
        )

    def read(self, value: object) -> Any:
        if isinstance(value, str) and re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,63}", value):
            return value
        hint = ""
        if isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._ -]*", value):
            hint = '; did you mean "' + value.lower().replace(" ", "-") + '"?'
        raise self.mismatch(value, hint)


@dataclass(frozen=True)
class Tag(Kind):
    """A word that a query's ``tag:`` filter can name: no spaces, quotes or brackets."""

    def doc(self) -> str:
        return "tag"

    def expected(self) -> str:
        return "a tag without spaces, such as death-penalty"

    def read(self, value: object) -> Any:
        if isinstance(value, str) and re.fullmatch(r"[^\s\"'()\[\]{},:]+", value):
            return value
        raise self.mismatch(value)


@dataclass(frozen=True)
class Integer(Kind):
    """A whole number from ``low`` to ``high`` inclusive."""

    low: int
    high: int
    def doc(self) -> str:
        return "integer"

    def expected(self) -> str:
        return f"a whole number from {self.low} to {self.high}"

    def read(self, value: object) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.mismatch(value)
        if not self.low <= value <= self.high:
            raise Invalid(f"must be from {self.low} to {self.high}; found {value}")
        return value


@dataclass(frozen=True)
class Number(Kind):
    """A number from ``low`` to ``high`` inclusive, whole or not (read as a float)."""

    low: float
    high: float

    def doc(self) -> str:
        return "number"

    def expected(self) -> str:
        return f"a number from {self.low:g} to {self.high:g}"

    def read(self, value: object) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.mismatch(value)
        if not self.low <= value <= self.high:  # also refuses NaN
            raise Invalid(f"must be from {self.low:g} to {self.high:g}; found {value:g}")
        return float(value)


@dataclass(frozen=True)
class Version(Kind):
    """The schema version: only 1 exists."""

    def doc(self) -> str:
        return "integer"

    def expected(self) -> str:
        return "1 (the only version of this file format)"

    def read(self, value: object) -> Any:
        if value != 1 or isinstance(value, bool):
            raise self.mismatch(value)
        return 1


@dataclass(frozen=True)
class Boolean(Kind):
    """true or false (YAML 1.2: yes/no/on/off are text, and say so)."""

    def doc(self) -> str:
        return "boolean"

    def expected(self) -> str:
        return "true or false"

    def read(self, value: object) -> Any:
        if not isinstance(value, bool):
            words = ("yes", "no", "on", "off", "y", "n")
            hint = " (yes, no, on and off are text here)" if str(value).lower() in words else ""
            raise self.mismatch(value, hint)
        return value


@dataclass(frozen=True)
class Choice(Kind):
    """One word out of a fixed set."""

    choices: tuple[str, ...]
    def doc(self) -> str:
        return "choice"

    def expected(self) -> str:
        return "one of " + ", ".join(self.choices)

    def read(self, value: object) -> Any:
        if isinstance(value, str) and value in self.choices:
            return value
        hint = did_you_mean(value, self.choices) if isinstance(value, str) else ""
        raise Invalid(f"must be {self.expected()}; found {found(value)}{hint}")


# Containers: the validator walks into these; ``read`` is never called on them.


@dataclass(frozen=True)
class Section(Kind):
    """A mapping of named keys (``http:``, ``alerts.smtp:``); empty when left blank."""

    def doc(self) -> str:
        return "mapping"

    def expected(self) -> str:
        return "a mapping (indented key: value lines)"


@dataclass(frozen=True)
class Records(Kind):
    """A list of mappings of one kind: feeds, topics, people, digests, webhooks.

    ``noun`` names one record in messages (feed "hrana-en"); ``name_key`` is the key
    whose value names it.
    """

    noun: str
    name_key: str
    def doc(self) -> str:
        return "list of mappings"

    def expected(self) -> str:
        return f"a list of {self.noun} entries, each starting with '- '"


@dataclass(frozen=True)
class ListOf(Kind):
    """A list of values of one kind, such as ``[iran, death-penalty]``."""

    item: Kind
    nonempty: bool = False
    example: str = "[a, b]"

    def doc(self) -> str:
        return f"list of {self.item.doc()}"

    def expected(self) -> str:
        return f"a list such as {self.example}"


@dataclass(frozen=True)
class AllOrList(Kind):
    """The word ``all``, or a list of values of one kind."""

    item: Kind
    example: str = "[a, b]"

    def doc(self) -> str:
        return f"all, or list of {self.item.doc()}"

    def expected(self) -> str:
        return f"all, or a list such as {self.example}"
