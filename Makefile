# Flowdesk: the two commands are `make run` and `make test`.
.PHONY: run test bench lint format clean

run:  ## Set up and run standalone on http://127.0.0.1:8000 with demo data
	scripts/run.sh

test:  ## Set up and run the whole test suite (PostgreSQL, Redis, Celery, chromium)
	scripts/test.sh

bench:  ## Run the benchmark against PostgreSQL and Redis; prints a table, writes bench-results/
	scripts/bench.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

format:
	.venv/bin/ruff format . && .venv/bin/ruff check --fix .

clean:
	rm -rf var/ staticfiles/ static/designer/ .pytest_cache .ruff_cache
