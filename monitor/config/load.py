"""``load_config``: feeds.yaml + environment -> ``Config``, or every problem at once.

The steps, each adding to one list of located problems: read and parse the file
(``source``), check it against the schema table (``validate``), check keys against
each other and the environment (``rules``). Only a file with no problem at all is
built into a ``Config`` (``settings``).
Must not: print, exit, or read the environment except through ``environ``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from monitor.config.kinds import did_you_mean
from monitor.config.located import Problems
from monitor.config.people_csv import read_people_files
from monitor.config.rules import check_rules
from monitor.config.settings import Config, build_config
from monitor.config.source import read_document
from monitor.config.validate import validate
from monitor.errors import ConfigError, ConfigProblem


def load_config(path: Path, environ: Mapping[str, str] | None = None) -> Config:
    """Load and validate the configuration at ``path``.

    ``environ`` (default: ``os.environ``) is where ``*_env`` variables are looked up;
    only whether they are set is checked here, and their values are never reported.
    Raises ``ConfigError`` holding every problem found, in file order.
    """
    path = Path(path)
    problems = Problems(str(path))
    document = read_document(path, problems)
    if document is None:
        raise problems.error()
    clean = validate(document, problems)
    if clean is None:
        raise problems.error()
    env = os.environ if environ is None else environ
    check_rules(clean, document.data, document.positions, problems, env, path)
    if problems:
        raise problems.error()
    config = build_config(clean, path, document.positions)
    if not config.people_files:
        return config
    file_people, csv_problems = read_people_files(
        config.people_files, (p["name"] for p in config.people)
    )
    config = replace(config, file_people=file_people)
    csv_problems += unknown_digest_people(config)
    if csv_problems:
        raise ConfigError(csv_problems)
    return config


def unknown_digest_people(config: Config) -> list[ConfigProblem]:
    """Digest people that are neither in feeds.yaml nor in a people file.

    Checked here rather than with the other rules because the names in people files
    are known only once the files are read.
    """
    names = [p["name"] for p in config.all_people]
    problems = []
    for i, digest in enumerate((config.alerts or {}).get("digests") or ()):
        chosen = digest.get("people")
        if not isinstance(chosen, tuple):
            continue
        for j, name in enumerate(chosen):
            if name not in names:
                line, col = config.locate("alerts", "digests", i, "people", j)
                problems.append(
                    ConfigProblem(
                        str(config.path),
                        line,
                        col,
                        f'digest "{digest["id"]}" names the person "{name}", but nobody in'
                        f" feeds.yaml or its people files has that name{did_you_mean(name, names)}",
                    )
                )
    return problems
