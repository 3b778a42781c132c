"""Checks that look at more than one key, or outside the file.

Unique ids and names; each feed's own URL; SMTP credentials given in pairs; digests
that have a mail server and refer to topics and people that exist; webhooks with one
address; every ``*_env`` variable set (its value is never printed); people files that
exist; topic queries that do not parse. Runs on the clean data from ``validate`` and
adds located problems.
Must not: read the people files' contents or connect to anything.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from alerts.signing import secret_key
from monitor.config.formats import EnvName, url_problem
from monitor.config.kinds import did_you_mean
from monitor.config.located import KeyPath, Positions, Problems
from monitor.config.scalars import position_in_scalar
from monitor.config.schema import SETTINGS
from monitor.config.wording import key_phrase, record_name, value_at
from monitor.match import QueryError, parse_query


def _secret_problem(value: str) -> str | None:
    """What is wrong with a webhook signing secret (several while rotating), never
    quoting it; None when every one is a usable Standard Webhooks secret."""
    for position, secret in enumerate(value.split(), start=1):
        try:
            secret_key(secret)
        except ValueError as e:
            which = f"secret {position}: " if len(value.split()) > 1 else ""
            return f"does not hold a Standard Webhooks secret ({which}{e}; expected whsec_<base64>)"
    return None


def relative_to(config_path: Path, name: str) -> Path:
    """A path written in the config, taken relative to the config file's folder."""
    return config_path.parent / Path(name).expanduser()


def records(clean: Mapping[str, Any], path: KeyPath) -> Iterator[tuple[int, dict[str, Any]]]:
    """(index, item) of each valid mapping in the list of records at ``path``."""
    node: Any = clean
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    for i, item in enumerate(node if isinstance(node, list) else []):
        if isinstance(item, dict):
            yield i, item


def concrete(clean: Any, spath: str, path: KeyPath = ()) -> Iterator[tuple[KeyPath, Any]]:
    """Every (key path, value) in the clean data for a schema path such as
    "alerts.webhooks[].url_env"."""
    head, _, rest = spath.partition(".")
    name = head.removesuffix("[]")
    if not isinstance(clean, dict) or name not in clean:
        return
    value = clean[name]
    if head.endswith("[]"):
        for i, item in enumerate(value if isinstance(value, list) else []):
            yield from concrete(item, rest, path + (name, i))
    elif rest:
        yield from concrete(value, rest, path + (name,))
    else:
        yield path + (name,), value


def check_rules(
    clean: dict[str, Any],
    root: Any,
    positions: Positions,
    problems: Problems,
    environ: Mapping[str, str],
    config_path: Path,
) -> None:
    rules = _Rules(clean, root, positions, problems)
    rules.unique(("feeds",), "id", "feed id")
    rules.unique(("feeds",), "url", "feed url")
    rules.unique(("topics",), "id", "topic id")
    rules.unique(("people",), "name", "person name")
    rules.unique(("alerts", "digests"), "id", "digest id")
    rules.unique(("alerts", "webhooks"), "id", "webhook id")
    rules.smtp()
    rules.digests()
    rules.webhooks()
    rules.environment(environ)
    rules.people_files(config_path)
    rules.queries(config_path)


