from __future__ import annotations

import sys
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from houbei.duty import indicators


class Command(BaseCommand):
    help = "Check (--verify) or rebuild (--rebuild) the service indicators from the records."

    def add_arguments(self, parser: ArgumentParser) -> None:
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument(
            "--verify",
            action="store_true",
            help="recompute everything, report differences, exit 1 if any",
        )
        action.add_argument(
            "--rebuild",
            action="store_true",
            help="replace the stored indicators with a recomputation",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["rebuild"]:
            rows = indicators.rebuild()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Rebuilt {rows} indicator rows in {time.perf_counter() - started:.1f} s."
                )
            )
            return
        differences = indicators.verify()
        elapsed = time.perf_counter() - started
        if not differences:
            self.stdout.write(
                self.style.SUCCESS(f"Indicators match a full recomputation ({elapsed:.1f} s).")
            )
            return
        for difference in differences[:50]:
            self.stderr.write(
                f"person {difference.person_id} campaign {difference.campaign_key or 'overall'}: "
                f"{difference.field} stored {difference.stored!r}, "
                f"recomputed {difference.expected!r}"
            )
        if len(differences) > 50:
            self.stderr.write(f"… and {len(differences) - 50} more")
        sys.stdout.flush()
        raise CommandError(
            f"{len(differences)} difference(s) between stored and recomputed indicators."
        )
