#!/usr/bin/env bash
# Set up a checkout: virtual environment, Python packages, front-end build.
# Idempotent and quick when nothing changed (stamps in .venv/ and static/designer/).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

if [ ! -x .venv/bin/python ]; then
  echo "==> Creating the virtual environment (.venv) with $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi

stamp=".venv/.flowdesk-installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "==> Installing Python packages"
  .venv/bin/python -m pip install --quiet --upgrade pip
  # Install the dependencies pyproject.toml declares (the app itself runs from the checkout).
  .venv/bin/python - <<'PY' > .venv/requirements.txt
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
print("\n".join(project["dependencies"] + project["optional-dependencies"]["dev"]))
PY
  .venv/bin/python -m pip install --quiet -r .venv/requirements.txt
  rm -f .venv/.flowdesk-installed-*
  touch "$stamp"
fi

frontend=designer/frontend
if [ -f "$frontend/package.json" ]; then
  lock_stamp="$frontend/node_modules/.flowdesk-lock-$(sha256sum "$frontend/package-lock.json" | cut -c1-16)"
  if [ ! -f "$lock_stamp" ]; then
    echo "==> Installing front-end packages (npm ci)"
    (cd "$frontend" && npm ci --no-audit --no-fund --loglevel=error)
    touch "$lock_stamp"
  fi
  manifest=static/designer/.vite/manifest.json
  if [ ! -f "$manifest" ] || [ -n "$(find "$frontend/src" "$frontend/index.html" "$frontend/package.json" "$frontend/vite.config.ts" -newer "$manifest" -print -quit 2>/dev/null)" ]; then
    echo "==> Building the designer"
    (cd "$frontend" && npm run --silent build)
  fi
fi
