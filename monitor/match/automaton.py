"""The one place that imports pyahocorasick: a typed, read-only automaton.

``find(text)`` yields ``(end, value)`` for every occurrence of every key, overlapping
ones included, in order of their last character: one pass over the text whatever the
number of keys. Must not: know what the keys mean.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Generic, TypeVar

import ahocorasick  # type: ignore[import-not-found,unused-ignore]  # no stubs

V = TypeVar("V")


class Automaton(Generic[V]):
    def __init__(self, entries: Mapping[str, V], filler: str = "") -> None:
        """``filler``: the text that stands for most of what the automaton will read
        (a word no key uses), if any. The texts must never contain NUL."""
        self.size = len(entries)
        if not entries:
            self.find: Callable[[str], Iterator[tuple[int, V]]] = lambda text: iter(())
            return
        automaton = ahocorasick.Automaton()
        if filler:
            # pyahocorasick looks up a node's next character among its children in the
            # order they were added: a key that starts with the filler, added first, makes
            # the filler the first child tried, so the text's commonest step is the
            # cheapest (about 20% off a pass). The NUL never occurs, so neither does it.
            automaton.add_word(filler + "\0", None)
        for key, value in entries.items():
            automaton.add_word(key, value)
        automaton.make_automaton()
        self.find = automaton.iter  # the bound C method: no Python frame per occurrence
