"""Where a character of a YAML scalar's value was written in the file.

A query may be folded over several lines (``>-``), quoted, or plain; a problem the
query parser finds at an offset into the string must be shown at the line and column
an editor jumps to. Must not: parse YAML (it reads the file's lines as text).
"""

from __future__ import annotations

from collections.abc import Sequence


def _segments(lines: Sequence[str], start: tuple[int, int]) -> list[tuple[int, int, str]]:
    """(line, column, text) pieces of a scalar whose value starts at ``start`` (1-based)."""
    line_no, col = start
    if not 1 <= line_no <= len(lines):
        return []
    first = lines[line_no - 1]
    head = first[col - 1 : col]
    pieces: list[tuple[int, int, str]] = []
    if head in (">", "|"):  # block scalar: content is on the following, more indented lines
        indent_of_key = len(first) - len(first.lstrip())
        base: int | None = None  # the block's indentation, set by its first content line
        for n in range(line_no + 1, len(lines) + 1):
            text = lines[n - 1]
            indent = len(text) - len(text.lstrip())
            if text.strip() and indent <= indent_of_key:
                break
            if base is None and text.strip():
                base = indent
            # Lines indented deeper than the block keep their extra spaces in the value.
            cut = min(indent, base if base is not None else indent)
            pieces.append((n, cut + 1, text[cut:].rstrip()))
        return pieces
    skip = 1 if head in ('"', "'") else 0
    pieces.append((line_no, col + skip, first[col - 1 + skip :]))
    indent_of_key = len(first) - len(first.lstrip())
    for n in range(line_no + 1, len(lines) + 1):  # plain or quoted scalars may fold too
        text = lines[n - 1]
        indent = len(text) - len(text.lstrip())
        if not text.strip() or indent <= indent_of_key:
            break
        pieces.append((n, indent + 1, text.strip()))
    return pieces


def position_in_scalar(
    lines: Sequence[str], start: tuple[int, int], offset: int
) -> tuple[int, int]:
    """1-based (line, column) of character ``offset`` of a scalar's value.

    YAML folds a multi-line scalar by joining its lines with one space (or a newline),
    so each line of the file holds the next piece of the string, one separator apart.
    """
    remaining = offset
    pieces = _segments(lines, start)
    for line, col, text in pieces:
        if remaining <= len(text):
            return line, col + remaining
        remaining -= len(text) + 1
    return pieces[-1][0] if pieces else start[0], pieces[-1][1] if pieces else start[1]
