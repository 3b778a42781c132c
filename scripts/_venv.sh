# Sourced by scripts/run and scripts/test: makes .venv with the project installed.
# Reinstalls only when pyproject.toml changed, so repeated runs start fast.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
python="${PYTHON:-python3.11}"
command -v "$python" >/dev/null 2>&1 || python=python3
extras="$1"
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
# the C extension is built by the install: a change to it reinstalls too
stamp=".venv/.installed-$(cat pyproject.toml setup.py monitor/match/_chunks.c | sha256sum | cut -c1-16)-${extras}"
if [ ! -e "$stamp" ]; then
  echo "setting up .venv (first run only; log in .venv/install.log)..." >&2
  # Build-backend chatter goes to the log; it is shown only when the install fails.
  if ! { .venv/bin/python -m pip install --upgrade pip \
         && .venv/bin/python -m pip install -e ".[${extras}]"; } >.venv/install.log 2>&1; then
    cat .venv/install.log >&2
    echo "set-up failed; see the messages above" >&2
    exit 1
  fi
  touch "$stamp"
fi
