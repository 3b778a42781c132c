"""``people_files``: CSV watchlists of many people, read and checked with located errors.

Columns (a header row is required; order is free): ``name`` (required), ``aliases``
(separated by ``;``), ``severity`` (``urgent`` or ``digest``, default ``digest``),
``notes``, ``allow_single_word`` (``true``/``false``, default false), ``role``
(``subject`` or ``official``, default ``subject``, as ``people[].role``). Files are UTF-8
(a BOM is accepted, as spreadsheets write one). Each problem is reported as
``FILE:LINE:COL`` in the CSV file itself, so an operator can open it at the row.
Must not: decide how names match (the match stage does) or read feeds.yaml.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from monitor.config.kinds import did_you_mean
from monitor.errors import ConfigProblem

COLUMNS = ("name", "aliases", "severity", "notes", "allow_single_word", "role")
ROLES = ("subject", "official")  # as schema.PERSON_ROLES
SEVERITIES = ("urgent", "digest")
BOOLEANS = MappingProxyType({"true": True, "yes": True, "1": True, "false": False, "no": False,
                             "0": False, "": False})  # fmt: skip


def _read_text(path: Path, problems: list[ConfigProblem]) -> str | None:
    try:
        data = path.read_bytes()
    except OSError as e:
        problems.append(ConfigProblem(str(path), 1, 1, f"cannot read people file: {e.strerror}"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        problems.append(
            ConfigProblem(str(path), line, 1, "people file is not UTF-8; save it as UTF-8 CSV")
        )
        return None


def _columns(row: list[str], path: Path, problems: list[ConfigProblem]) -> dict[str, int] | None:
    header = [c.strip().lower() for c in row]
    found: dict[str, int] = {}
    col = 1
    for i, name in enumerate(header):
        if name in COLUMNS:
            found[name] = i
        elif name:
            hint = did_you_mean(name, list(COLUMNS))
            problems.append(
                ConfigProblem(
                    str(path),
                    1,
                    col,
                    f'unknown column "{name}"{hint}; the columns are {", ".join(COLUMNS)}',
                )  # fmt: skip
            )
        col += len(row[i]) + 1
    if "name" not in found:
        problems.append(ConfigProblem(str(path), 1, 1, 'people file needs a "name" column'))
        return None
    return found


def read_people_file(path: Path, problems: list[ConfigProblem]) -> list[Mapping[str, Any]]:
    """People in one CSV file, each with ``source`` = (file, line); problems appended."""
    text = _read_text(path, problems)
    if text is None:
        return []
    rows = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(rows)
    except (StopIteration, csv.Error):
        problems.append(ConfigProblem(str(path), 1, 1, "people file is empty; it needs a header"))
        return []
    columns = _columns(header, path, problems)
    if columns is None:
        return []
    people: list[Mapping[str, Any]] = []
    try:
        for row in rows:
            line = rows.line_num
            if not any(cell.strip() for cell in row):
                continue
            person = _person(row, columns, path, line, problems)
            if person is not None:
                people.append(person)
    except csv.Error as e:
        problems.append(ConfigProblem(str(path), rows.line_num, 1, f"malformed CSV: {e}"))
    return people


def _cell(row: list[str], columns: dict[str, int], name: str) -> str:
    i = columns.get(name)
    return row[i].strip() if i is not None and i < len(row) else ""


def _person(
    row: list[str], columns: dict[str, int], path: Path, line: int, problems: list[ConfigProblem]
) -> Mapping[str, Any] | None:
    def problem(column: str, message: str) -> None:
        col = sum(len(c) + 1 for c in row[: columns.get(column, 0)]) + 1
        problems.append(ConfigProblem(str(path), line, col, message))

    name = _cell(row, columns, "name")
    if not name:
        problem("name", "empty name; every row needs one")
        return None
    severity = _cell(row, columns, "severity").lower() or "digest"
    if severity not in SEVERITIES:
        problem("severity", f'severity of "{name}" is "{severity}"; use urgent or digest')
    single = _cell(row, columns, "allow_single_word").lower()
    if single not in BOOLEANS:
        problem("allow_single_word", f'allow_single_word of "{name}" is "{single}"; use'
                " true or false")  # fmt: skip
    role = _cell(row, columns, "role").lower() or "subject"
    if role not in ROLES:
        problem("role", f'role of "{name}" is "{role}"; use subject or official')
    aliases = tuple(a.strip() for a in _cell(row, columns, "aliases").split(";") if a.strip())
    return MappingProxyType({
        "name": name,
        "aliases": aliases,
        "severity": severity,
        "notes": _cell(row, columns, "notes") or None,
        "allow_single_word": BOOLEANS.get(single, False),
        "role": role if role in ROLES else "subject",
        "source": (str(path), line),
    })  # fmt: skip


def read_people_files(
    paths: Iterable[Path], known: Iterable[str]
) -> tuple[tuple[Mapping[str, Any], ...], list[ConfigProblem]]:
    """Everyone in ``paths``; a name already in ``known`` (feeds.yaml) or in an earlier
    row is a problem at the later row, naming where the first one is."""
    problems: list[ConfigProblem] = []
    seen: dict[str, str] = {n.casefold(): "feeds.yaml" for n in known}
    people: list[Mapping[str, Any]] = []
    for path in paths:
        for person in read_people_file(path, problems):
            folded = person["name"].casefold()
            file, line = person["source"]
            if folded in seen:
                message = f'"{person["name"]}" is listed twice; the first is in {seen[folded]}'
                problems.append(ConfigProblem(file, line, 1, message))
                continue
            seen[folded] = f"{file}:{line}"
            people.append(person)
    return tuple(people), problems
