"""Verify the tamper-evident execution event chains (workflows.audit)."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from workflows.audit.verify import BATCH, audit_verify


class Command(BaseCommand):
    help = (
        "Check every instance's execution events: numbered without gaps, each sealed over its "
        "content and linked to the previous event's hash. Prints the first broken link of each "
        "broken chain and exits with status 1 when there is one. Also checks the keyed seals of "
        "finished instances (a chain rewritten with every hash recomputed fails its seal)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--instance", action="append", dest="instances", help="Only this instance id (repeatable)."
        )
        parser.add_argument(
            "--batch", type=int, default=BATCH, help=f"Instances per query (default {BATCH})."
        )
        parser.add_argument("--first", action="store_true", help="Stop at the first broken chain.")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        report = audit_verify(
            instance_ids=options["instances"], batch=max(1, options["batch"]), stop_at_first=options["first"]
        )
        took = time.monotonic() - started
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"OK: {report.events} events of {report.instances} instances and {report.seals} seals "
                    f"verified in {took:.1f}s"
                )
            )
            return
        assert report.broken is not None
        first = report.broken[0]
        self.stdout.write(self.style.ERROR(f"First broken link: {first}"))
        for link in report.broken[1:]:
            self.stdout.write(f"Also broken: {link}")
        raise CommandError(
            f"{len(report.broken)} broken chain(s) among {report.instances} instances", returncode=1
        )
