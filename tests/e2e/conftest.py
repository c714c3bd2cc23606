"""End-to-end fixtures: Debian's chromium driven by Playwright against real Flowdesk processes.

The browser is /usr/bin/chromium launched by path (never a downloaded browser). The app
under test is daphne (HTTP + WebSocket) and a Celery worker, both on the PostgreSQL test
database and Redis, so a test sees exactly what a user would.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.processes import (
    celery_worker_args,
    daphne_args,
    free_port,
    process_env,
    running,
    wait_for_http,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)
    if any("/e2e/" in str(item.path) for item in items) and not Path(CHROMIUM).exists():
        raise pytest.UsageError(
            f"browser tests need Debian's chromium at {CHROMIUM} (scripts/chromium.sh installs it)"
        )


@pytest.fixture(autouse=True)
def fast_password_hashing() -> None:
    """Keep the real password hashers: users made here sign in through the live server,
    which would reject the fast in-process hasher tests/conftest.py installs elsewhere."""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@dataclass(frozen=True)
class LiveApp:
    url: str

    def __call__(self, path: str) -> str:
        return self.url + path


@pytest.fixture
def live_app(test_database_url: str, tmp_path: Path) -> Iterator[LiveApp]:
    """Flowdesk served by daphne with a Celery worker, on the test database (transactional)."""
    port = free_port()
    env = process_env({"DATABASE_URL": test_database_url, "DEBUG": "false"})
    with (
        running(celery_worker_args(concurrency=2), env, log=tmp_path / "worker.log"),
        running(daphne_args(port), env, log=tmp_path / "daphne.log") as web,
    ):
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + "/accounts/login/", timeout=30, process=web)
        yield LiveApp(base)


def login(page, live_app: LiveApp, username: str, password: str) -> None:  # type: ignore[no-untyped-def]
    """Sign in through the real login form."""
    page.goto(live_app("/accounts/login/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
