"""Run all of Flowdesk in one process: migrations, demo data, daphne, a Celery worker and beat."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Apply migrations, load demo data (unless --no-demo) and serve HTTP and WebSocket with daphne "
        "while a Celery worker and beat run inside the same process. Ctrl-C stops everything."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Interface to listen on (default 127.0.0.1).")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on (default 8000).")
        parser.add_argument("--no-demo", action="store_true", help="Do not create demo users and workflows.")
        parser.add_argument(
            "--worker-threads", type=int, default=4, help="Celery worker threads (default 4)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.REDIS_URL:
            raise CommandError(
                "standalone runs without Redis; unset REDIS_URL, or run daphne, celery worker and celery beat "
                "separately (see the README's production section)."
            )
        call_command("migrate", interactive=False, verbosity=0)
        # Static files are served from the source folders (WhiteNoise finders); an empty
        # STATIC_ROOT keeps WhiteNoise from warning that it is missing.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        if not options["no_demo"]:
            from workflows.demo.loader import load_demo_data

            logins = load_demo_data()
            self._print_logins(logins, options["host"], options["port"])
        self._serve(options["host"], options["port"], options["worker_threads"])

    def _print_logins(self, logins: list[tuple[str, str, str]], host: str, port: int) -> None:
        self.stdout.write(self.style.SUCCESS(f"\nFlowdesk is starting on http://{host}:{port}/\n"))
        self.stdout.write("Demo logins (username / password — role):")
        for username, password, role in logins:
            self.stdout.write(f"  {username:<10} / {password:<14} — {role}")
        self.stdout.write("")

    def _serve(self, host: str, port: int, worker_threads: int) -> None:
        from daphne.endpoints import build_endpoint_description_strings
        from daphne.server import Server

        from config.asgi import application
        from config.celery import app as celery_app
        from workflows.runtime.embedded import EmbeddedCelery

        embedded = EmbeddedCelery(
            celery_app,
            concurrency=worker_threads,
            schedule_filename=str(settings.VAR_DIR / "celerybeat-schedule"),
        )
        embedded.start()
        try:
            server = Server(
                application=application,
                endpoints=build_endpoint_description_strings(host=host, port=port),
                signal_handlers=True,
                verbosity=1,
            )
            server.run()  # returns on Ctrl-C / SIGTERM
        finally:
            self.stdout.write("Stopping the worker and beat…")
            embedded.stop()
            self.stdout.write("Flowdesk stopped.")
