#!/usr/bin/env bash
# The whole test suite against real PostgreSQL, Redis, Celery workers and Debian's chromium.
# Extra arguments go to pytest (e.g. scripts/test.sh tests/unit -x).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh
scripts/services.sh
scripts/chromium.sh

export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/flowdesk}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}

echo "==> Lint (ruff)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "==> Types (mypy --strict on the engine core and the expression language)"
.venv/bin/mypy

if [ -f designer/frontend/package.json ]; then
  echo "==> Front-end unit tests (vitest)"
  (cd designer/frontend && npm test --silent)
fi

echo "==> Tests (pytest) on $DATABASE_URL and $REDIS_URL"
.venv/bin/python -m pytest "$@"
