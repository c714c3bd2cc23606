#!/usr/bin/env bash
# Run Flowdesk standalone on http://127.0.0.1:8000 (SQLite, in-process worker, demo data).
# Extra arguments go to `manage.py standalone` (--host, --port, --no-demo, --worker-threads).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
unset DATABASE_URL REDIS_URL
# Production-like pages (no debug pages or tracebacks), served over plain HTTP on this machine.
export DEBUG=${DEBUG:-false}
mkdir -p var
if [ -z "${SECRET_KEY:-}" ]; then
  [ -s var/secret_key ] || .venv/bin/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
  SECRET_KEY=$(cat var/secret_key)
  export SECRET_KEY
fi
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-false}
export SESSION_COOKIE_SECURE=${SESSION_COOKIE_SECURE:-false}
export CSRF_COOKIE_SECURE=${CSRF_COOKIE_SECURE:-false}
export SECURE_HSTS_SECONDS=${SECURE_HSTS_SECONDS:-0}
echo "==> Starting Flowdesk (migrations, demo data, web server, worker and beat)…"
exec .venv/bin/python manage.py standalone "$@"
