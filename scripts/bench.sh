#!/usr/bin/env bash
# The benchmark: Flowdesk against a raw Celery chain, on PostgreSQL, Redis and a real worker.
# Extra arguments go to `manage.py bench` (e.g. --quick, --instances 500).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/services.sh
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/flowdesk_bench}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/7}
export SECRET_KEY=${SECRET_KEY:-benchmark-only-secret-key-not-for-production-0123456789}
export DEBUG=false
# Create the benchmark database when it is missing (PostgreSQL answers "already exists" otherwise).
.venv/bin/python - <<'PY'
import os, psycopg
from urllib.parse import urlparse
url = urlparse(os.environ["DATABASE_URL"])
admin = url._replace(path="/postgres").geturl()
with psycopg.connect(admin, autocommit=True) as conn:
    exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (url.path.lstrip("/"),)).fetchone()
    if not exists:
        conn.execute(f'CREATE DATABASE "{url.path.lstrip("/")}"')
PY
exec .venv/bin/python manage.py bench "$@"
