"""Where things are in feeds.yaml, and the problems found there.

``KeyPath`` names a place in the document as keys and list indexes, such as
``("feeds", 3, "interval")``. ``Positions`` maps key paths to 1-based (line, column)
pairs for the key and for its value; ``Problems`` collects located messages for one
file and turns them into a ``ConfigError``.
Must not: parse YAML or decide what is valid.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from monitor.errors import ConfigError, ConfigProblem

Pos = tuple[int, int]
KeyPath = tuple[str | int, ...]
START: Pos = (1, 1)


@dataclass(frozen=True)
class Positions:
    """1-based positions of keys and values by key path.

    ``values`` holds, for a key, where its value starts (its key, when the value is
    empty) and, for a list item, where the item starts.
    """

    keys: Mapping[KeyPath, Pos] = field(default_factory=lambda: MappingProxyType({}))
    values: Mapping[KeyPath, Pos] = field(default_factory=lambda: MappingProxyType({}))

    def of_key(self, path: KeyPath) -> Pos:
        """Where the key at ``path`` is written, else its nearest known ancestor."""
        if path in self.keys:
            return self.keys[path]
        return self.of_value(path)

    def of_value(self, path: KeyPath) -> Pos:
        """Where the value at ``path`` starts, else its nearest known ancestor's."""
        while path:
            if path in self.values:
                return self.values[path]
            if path in self.keys:
                return self.keys[path]
            path = path[:-1]
        return START


class Problems:
    """The problems found in one file so far; each distinct one kept once."""

    def __init__(self, file: str) -> None:
        self.file = file
        self._found: dict[ConfigProblem, None] = {}

    def add(self, pos: Pos, message: str) -> None:
        self._found[ConfigProblem(self.file, pos[0], pos[1], message)] = None

    def __bool__(self) -> bool:
        return bool(self._found)

    def __len__(self) -> int:
        return len(self._found)

    def error(self) -> ConfigError:
        return ConfigError(list(self._found))
