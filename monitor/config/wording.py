"""How messages name a place in feeds.yaml: ``"interval" in feed "hrana-en"``.

Operators know their feeds by id and their people by name, not by list index, so a
record is named by its id (or name) when it has one and by its number otherwise.
Must not: decide what is valid.
"""

from __future__ import annotations

from typing import Any

from monitor.config.kinds import Records
from monitor.config.located import KeyPath
from monitor.config.schema import BY_PATH


def schema_path(path: KeyPath) -> str:
    """The schema path of a key path: ("feeds", 3, "interval") -> "feeds[].interval"."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += "[]"
        else:
            out = f"{out}.{part}" if out else part
    return out


def value_at(root: Any, path: KeyPath) -> Any:
    """The raw value at ``path``, or None when there is none."""
    node = root
    for part in path:
        if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
            node = node[part]
        elif isinstance(part, str) and isinstance(node, dict):
            node = node.get(part)
        else:
            return None
    return node


def _records(path: KeyPath) -> Records | None:
    setting = BY_PATH.get(schema_path(path))
    return setting.kind if setting is not None and isinstance(setting.kind, Records) else None


def record_name(path: KeyPath, root: Any) -> str:
    """'feed "hrana-en"', or 'feed #3' when the third feed has no usable id."""
    kind = _records(path[:-1])
    index = path[-1]
    assert kind is not None and isinstance(index, int)
    item = value_at(root, path)
    name = item.get(kind.name_key) if isinstance(item, dict) else None
    if isinstance(name, str) and name.strip() and "\n" not in name:
        return f'{kind.noun} "{name.strip()}"'
    return f"{kind.noun} #{index + 1}"


def owner_phrase(owner: KeyPath, root: Any) -> str:
    """Where keys of the mapping at ``owner`` live: 'in feed "x"', 'in alerts.smtp'."""
    if not owner:
        return "at the top level"
    if isinstance(owner[-1], int) and _records(owner[:-1]) is not None:
        return "in " + record_name(owner, root)
    return "in " + dotted(owner)


def dotted(path: KeyPath) -> str:
    """A key path as written in docs and messages: alerts.smtp, feeds[2].tags."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def key_phrase(path: KeyPath, root: Any) -> str:
    """The subject of a message about the value at ``path``.

    '"interval" in feed "x"', '"version"', 'item 2 of "tags" in feed "x"', 'feed #3'.
    """
    if not path:
        return "the file"
    last = path[-1]
    if isinstance(last, int):
        if _records(path[:-1]) is not None:
            return record_name(path, root)
        return f"item {last + 1} of {key_phrase(path[:-1], root)}"
    if len(path) == 1:
        return f'"{last}"'
    return f'"{last}" {owner_phrase(path[:-1], root)}'
