"""Archive (JSON lines) or delete finished instances older than the retention period."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from workflows.retention.purge import MODES, instances_purge, purgeable


class Command(BaseCommand):
    help = (
        "Archive to a JSON-lines file (or delete) finished instances that ended more than N days ago, "
        "in small batches that never wait on or block running work. Beat runs the same purge when "
        "FLOWDESK_RETENTION_DAYS is set."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="Default: FLOWDESK_RETENTION_DAYS.")
        parser.add_argument("--mode", choices=MODES, default=None, help="Default: FLOWDESK_RETENTION_MODE.")
        parser.add_argument("--batch", type=int, default=None, help="Default: FLOWDESK_RETENTION_BATCH.")
        parser.add_argument("--archive-dir", default=None, help="Default: FLOWDESK_RETENTION_ARCHIVE_DIR.")
        parser.add_argument("--max-batches", type=int, default=None, help="Stop after this many batches.")
        parser.add_argument("--pause", type=float, default=0.0, help="Seconds to sleep between batches.")
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be purged.")

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"] if options["days"] is not None else settings.FLOWDESK_RETENTION_DAYS
        if days is None or days <= 0:
            raise CommandError("Give --days N (N > 0) or set FLOWDESK_RETENTION_DAYS.")
        mode = options["mode"] or settings.FLOWDESK_RETENTION_MODE
        if mode not in MODES:
            raise CommandError(f"FLOWDESK_RETENTION_MODE must be one of {', '.join(MODES)}, not {mode!r}")
        if options["dry_run"]:
            from datetime import timedelta

            from django.utils import timezone

            count = purgeable(timezone.now() - timedelta(days=days)).count()
            self.stdout.write(f"{count} finished instance(s) ended more than {days} day(s) ago")
            return
        report = instances_purge(
            days=days,
            mode=mode,
            batch=options["batch"] or settings.FLOWDESK_RETENTION_BATCH,
            archive_dir=options["archive_dir"],
            max_batches=options["max_batches"],
            pause=options["pause"],
        )
        self.stdout.write(json.dumps(report.as_dict()))
