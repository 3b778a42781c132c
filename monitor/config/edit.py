"""Adding and removing feeds in feeds.yaml, keeping every other byte of the file.

Owns the one way the program writes the operator's file: new text is made by inserting
or deleting whole lines where ``layout`` says the feeds are, written to a temporary
file beside the original, loaded with ``load_config`` (the same checks as ``monitor
check``), compared with what was asked for, and only then moved over the original
(``os.replace``, so a reader sees the old file or the new one, never half of each). A
change that would make the configuration invalid is never written.

Must not: fetch, print or ask anything; choose ids or names (the caller does).
"""

from __future__ import annotations

import errno
import io
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from monitor.config.layout import FeedsLayout, LayoutError, feeds_layout, split_lines
from monitor.config.load import load_config
from monitor.config.settings import Config
from monitor.errors import ConfigError, ConfigProblem, MonitorError

BOM = "\ufeff"
# The keys of a new entry, in the order the documentation writes them.
KEY_ORDER = ("id", "name", "url", "label", "language", "country", "interval", "tags",
             "enabled")  # fmt: skip


class EditError(MonitorError):
    """The edit was refused and the file left as it was; ``problems`` are those the
    edited text would have had."""

    def __init__(self, message: str, problems: Sequence[ConfigProblem] = ()) -> None:
        super().__init__(message)
        self.problems = tuple(problems)


class WriteError(MonitorError):
    """The file could not be written (permissions, a read-only mount): a runtime failure,
    not a refusal."""


@dataclass(frozen=True)
class NewFeed:
    """A feed entry to write: only the keys given are written (defaults apply to the
    rest). Values are written as the operator would type them ("30m", not 1800)."""

    id: str
    url: str
    name: str | None = None
    label: str | None = None
    language: str | None = None
    country: str | None = None
    interval: str | None = None
    tags: tuple[str, ...] = ()
    enabled: bool = True

    def items(self) -> list[tuple[str, str]]:
        """(key, YAML text of the value) in ``KEY_ORDER``, for the keys given."""
        out: list[tuple[str, str]] = []
        for key in KEY_ORDER:
            value = getattr(self, key)
            if key == "tags":
                if value:
                    out.append((key, "[" + ", ".join(yaml_text(t, flow=True) for t in value)
                                + "]"))  # fmt: skip
            elif key == "enabled":
                if not value:
                    out.append((key, "false"))
            elif value is not None:
                out.append((key, yaml_text(value)))
        return out


@dataclass(frozen=True)
class Edited:
    """The file's new text and the lines (0-based, in the new text) that are new."""

    text: str
    new_lines: range


def yaml_text(value: str, *, flow: bool = False) -> str:
    """``value`` as YAML reads it back as the same text: plain when that is so (most
    names and addresses), else double-quoted."""
    plain = value == value.strip() and value != "" and "\n" not in value
    if plain and _reads_back(value, flow):
        return value
    quoted = '"' + "".join(_escape(c) for c in value) + '"'
    return quoted


def _escape(char: str) -> str:
    if char in '"\\':
        return "\\" + char
    if char == "\n":
        return "\\n"
    if char == "\t":
        return "\\t"
    if ord(char) < 0x20 or char in "\x7f\x85\u2028\u2029\ufeff":
        return f"\\u{ord(char):04x}"
    return char


def _reads_back(text: str, flow: bool) -> bool:
    document = f"k: [{text}]\n" if flow else f"k: {text}\n"
    try:
        data = YAML(typ="rt").load(io.StringIO(document))
    except YAMLError:
        return False
    value = data.get("k") if hasattr(data, "get") else None
    if flow:
        return isinstance(value, list) and len(value) == 1 and _same(value[0], text)
    return _same(value, text)


def _same(value: object, text: str) -> bool:
    # Dates, numbers and booleans load as other types, so they are quoted.
    return isinstance(value, str) and str(value) == text


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _entry_lines(feed: NewFeed, layout: FeedsLayout, newline: str) -> list[str]:
    lines = []
    for i, (key, value) in enumerate(feed.items()):
        if i == 0:
            gap = " " * (layout.key - layout.dash - 1)
            lines.append(" " * layout.dash + "-" + gap + f"{key}: {value}{newline}")
        else:
            lines.append(" " * layout.key + f"{key}: {value}{newline}")
    return lines


