"""feeds.yaml + environment -> validated, frozen settings, with FILE:LINE:COL errors.

Public API: ``load_config(path, environ=None) -> Config``, raising ``ConfigError``
with every problem found; ``Config``; and ``SETTINGS``, the schema as one table
(key path, kind, default, help) that docs/configuration.md follows.

Inside, one module per step:

    source.py     file -> YAML data with positions (YAML is read here, and in layout.py)
    schema.py     the table of every key; kinds.py, formats.py, units.py: value kinds
    validate.py   data vs table: unknown, missing, mistyped, malformed keys
    rules.py      keys vs each other and the environment: uniqueness, references, env
    settings.py   clean data -> Config, defaults applied
    wording.py    how messages name places; located.py: positions and problems
    scalars.py    where a character of a (folded) scalar was written
    layout.py     where the feed entries sit in the text (for edits)
    edit.py       comment-preserving edits of the file, validated before replacing it
    unlisted.py   a feed not in the file, with the file's defaults (feeds test URL)

Must not: hold configuration in module globals; settings travel as arguments.
"""

from monitor.config.load import load_config
from monitor.config.schema import SETTINGS, Setting
from monitor.config.settings import Config

__all__ = ["SETTINGS", "Config", "Setting", "load_config"]
