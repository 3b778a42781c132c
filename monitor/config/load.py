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
from pathlib import Path

from monitor.config.located import Problems
from monitor.config.rules import check_rules
from monitor.config.settings import Config, build_config
from monitor.config.source import read_document
from monitor.config.validate import validate


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
    return build_config(clean, path, document.positions)