def append_feeds(text: str, feeds: Sequence[NewFeed]) -> Edited:
    """``text`` with ``feeds`` added after the last feed entry (before any comment that
    follows it), indented as the file's entries are."""
    layout = feeds_layout(text)
    lines = split_lines(text)
    newline = _newline(text)
    if layout.replace is not None:
        number, replacement = layout.replace
        lines[number] = replacement
    at = layout.insert_at
    if at > 0 and at <= len(lines) and not lines[at - 1].endswith("\n"):
        lines[at - 1] += newline  # the file ended without a line break
    block: list[str] = ["feeds:" + newline] if layout.header else []
    for i, feed in enumerate(feeds):
        if layout.blank_between and (layout.entries or i > 0):
            block.append(newline)
        block += _entry_lines(feed, layout, newline)
    new = lines[:at] + block + lines[at:]
    return Edited("".join(new), range(at, at + len(block)))


def remove_feed(text: str, feed_id: str) -> Edited:
    """``text`` without the lines of the entry whose id is ``feed_id`` (the comments and
    blank lines around it stay). ``new_lines`` is empty; it starts where they were."""
    layout = feeds_layout(text)
    found = [e for e in layout.entries if e.id == feed_id]
    if not found:
        raise EditError(f'no feed with id "{feed_id}" is written in the file')
    entry = found[0]
    lines = split_lines(text)
    return Edited("".join(lines[: entry.first] + lines[entry.last + 1 :]),
                  range(entry.first, entry.first))  # fmt: skip


def read_text(path: Path) -> tuple[bytes, str, bool]:
    """The file's bytes, its text without a BOM, and whether it had one."""
    raw = path.read_bytes()
    text = raw.decode("utf-8")
    return raw, text.removeprefix(BOM), text.startswith(BOM)


def write_checked(
    path: Path,
    before: bytes,
    text: str,
    *,
    bom: bool,
    environ: Mapping[str, str],
    check: Callable[[Config], str | None],
) -> Config:
    """Replace ``path`` with ``text`` if it loads as a valid configuration and ``check``
    (given that configuration) returns None; else raise ``EditError`` and leave the file
    alone. ``before`` is the file as read: if it changed since, nothing is written."""
    target = path.resolve()  # through a symlink: replace the file, not the link
    data = ((BOM if bom else "") + text).encode("utf-8")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as e:
        raise WriteError(f"cannot write beside {path}: {e.strerror or e}") from e
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        shutil.copymode(target, temporary)
        try:
            config = load_config(temporary, environ)
        except ConfigError as e:
            problems = [_relocate(p, temporary, path) for p in e.problems]
            raise EditError(f"the change would make {path} invalid", problems) from e
        wrong = check(config)
        if wrong is not None:
            raise EditError(f"the change did not come out as intended ({wrong})")
        if target.read_bytes() != before:
            raise EditError(f"{path} was changed by someone else meanwhile; run the command again")
        _replace(temporary, target, data)
        return config
    except OSError as e:
        raise WriteError(f"cannot write {path}: {e.strerror or e}") from e
    finally:
        temporary.unlink(missing_ok=True)


def _replace(temporary: Path, target: Path, data: bytes) -> None:
    """Move the checked file into place; where the file itself is a mount point (a
    container's single-file bind mount: EBUSY) or on another device, write it in place
    instead, which is not atomic but is the same checked bytes."""
    try:
        os.replace(temporary, target)
    except OSError as e:
        if e.errno not in (errno.EBUSY, errno.EXDEV):
            raise
        with target.open("r+b") as out:
            out.write(data)
            out.truncate()
            out.flush()
            os.fsync(out.fileno())


def _relocate(problem: ConfigProblem, temporary: Path, path: Path) -> ConfigProblem:
    if problem.file != str(temporary):
        return problem
    return ConfigProblem(str(path), problem.line, problem.column, problem.message)


__all__ = [
    "EditError",
    "Edited",
    "WriteError",
    "LayoutError",
    "NewFeed",
    "append_feeds",
    "read_text",
    "remove_feed",
    "write_checked",
    "yaml_text",
]
