"""Reading feeds.yaml: file -> round-trip YAML data, with the position of every key.

The module that reads feeds.yaml as YAML (``layout`` reads the same node tree to edit
the file's text; nothing outside ``monitor.config`` imports YAML). It parses with
ruamel.yaml's round-trip loader (YAML 1.2: ``yes``/``no`` stay text, ``07:00`` stays
text), which keeps the line and column of every key, value and list item. Syntax errors,
undecodable bytes and an unreadable file become located problems. Duplicate keys are
found on the node tree (so that every duplicate is reported, not just the first) and the
document is then loaded keeping the first of each.
Must not: decide what is valid beyond YAML itself.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from monitor.config.located import START, KeyPath, Pos, Positions, Problems

_MERGE_TAG = "tag:yaml.org,2002:merge"

# Hints for the YAML errors operators meet most, keyed by a piece of ruamel's message.
_SYNTAX_HINTS = {
    "'\\t'": "indent with spaces; YAML does not allow tabs",
    "mapping values are not allowed": "a value containing ': ' must be put in quotes",
    "expected <block end>": "check the indentation of this line against the lines above",
    "could not find expected ':'": "a key must be followed by ':' and a space",
    "found unexpected end of stream": "a quote or bracket is not closed",
    "<stream end>": "a bracket or quote is not closed",
}


@dataclass(frozen=True)
class Duplicate:
    """A key given twice in one mapping: where the second is, and the first's line."""

    path: KeyPath
    pos: Pos
    first_line: int


@dataclass(frozen=True)
class Document:
    """The loaded document (ruamel's mapping and list types) and where everything is."""

    data: Any
    positions: Positions
    duplicates: tuple[Duplicate, ...]


def read_document(path: Path, problems: Problems) -> Document | None:
    """Load ``path``; on failure add problems and return None."""
    try:
        raw = path.read_bytes()
    except OSError as e:
        reason = e.strerror or str(e)
        problems.add(START, f"cannot read the configuration file: {reason}")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        problems.add(_byte_position(raw, e.start), "the file is not UTF-8 text; save it as UTF-8")
        return None
    try:
        # One parse: the node tree (for duplicate keys) is constructed into the data,
        # rather than parsing the text a second time (1 s for 1,000 feeds).
        yaml = _yaml()
        node = yaml.compose(io.StringIO(text))
        data = yaml.constructor.construct_document(node) if node is not None else None
    except YAMLError as e:
        problems.add(*_syntax_problem(e))
        return None
    except RecursionError:
        problems.add(START, "the file is nested too deeply to read")
        return None
    keys: dict[KeyPath, Pos] = {}
    values: dict[KeyPath, Pos] = {(): START}
    _index(data, (), keys, values, set())
    duplicates: list[Duplicate] = []
    if node is not None:
        _find_duplicates(node, (), duplicates, set())
    return Document(
        data, Positions(MappingProxyType(keys), MappingProxyType(values)), tuple(duplicates)
    )


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = True  # reported from the node tree instead, all of them
    return yaml


def _byte_position(raw: bytes, offset: int) -> Pos:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, offset - line_start + 1


def _syntax_problem(e: YAMLError) -> tuple[Pos, str]:
    problem = getattr(e, "problem", None) or str(e).splitlines()[0]
    mark = getattr(e, "problem_mark", None)
    if mark is None or "end of stream" in problem or "<stream end>" in problem:
        # At the end of the file the useful place is where the unclosed thing began.
        mark = getattr(e, "context_mark", None) or mark
    pos = (mark.line + 1, mark.column + 1) if mark is not None else START
    message = f"YAML syntax error: {problem}"
    for needle, hint in _SYNTAX_HINTS.items():
        if needle in problem:
            message += f" ({hint})"
            break
    return pos, message


def _one_based(line_col: Any) -> Pos:
    line, col = line_col
    return int(line) + 1, int(col) + 1


def _index(
    data: Any, path: KeyPath, keys: dict[KeyPath, Pos], values: dict[KeyPath, Pos],
    seen: set[int],
) -> None:
    """Record the position of every key, value and item under ``data``.

    A container reached twice through YAML aliases is indexed once, so that a small
    file of nested aliases cannot make this walk explode.
    """
    if id(data) in seen:
        return
    if isinstance(data, CommentedMap):
        seen.add(id(data))
        for key, value in data.items():
            if not isinstance(key, str) or key not in data.lc.data:
                continue  # merged in from an alias: its position is the alias's
            keys[path + (key,)] = _one_based(data.lc.key(key))
            here = data.lc.value(key) if value is not None else data.lc.key(key)
            values[path + (key,)] = _one_based(here)
            _index(value, path + (key,), keys, values, seen)
    elif isinstance(data, CommentedSeq):
        seen.add(id(data))
        for i, item in enumerate(data):
            if i in data.lc.data:
                values[path + (i,)] = _one_based(data.lc.item(i))
            _index(item, path + (i,), keys, values, seen)


def _find_duplicates(
    node: Node, path: KeyPath, found: list[Duplicate], seen: set[int]
) -> None:
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, MappingNode):
        first: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == _MERGE_TAG:
                continue
            key = str(key_node.value)
            mark = key_node.start_mark
            if key in first:
                found.append(Duplicate(path + (key,), (mark.line + 1, mark.column + 1),
                                       first[key]))
            else:
                first[key] = mark.line + 1
                _find_duplicates(value_node, path + (key,), found, seen)
    elif isinstance(node, SequenceNode):
        for i, item in enumerate(node.value):
            _find_duplicates(item, path + (i,), found, seen)
