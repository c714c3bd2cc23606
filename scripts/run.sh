#!/usr/bin/env bash
# Run Flowdesk standalone on http://127.0.0.1:8000 (SQLite, in-process worker, demo data).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
unset DATABASE_URL REDIS_URL
export DEBUG=${DEBUG:-true}
exec .venv/bin/python manage.py standalone "$@"
