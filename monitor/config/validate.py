"""Checking the document against the schema table, one key at a time.

Walks the loaded document along ``schema.SETTINGS``: unknown keys (with a did-you-mean
hint, and a firmer word for inline secrets), missing required keys, wrong types and
malformed values all become located problems, and the walk goes on after each so that
every problem is reported at once. The result is the document's "clean" data: plain
dicts and lists holding converted values (seconds, bytes), with no defaults applied.
List items that are not mappings stay in place as ``None`` so that indexes keep
matching the file.
Must not: check one key against another (that is ``rules``) or build settings.
"""

from __future__ import annotations

from typing import Any

from monitor.config.kinds import (
    AllOrList,
    Invalid,
    ListOf,
    Records,
    Section,
    did_you_mean,
    found,
)
from monitor.config.located import START, KeyPath, Positions, Problems
from monitor.config.schema import SECRET_KEYS, SECRET_WORDS, SETTINGS, Setting, children
from monitor.config.source import Document
from monitor.config.wording import key_phrase, owner_phrase, record_name

_INVALID = object()


def validate(document: Document, problems: Problems) -> dict[str, Any] | None:
    """The clean data of ``document``, or None when it is not a mapping at all."""
    root = document.data
    if root is None:
        problems.add(START, 'the file is empty; it needs at least the line "version: 1"')
        return None
    if not isinstance(root, dict):
        problems.add(START, "the file must be a mapping of keys such as version and feeds;"
                     f" found {found(root)}")
        return None
    version = root.get("version")
    if isinstance(version, int) and not isinstance(version, bool) and version > 1:
        problems.add(document.positions.of_value(("version",)),
                     f'"version" is {version}, but this monitor reads only version 1;'
                     " upgrade monitor to read this file")
        return None
    walker = _Walker(root, document.positions, problems)
    for duplicate in document.duplicates:
        owner = owner_phrase(duplicate.path[:-1], root)
        problems.add(duplicate.pos, f'duplicate key "{duplicate.path[-1]}" {owner}'
                     f" (first given on line {duplicate.first_line})")
    return walker.mapping(root, (), "")


class _Walker:
    def __init__(self, root: Any, positions: Positions, problems: Problems) -> None:
        self.root = root
        self.positions = positions
        self.problems = problems

    def problem(self, path: KeyPath, message: str, *, at_key: bool = False) -> None:
        pos = self.positions.of_key(path) if at_key else self.positions.of_value(path)
        self.problems.add(pos, message)

    def mapping(self, raw: dict[Any, Any], path: KeyPath, spath: str) -> dict[str, Any]:
        allowed = children(spath)
        out: dict[str, Any] = {}
        for key, value in raw.items():
            if not isinstance(key, str):
                self.problem(path, f"keys must be text; found {found(key)} as a key"
                             f" {owner_phrase(path, self.root)}")
                continue
            setting = allowed.get(key)
            if setting is None:
                self.problem(path + (key,), self.unknown(key, path, spath, allowed),
                             at_key=True)
                continue
            result = self.value(value, path + (key,), setting)
            if result is not _INVALID:
                out[key] = result
        for name, setting in allowed.items():
            if setting.required and name not in raw:
                hint = '; start the file with "version: 1"' if setting.path == "version" else ""
                self.problem(path, f'missing required key "{name}"'
                             f" {owner_phrase(path, self.root)}{hint}", at_key=True)
        return out

    def unknown(self, key: str, path: KeyPath, spath: str, allowed: dict[str, Setting]) -> str:
        where = owner_phrase(path, self.root)
        env_key = SECRET_KEYS.get(spath, {}).get(key.casefold())
        if env_key is not None:
            return (f'"{key}" {where} would put a secret in feeds.yaml, which holds none:'
                    " store it in an environment variable and give that variable's"
                    f' name as "{env_key}: VARIABLE_NAME"')
        if key.casefold() in SECRET_WORDS:
            return (f'unknown key "{key}" {where}; secrets never go in feeds.yaml: store'
                    " them in environment variables, named by *_env keys")
        hint = did_you_mean(key, list(allowed))
        if not hint:
            elsewhere = [s.path for s in SETTINGS if s.name == key]
            if elsewhere:
                hint = f'; "{key}" belongs in {" or ".join(elsewhere)} (check the indentation)'
            elif allowed:
                hint = "; the keys allowed here are " + ", ".join(allowed)
        return f'unknown key "{key}" {where}{hint}'

    def value(self, value: Any, path: KeyPath, setting: Setting) -> Any:
        kind = setting.kind
        subject = key_phrase(path, self.root)
        if isinstance(kind, Section):
            if value is None:
                return {}
            if not isinstance(value, dict):
                self.problem(path, f"{subject} {kind.mismatch(value)}")
                return _INVALID
            return self.mapping(value, path, setting.path)
        if isinstance(kind, Records):
            return self.records(value, path, setting, kind)
        if isinstance(kind, AllOrList) and value == "all":
            return "all"
        if isinstance(kind, ListOf | AllOrList):
            return self.items(value, path, setting)
        if value is None:
            self.problem(path, f"{subject} has no value; give one or remove the key")
            return _INVALID
        try:
            return kind.read(value)
        except Invalid as e:
            self.problem(path, f"{subject} {e}")
            return _INVALID

    def records(self, value: Any, path: KeyPath, setting: Setting, kind: Records) -> Any:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, f"{key_phrase(path, self.root)} {kind.mismatch(value)}")
            return _INVALID
        out: list[dict[str, Any] | None] = []
        item_spath = setting.path + "[]"
        for i, item in enumerate(value):
            if isinstance(item, dict):
                out.append(self.mapping(item, path + (i,), item_spath))
                continue
            keys = [s.name for s in SETTINGS if s.parent == item_spath and s.required]
            self.problem(path + (i,), f"{record_name(path + (i,), self.root)} must be a"
                         f" mapping with keys such as {', '.join(keys)}; found {found(item)}")
            out.append(None)
        return out

    def items(self, value: Any, path: KeyPath, setting: Setting) -> Any:
        kind = setting.kind
        assert isinstance(kind, ListOf | AllOrList)
        subject = key_phrase(path, self.root)
        if value is None:
            value = []
        if not isinstance(value, list):
            hint = f" (write [{value}])" if isinstance(value, str) and "\n" not in value else ""
            self.problem(path, f"{subject} {kind.mismatch(value)}{hint}")
            return _INVALID
        if isinstance(kind, ListOf) and kind.nonempty and not value:
            self.problem(path, f"{subject} must list at least one value")
            return _INVALID
        out: list[Any] = []
        for i, item in enumerate(value):
            try:
                if item is None:
                    raise Invalid("has no value")
                out.append(kind.item.read(item))
            except Invalid as e:
                self.problem(path + (i,), f"{key_phrase(path + (i,), self.root)} {e}")
                out.append(None)
        return out

