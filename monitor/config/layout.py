"""Where the feeds are written in the text of feeds.yaml: the lines of each feed entry,
and where a new entry goes. Pure: text in, line numbers out.

Owns reading the layout from ruamel.yaml's node tree (each node knows the character
offsets where it starts and ends), so that ``edit`` can change the file by inserting or
deleting whole lines and leave every other byte alone: comments, blank lines, quoting
and key order. ruamel's round-trip dumper is not used for that on purpose: it attaches
a comment to the node before it, so an appended feed would land below the comment that
heads the next section, and it may reflow lines it did not need to touch.

Lines are counted from 0 and split after each ``\\n`` only (``\\r\\n`` stays on its line).
Must not: decide whether a configuration is valid, or read or write files.
"""

from __future__ import annotations

import bisect
import io
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from monitor.errors import MonitorError

DEFAULT_DASH = 2  # "  - id: ..." when the file has no feed to copy the indentation from


class LayoutError(MonitorError):
    """The file is written in a way the feed commands do not edit (said in the message)."""


@dataclass(frozen=True)
class Entry:
    """One feed entry: its id (None when it has no text id) and its lines, inclusive."""

    id: str | None
    first: int
    last: int


@dataclass(frozen=True)
class FeedsLayout:
    """The ``feeds:`` section as written.

    New entries go before line ``insert_at``, indented by ``dash`` and ``key`` columns.
    ``header`` is the text to insert first when the file has no ``feeds:`` key yet;
    ``replace`` is (line, new text) when ``feeds: []`` or ``feeds: ~`` must become a
    bare ``feeds:`` first. ``blank_between`` says the file separates entries with blank
    lines.
    """

    entries: tuple[Entry, ...]
    insert_at: int
    dash: int
    key: int
    blank_between: bool
    header: bool = False
    replace: tuple[int, str] | None = None


def split_lines(text: str) -> list[str]:
    """The lines of ``text``, each with its line break. Only "\\n" ends a line here
    (``str.splitlines`` would also break on form feeds and Unicode separators, which
    YAML keeps inside values); a "\\r\\n" ending stays with its line."""
    parts = text.split("\n")
    lines = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


class _Lines:
    """Character offsets -> line numbers."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.starts = []
        offset = 0
        for line in lines:
            self.starts.append(offset)
            offset += len(line)

    def of(self, index: int) -> int:
        return max(bisect.bisect_right(self.starts, index) - 1, 0)

    def blank(self, number: int) -> bool:
        return not self.lines[number].strip()


def feeds_layout(text: str) -> FeedsLayout:
    """The layout of the feeds in ``text`` (a whole feeds.yaml, without a BOM)."""
    try:
        root = YAML(typ="rt").compose(io.StringIO(text))
    except YAMLError as e:
        raise LayoutError(f"the file is not valid YAML: {e}") from e
    if not isinstance(root, MappingNode) or root.flow_style:
        raise LayoutError("the file's top level is not a block of 'key: value' lines")
    lines = _Lines(split_lines(text))
    feeds = next(((k, v) for k, v in root.value if _is_key(k, "feeds")), None)
    if feeds is None:
        return FeedsLayout((), _end(root, lines) + 1, DEFAULT_DASH, DEFAULT_DASH + 2,
                           blank_between=False, header=True)  # fmt: skip
    key, value = feeds
    after_key = lines.of(key.start_mark.index) + 1
    if isinstance(value, ScalarNode) and str(value.tag).endswith(":null"):
        replace = None
        if value.end_mark.index > value.start_mark.index:  # "feeds: ~" or "feeds: null"
            replace = _without(lines, value)
        return FeedsLayout((), after_key, DEFAULT_DASH, DEFAULT_DASH + 2, False, replace=replace)
    if not isinstance(value, SequenceNode):
        raise LayoutError("'feeds:' is not a list")
    if value.flow_style:
        if value.value:
            raise LayoutError(
                "the feeds are written as one [...] list; write one '- id: ...' entry per"
                " line to edit them with 'monitor feeds'"
            )
        return FeedsLayout((), after_key, DEFAULT_DASH, DEFAULT_DASH + 2, False,
                           replace=_without(lines, value))  # fmt: skip
    entries = tuple(_entry(item, text, lines) for item in value.value)
    dash, key_col = _indentation(value, text, lines)
    blank = any(
        any(lines.blank(n) for n in range(a.last + 1, b.first))
        for a, b in zip(entries, entries[1:], strict=False)
    )
    return FeedsLayout(entries, entries[-1].last + 1, dash, key_col, blank)


def _is_key(node: Node, name: str) -> bool:
    return isinstance(node, ScalarNode) and node.value == name


def _without(lines: _Lines, node: Node) -> tuple[int, str]:
    """The line holding ``node`` (``[]`` or ``~``) with the node taken out."""
    number = lines.of(node.start_mark.index)
    line = lines.lines[number]
    start = node.start_mark.index - lines.starts[number]
    end = node.end_mark.index - lines.starts[number]
    rest = line[end:]
    head = line[:start].rstrip()
    if rest.strip() and not rest[0].isspace():
        rest = " " + rest  # "feeds: []# c" -> "feeds: # c", not the key "feeds:# c"
    return number, head + rest


def _dash(item: Node, text: str) -> int:
    """Offset of the '-' that opens the list item ``item``."""
    before = text[: item.start_mark.index].rstrip()
    if not before.endswith("-"):
        raise LayoutError(
            f"cannot find the '-' of the feed entry at line {item.start_mark.line + 1}"
        )
    return len(before) - 1


def _entry(item: Node, text: str, lines: _Lines) -> Entry:
    feed_id = None
    if isinstance(item, MappingNode):
        for k, v in item.value:
            if _is_key(k, "id") and isinstance(v, ScalarNode):
                feed_id = str(v.value)
    return Entry(feed_id, lines.of(_dash(item, text)), _end(item, lines))


def _indentation(seq: SequenceNode, text: str, lines: _Lines) -> tuple[int, int]:
    """The columns of the '-' and of the keys of the first block-mapping entry."""
    for item in seq.value:
        if isinstance(item, MappingNode) and not item.flow_style:
            dash = _dash(item, text)
            dash_col = dash - lines.starts[lines.of(dash)]
            key_col = int(item.start_mark.column)
            if lines.of(dash) == lines.of(item.start_mark.index) and key_col > dash_col + 1:
                return dash_col, key_col
            return dash_col, dash_col + 2
    first = _dash(seq.value[0], text)
    dash_col = first - lines.starts[lines.of(first)]
    return dash_col, dash_col + 2


def _end(node: Node, lines: _Lines) -> int:
    """The last line holding any of ``node``'s text (trailing comments and blank lines
    after it are not its own)."""
    if isinstance(node, ScalarNode):
        start, end = node.start_mark.index, node.end_mark.index
        if node.style in ("|", ">"):
            # A block scalar runs up to the next token, blank lines included.
            last = lines.of(max(end - 1, start))
            first = lines.of(start)
            while last > first and lines.blank(last):
                last -= 1
            return last
        return lines.of(max(end - 1, start))
    if isinstance(node, MappingNode | SequenceNode):
        if node.flow_style or not node.value:
            return lines.of(max(node.end_mark.index - 1, node.start_mark.index))
        if isinstance(node, SequenceNode):
            return max(_end(item, lines) for item in node.value)
        return max(max(_end(k, lines), _end(v, lines)) for k, v in node.value)
    return lines.of(node.start_mark.index)