class _Rules:
    def __init__(
        self, clean: dict[str, Any], root: Any, positions: Positions, problems: Problems
    ) -> None:
        self.clean = clean
        self.root = root
        self.positions = positions
        self.problems = problems

    def add(self, path: KeyPath, message: str) -> None:
        self.problems.add(self.positions.of_value(path), message)

    def unique(self, path: KeyPath, key: str, label: str) -> None:
        first: dict[str, KeyPath] = {}
        for i, item in records(self.clean, path):
            value = item.get(key)
            if not isinstance(value, str):
                continue
            folded = value.casefold()
            if folded in first:
                line = self.positions.of_value(first[folded])[0]
                self.add(path + (i, key), f'duplicate {label} "{value}"'
                         f" (first used on line {line})")
            else:
                first[folded] = path + (i, key)

    def smtp(self) -> None:
        smtp = self.clean.get("alerts", {}).get("smtp")
        if not smtp:
            return
        pair = ("username_env", "password_env")
        for given, other in (pair, pair[::-1]):
            if given in smtp and other not in smtp:
                self.add(("alerts", "smtp", given), f'"{given}" in alerts.smtp needs'
                         f' "{other}" too; give both or neither')

    def digests(self) -> None:
        alerts = self.clean.get("alerts", {})
        # Judged on the raw file: an smtp section with mistakes is reported already.
        if alerts.get("digests") and value_at(self.root, ("alerts", "smtp")) is None:
            self.problems.add(self.positions.of_key(("alerts", "digests")),
                              "digests are sent by e-mail and need alerts.smtp; add it,"
                              " or remove alerts.digests")
        topic_ids = [t["id"] for _, t in records(self.clean, ("topics",)) if "id" in t]
        names = [p["name"] for _, p in records(self.clean, ("people",)) if "name" in p]
        # People from people_files are known only once those files are read.
        check_people = not self.clean.get("people_files")
        for i, digest in records(self.clean, ("alerts", "digests")):
            here: KeyPath = ("alerts", "digests", i)
            selected = [digest.get(k, "all") for k in ("topics", "people")]
            if selected == [[], []]:
                self.add(here, f"{record_name(here, self.root)} selects no topics and no"
                         " people, so it would never report anything")
            self.references(here + ("topics",), digest.get("topics"), topic_ids,
                            "topic in this file has that id")
            if check_people:
                self.references(here + ("people",), digest.get("people"), names,
                                "person in this file has that name")

    def references(self, path: KeyPath, chosen: Any, known: list[str], none: str) -> None:
        if not isinstance(chosen, list):
            return
        for j, value in enumerate(chosen):
            if isinstance(value, str) and value not in known:
                self.add(path + (j,), f'{key_phrase(path + (j,), self.root)} is "{value}",'
                         f" but no {none}{did_you_mean(value, known)}")

    def webhooks(self) -> None:
        for i, hook in records(self.clean, ("alerts", "webhooks")):
            here: KeyPath = ("alerts", "webhooks", i)
            name = record_name(here, self.root)
            if "url" in hook and "url_env" in hook:
                self.add(here + ("url_env",), f'{name} has both "url" and "url_env";'
                         " give only one")
                continue
            # Check the raw item: a url that failed validation is reported already.
            raw = value_at(self.root, here)
            if isinstance(raw, dict) and "url" not in raw and "url_env" not in raw:
                self.add(here, f'missing required key "url" or "url_env" in {name}')

    def environment(self, environ: Mapping[str, str]) -> None:
        for setting in SETTINGS:
            if not isinstance(setting.kind, EnvName):
                continue
            for path, name in concrete(self.clean, setting.path):
                if not isinstance(name, str):
                    continue
                subject = f"environment variable {name}, named by {key_phrase(path, self.root)},"
                value = environ.get(name)
                if value is None:
                    self.add(path, f"{subject} is not set")
                elif not value.strip():
                    self.add(path, f"{subject} is empty")
                elif setting.name == "url_env" and url_problem(value.strip()):
                    # The address may be secret: say what is wrong, never what it is.
                    self.add(path, f"{subject} does not hold an http:// or https:// address")
                elif setting.name == "secret_env" and (problem := _secret_problem(value)):
                    self.add(path, f"{subject} {problem}")

    def queries(self, config_path: Path) -> None:
        """Malformed topic queries, at the line and column of the offending character,
        found with every other problem (the matcher, built later, finds the rest)."""
        lines: list[str] | None = None
        for i, topic in records(self.clean, ("topics",)):
            query = topic.get("query")
            if not isinstance(query, str):
                continue
            try:
                parse_query(query)
            except QueryError as e:
                if lines is None:
                    lines = config_path.read_text(encoding="utf-8-sig").splitlines()
                start = self.positions.of_value(("topics", i, "query"))
                for column, message in e.problems:
                    where = position_in_scalar(lines, start, column)
                    self.problems.add(where, f'query of topic "{topic.get("id")}": {message}')

    def people_files(self, config_path: Path) -> None:
        for path, names in concrete(self.clean, "people_files"):
            for j, name in enumerate(names if isinstance(names, list) else []):
                if not isinstance(name, str):
                    continue
                found = relative_to(config_path, name)
                if not found.is_file():
                    state = "is not a file" if found.exists() else "does not exist"
                    self.add(path + (j,), f'people file "{name}" {state} (looked for {found})')
